"""The Wagtail admin screen of the subsidies (financing/subsidies/admin.py): platform people list and inspect
every subsidy; an enterprise person or an anonymous visitor gets no admin; a person given admin access sees only
what the selector shows them (404 on another's subsidy); no add, edit or delete: a subsidy changes only through
the services."""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from financing.subsidies.models import Subsidy
from tests.accounts.factories import platform_operator

pytestmark = pytest.mark.django_db
LIST = "/admin/snippets/subsidies/subsidy/"


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def with_admin(person):
    """A person given the admin and the subsidies' permissions (platform people get them from their group)."""
    person.is_staff = True
    person.save()
    person.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="subsidies"),
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
    )
    return person


@pytest.fixture
def subsidy(loan) -> Subsidy:
    app = loan(paid=(1,))
    return Subsidy.objects.get(application=app, kind="premium")


def test_platform_people_list_and_inspect_every_subsidy(subsidy):
    client = signed_in(platform_operator())
    listing = client.get(LIST)
    assert listing.status_code == 200
    page = listing.content.decode()
    for row in Subsidy.objects.filter(application=subsidy.application):
        assert f"inspect/{row.pk}/" in page
    inspect = client.get(f"{LIST}inspect/{subsidy.pk}/")
    assert inspect.status_code == 200 and str(subsidy.amount) in inspect.content.decode()
    assert client.get(f"{LIST}inspect/{Subsidy.objects.order_by('-pk').first().pk + 1000}/").status_code == 404


def test_no_add_edit_or_delete_for_platform_people(subsidy):
    client = signed_in(platform_operator())
    listing = client.get(LIST).content.decode()
    assert f"{LIST}add/" not in listing and f"edit/{subsidy.pk}/" not in listing
    assert f"delete/{subsidy.pk}/" not in listing
    for url in (f"{LIST}add/", f"{LIST}edit/{subsidy.pk}/", f"{LIST}delete/{subsidy.pk}/", f"{LIST}copy/{subsidy.pk}/"):
        assert client.get(url).status_code in (302, 403, 404), url
        response = client.post(url, {"amount": "1.00", "state": "paid"})
        assert response.status_code in (302, 403, 404), url
        if response.status_code == 302:
            assert "/admin/login/" not in response["Location"] and url not in response["Location"], url
    stored = Subsidy.objects.get(pk=subsidy.pk)
    assert (stored.amount, stored.state) == (subsidy.amount, subsidy.state)


def test_anonymous_and_enterprise_people_get_no_admin(subsidy, parties):
    for client in (Client(), signed_in(parties.owner)):
        for url in (LIST, f"{LIST}inspect/{subsidy.pk}/"):
            response = client.get(url)
            assert response.status_code in (302, 403), url
            if response.status_code == 302:
                assert "/login/" in response["Location"] or response["Location"].rstrip("/").endswith("/admin")


def test_admin_access_shows_only_what_the_selector_allows(subsidy, parties, outsiders):
    """An outsider enterprise given admin access sees none of the borrower's subsidies; a bank (which the
    selector shows no subsidy) neither; the borrower's own person sees its own."""
    for person in (outsiders.enterprise, parties.officer):
        client = signed_in(with_admin(person))
        listing = client.get(LIST)
        assert listing.status_code == 200 and f"inspect/{subsidy.pk}/" not in listing.content.decode()
        assert client.get(f"{LIST}inspect/{subsidy.pk}/").status_code == 404
    owner = signed_in(with_admin(parties.owner))
    assert f"inspect/{subsidy.pk}/" in owner.get(LIST).content.decode()
    assert owner.get(f"{LIST}inspect/{subsidy.pk}/").status_code == 200
