"""The access matrix of the loan-product catalogue (/api/v1/financing/products/): the list, the detail read,
creating a product, PATCH and DELETE × the demo people and an anonymous caller × bank A's published and
unpublished product, against the table below, written by hand from docs/registry.md ("Loan products", who sees
and who changes), independently of financing/registry/products.py.

- Reads are public: a published product is listed and read by everyone, anonymous callers too; an unpublished one
  only by its bank's members (bank A's officer and approver), 404 to everyone else.
- Writes need a signed-in caller (401) who is a member of a bank (403 otherwise, whatever the product: the
  answer says nothing about it). A bank's members (any role) create products for their own bank and change and
  delete their bank's products; a member of another bank gets 403 `not_product_bank` on a published product and
  404 on an unpublished one (it does not see it), and 403 when creating a product for a bank not its own."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from financing.registry.products import product_create

from .expect import NOT_FOUND, OK, UNAUTHENTICATED, Outcome
from .people import ANON, BA, BO, BO2, ROLES, demo_people, mismatches, request_as

pytestmark = pytest.mark.django_db
URL = "/api/v1/financing/products/"
# The banks each caller is a member of (written by hand from tests/access/people.py's PEOPLE).
BANK_OF = {BO: "bank_a", BA: "bank_a", BO2: "bank_b"}
PRODUCTS = ["published", "unpublished"]  # both bank A's

CREATED = Outcome("201", 201)


class NoContent(Outcome):
    """204: no body to read a code from (`Outcome.mismatch` reads the JSON body)."""

    def mismatch(self, response) -> str | None:
        return None if response.status_code == 204 else f"{response.status_code} {response.content[:300]!r}"


DELETED = NoContent("204", 204)
NOT_A_BANK = Outcome("403", 403)
OTHER_BANK = Outcome("403 not_product_bank", 403, "not_product_bank")
OTHER_BANKS_CREATE = Outcome("403", 403)


def terms(**fields) -> dict:
    return {
        "min_amount": Decimal("500000"),
        "max_amount": Decimal("5000000"),
        "max_term_months": 36,
        "rate_min": Decimal("0.035"),
        "rate_max": Decimal("0.045"),
        "asset_kinds": ["invention", "trademark"],
        "cities": ["资阳"],
        **fields,
    }


@pytest.fixture(scope="module")
def world(kept_world):
    with kept_world():
        orgs, users, _steps = demo_people()
        made = {
            key: product_create(
                by=users[BO], bank=orgs.bank_a, name=f"矩阵贷-{key}", **terms(is_published=key == PRODUCTS[0])
            )
            for key in PRODUCTS
        }
        yield SimpleNamespace(name="bank A's products", products=made, users=users, orgs=orgs)


# --- the expected table --------------------------------------------------------------------------------------


def sees(role: str, product: str) -> bool:
    return product == "published" or BANK_OF.get(role) == "bank_a"


def read(role: str, product: str) -> Outcome:
    return OK if sees(role, product) else NOT_FOUND


def change(role: str, product: str, allowed: Outcome) -> Outcome:
    """PATCH or DELETE of one of bank A's products."""
    if role == ANON:
        return UNAUTHENTICATED
    if role not in BANK_OF:
        return NOT_A_BANK
    if not sees(role, product):
        return NOT_FOUND
    return allowed if BANK_OF[role] == "bank_a" else OTHER_BANK


def create(role: str, bank: str | None) -> Outcome:
    """Creating a product for `bank` (None: the caller's own bank)."""
    if role == ANON:
        return UNAUTHENTICATED
    if role not in BANK_OF:
        return NOT_A_BANK
    return CREATED if bank is None or bank == BANK_OF[role] else OTHER_BANKS_CREATE


# --- the tests ------------------------------------------------------------------------------------------------


def test_the_table_covers_every_caller():
    assert set(BANK_OF) < set(ROLES) and ROLES[0] == ANON


def listed_ids(world, role: str) -> set[int]:
    response = request_as(world, role, "get", f"{URL}?page_size=100")
    assert response.status_code == 200, (role, response.status_code)
    body = response.json()
    return {row["id"] for row in (body["results"] if isinstance(body, dict) else body)}


def test_list(world):
    failed = []
    for role in ROLES:
        ids = listed_ids(world, role)
        for key, product in world.products.items():
            if (product.pk in ids) != sees(role, key):
                failed.append(f"{role} GET {URL}: {key} {'missing' if sees(role, key) else 'listed'}")
    assert not failed, "\n".join(failed)


@pytest.mark.parametrize("product", PRODUCTS)
def test_retrieve_patch_delete(world, product):
    url = f"{URL}{world.products[product].pk}/"
    cases = []
    for role in ROLES:
        cases += [
            (role, "get", url, None, read(role, product)),
            (role, "patch", url, {"name": "改名贷"}, change(role, product, OK)),
            (role, "delete", url, None, change(role, product, DELETED)),
        ]
    assert not mismatches(world, cases), "\n".join(mismatches(world, cases))


def new_product(bank) -> dict:
    return {
        "bank": bank.pk,
        "name": "新知识贷",
        "min_amount": "500000",
        "max_amount": "5000000",
        "max_term_months": 24,
        "rate_min": "0.03",
        "rate_max": "0.05",
        "asset_kinds": ["invention"],
    }


def test_create(world):
    cases = []
    for role in ROLES:
        own = world.orgs.bank_b if BANK_OF.get(role) == "bank_b" else world.orgs.bank_a
        other = world.orgs.bank_a if own == world.orgs.bank_b else world.orgs.bank_b
        cases += [
            (role, "post", URL, new_product(own), create(role, None)),
            (role, "post", URL, new_product(other), create(role, "bank_b" if other == world.orgs.bank_b else "bank_a")),
        ]
    assert not mismatches(world, cases), "\n".join(mismatches(world, cases))


def test_a_refused_write_changes_nothing(world):
    """After every case above (each rolled back), and these refusals, the products are as they were made."""
    for role in (ANON, BO2, "enterprise1", "platform1"):
        for product in world.products.values():
            request_as(world, role, "patch", f"{URL}{product.pk}/", {"name": "x"})
    for key, product in world.products.items():
        product.refresh_from_db()
        assert product.name == f"矩阵贷-{key}" and product.is_published == (key == "published")
