"""The Wagtail admin screen of loan products (financing/registry/products_admin.py): read-only, showing platform
people every product and a bank's people their bank's only."""

import pytest
from django.contrib.auth.models import Permission

from tests.accounts.factories import OrganisationFactory, member_of
from tests.registry.test_products_api import make_product

pytestmark = pytest.mark.django_db
ADMIN = "/admin/snippets/registry/loanproduct/"


def admin_person(organisation):
    person = member_of(organisation, role="admin")
    person.is_staff = True
    person.save()
    person.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="registry"),
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
    )
    return person


def test_the_admin_lists_products_read_only(client):
    bank, other = OrganisationFactory(kind="bank"), OrganisationFactory(kind="bank")
    mine = make_product(bank, name="本行产品")
    theirs = make_product(other, name="他行未发布", is_published=False)
    client.force_login(admin_person(OrganisationFactory(kind="platform")))
    listing = client.get(ADMIN).content.decode()
    assert "本行产品" in listing and "他行未发布" in listing
    assert client.get(f"{ADMIN}inspect/{theirs.pk}/").status_code == 200
    assert client.get(f"{ADMIN}edit/{mine.pk}/").status_code in (302, 403)  # view-only
    assert client.get(f"{ADMIN}add/").status_code in (302, 403)
    client.force_login(admin_person(bank))
    listing = client.get(ADMIN).content.decode()
    assert "本行产品" in listing and "他行未发布" not in listing
    assert client.get(f"{ADMIN}inspect/{theirs.pk}/").status_code == 404
