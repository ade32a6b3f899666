"""The demo people of the README (same usernames, organisations and roles as ipmarket/accounts/demo.py), plus
`enterprise3`, the admin of an unlisted enterprise, and how one of them (or an anonymous caller) calls the API.

Every world of the matrix builds these people afresh inside its own transaction (rolled back after it)."""

from types import SimpleNamespace

from django.db import transaction
from rest_framework.test import APIClient

from tests.accounts.factories import OrganisationFactory, member_of

ANON = "anonymous"
E1, E2, E3 = "enterprise1", "enterprise2", "enterprise3"
BO, BA, BO2 = "bank_officer1", "bank_approver1", "bank_officer2"
INS, FUND, APPR, PLAT = "insurer1", "fund1", "appraiser1", "platform1"
MED, COURT = "mediator1", "court1"
# Every caller of the matrix, anonymous first.
ROLES = [ANON, E1, E2, E3, BO, BA, BO2, INS, FUND, APPR, PLAT, MED, COURT]
# username → (organisation, role): ipmarket/accounts/demo.py's PEOPLE, and enterprise3 (tests/access/test_tables.py
# keeps the two the same).
PEOPLE = {
    E1: ("enterprise_a", "admin"),
    E2: ("enterprise_b", "admin"),
    E3: ("enterprise_c", "admin"),
    BO: ("bank_a", "officer"),
    BA: ("bank_a", "approver"),
    BO2: ("bank_b", "officer"),
    INS: ("insurer", "officer"),
    FUND: ("fund", "officer"),
    APPR: ("appraiser", "officer"),
    PLAT: ("platform", "admin"),
    MED: ("mediation", "member"),
    COURT: ("court", "member"),
}


def demo_people():
    """The organisations and people. enterprise1's 资阳 enterprise is the borrower and the seller;
    bank A (bank_officer1, bank_approver1) lends; bank B is another bank; enterprise3's enterprise is unlisted."""
    orgs = SimpleNamespace(
        enterprise_a=OrganisationFactory(kind="enterprise", city="资阳", name="资阳天府智能装备有限公司"),
        enterprise_b=OrganisationFactory(kind="enterprise", city="成都", name="成都蜀锦新材料有限公司"),
        enterprise_c=OrganisationFactory(kind="enterprise", city="绵阳", name="绵阳未公开科技公司", is_active=False),
        bank_a=OrganisationFactory(kind="bank", city="资阳", name="蜀商银行资阳分行"),
        bank_b=OrganisationFactory(kind="bank", city="成都", name="锦城银行成都分行"),
        insurer=OrganisationFactory(kind="insurer", city="成都", name="蜀安财产保险公司"),
        fund=OrganisationFactory(kind="risk_fund", city="资阳", name="资阳市知识产权质押融资风险补偿资金池"),
        appraiser=OrganisationFactory(kind="appraiser", city="成都", name="天平资产评估事务所"),
        platform=OrganisationFactory(kind="platform", city="成都", name="平台运营中心"),
        mediation=OrganisationFactory(kind="mediation", city="资阳", name="资阳市知识产权纠纷人民调解委员会"),
        court=OrganisationFactory(kind="court", city="资阳", name="资阳市中级人民法院"),
    )
    users = {name: member_of(getattr(orgs, org), role=role, username=name) for name, (org, role) in PEOPLE.items()}
    # The names tests/financing/conftest.py's Steps use for the parties of an application.
    steps_parties = SimpleNamespace(
        borrower=orgs.enterprise_a,
        owner=users[E1],
        bank=orgs.bank_a,
        officer=users[BO],
        approver=users[BA],
        insurer=orgs.insurer,
        underwriter=users[INS],
        appraiser=orgs.appraiser,
        valuer=users[APPR],
        fund=orgs.fund,
        fund_person=users[FUND],
        platform=users[PLAT],
    )
    return orgs, users, steps_parties


def request_as(world, role: str, method: str, url: str, body=None):
    """One request by `role` (ANON: nobody) on the world's people, run inside a savepoint rolled back after it,
    so that an action that succeeds leaves the world as it was for the next case. A world keeps one client per
    caller (a new client, or signing an anonymous one out, costs more than the request)."""
    clients = world.__dict__.setdefault("clients", {})
    if role not in clients:
        clients[role] = APIClient()
        if role != ANON:
            clients[role].force_authenticate(world.users[role])
    api = clients[role]
    with transaction.atomic():
        if method == "get":
            response = api.get(url)
        else:
            response = getattr(api, method)(url, body or {}, format="json")
        transaction.set_rollback(True)
    return response


def mismatches(world, cases) -> list[str]:
    """Run every case `(role, method, url, body, expected)` against the world; the cases whose answer is not the
    expected outcome, each named (caller, request, world, expected, got)."""
    failed = []
    for role, method, url, body, expected in cases:
        got = expected.mismatch(request_as(world, role, method, url, body))
        if got is not None:
            failed.append(f"{role} {method.upper()} {url} [{world.name}]: expected {expected}, got {got}")
    return failed
