"""Wagtail admin screens for patents and trademarks (platform people)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from ipmarket.assets.identifiers import make_application_number
from ipmarket.assets.models import Patent, Trademark
from tests.accounts.factories import OrganisationFactory, platform_operator
from tests.assets.factories import PatentFactory, TrademarkFactory

pytestmark = pytest.mark.django_db
PATENTS, TRADEMARKS = "/admin/snippets/assets/patent/", "/admin/snippets/assets/trademark/"


@pytest.fixture
def platform(client):
    """A platform person signed in; an enterprise's granted and lapsed patents and its trademarks to list."""
    owner = OrganisationFactory(kind="enterprise")
    PatentFactory.create_batch(3, owner=owner)
    lapsed_fees = timezone.localdate() - timedelta(days=400)
    PatentFactory.create_batch(6, owner=owner, legal_status="lapsed", annual_fee_paid_until=lapsed_fees)
    TrademarkFactory.create_batch(2, owner=owner)
    client.force_login(platform_operator())
    return client


def test_search_and_filters(platform):
    patent = Patent.objects.filter(legal_status="granted").first()
    assert patent.title in platform.get(PATENTS, {"q": patent.application_number}).content.decode()
    lapsed_page = platform.get(PATENTS, {"legal_status": "lapsed"}).content.decode()
    assert all(p.application_number in lapsed_page for p in Patent.objects.filter(legal_status="lapsed")[:5])
    mark = Trademark.objects.first()
    assert mark.mark_name in platform.get(TRADEMARKS, {"q": mark.registration_number}).content.decode()
    assert platform.get(f"{PATENTS}inspect/{patent.pk}/").status_code == 200


def test_add_validates_the_number_and_computes_the_expiry(platform):
    owner = Patent.objects.first().owner
    form = {
        "application_number": "ZL 2020 1 " + make_application_number(2020, "1", 4242)[5:],
        "patent_type": "utility_model",  # the type digit says invention
        "title": "一种后台录入的装置",
        "abstract": "",
        "filing_date": "2020-05-06",
        "grant_date": "2022-01-04",
        "legal_status": "granted",
        "annual_fee_paid_until": "2027-05-06",
        "owner": owner.pk,
        "internal_notes": "",
    }
    response = platform.post(f"{PATENTS}add/", form)
    assert response.status_code == 200 and not Patent.objects.filter(title="一种后台录入的装置").exists()
    form["patent_type"] = "invention"
    response = platform.post(f"{PATENTS}add/", form)
    assert response.status_code == 302
    created = Patent.objects.get(title="一种后台录入的装置")
    assert created.application_number == make_application_number(2020, "1", 4242)
    assert created.expiry_date.isoformat() == "2040-05-06" and created.pledged is False


# --- Create and edit go through the services -----------------------------------------------------


def _admin_person(organisation, **kw):
    """A person of the organisation with the Wagtail admin and the assets permissions (what the platform
    group gives): the screens must still apply the services' rules to them."""
    from django.contrib.auth.models import Permission

    from tests.accounts.factories import member_of

    person = member_of(organisation, role="admin", **kw)
    person.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="assets"),
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
    )
    return person


def _patent_form(patent, **changes):
    form = {
        "application_number": patent.application_number,
        "patent_type": patent.patent_type,
        "title": patent.title,
        "abstract": patent.abstract,
        "filing_date": patent.filing_date.isoformat(),
        "grant_date": patent.grant_date.isoformat() if patent.grant_date else "",
        "legal_status": patent.legal_status,
        "annual_fee_paid_until": patent.annual_fee_paid_until.isoformat() if patent.annual_fee_paid_until else "",
        "owner": patent.owner_id,
        "co_owners": [o.pk for o in patent.co_owners.all()],
        "internal_notes": patent.internal_notes,
        **({"ownership_disputed": "on"} if patent.ownership_disputed else {}),
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


@pytest.fixture
def pledged_patent(db):
    from ipmarket.assets.services import asset_pledge
    from tests.accounts.factories import OrganisationFactory
    from tests.assets.factories import PatentFactory

    patent = PatentFactory(owner=OrganisationFactory(kind="enterprise"))
    asset_pledge(asset=patent, pledgee=OrganisationFactory(kind="bank"))
    return Patent.objects.get(pk=patent.pk)


def test_the_owners_edit_screen_refuses_register_changes_of_a_pledged_patent(client, pledged_patent):
    client.force_login(_admin_person(pledged_patent.owner))
    url = f"{PATENTS}edit/{pledged_patent.pk}/"
    response = client.post(url, _patent_form(pledged_patent, legal_status="lapsed", title="新名称"))
    assert response.status_code == 200  # the form again, with the reason
    assert "pledged" in response.content.decode() or "质押" in response.content.decode()
    stored = Patent.objects.get(pk=pledged_patent.pk)
    assert (stored.legal_status, stored.title) == ("granted", pledged_patent.title)
    assert client.post(url, _patent_form(pledged_patent, title="新名称")).status_code == 302
    assert Patent.objects.get(pk=pledged_patent.pk).title == "新名称"


def test_the_platforms_edit_screen_corrects_a_pledged_patent_and_records_it(client, pledged_patent):
    from ipmarket.assets.models import AssetEvent
    from tests.accounts.factories import OrganisationFactory

    platform = _admin_person(OrganisationFactory(kind="platform"))
    client.force_login(platform)
    url = f"{PATENTS}edit/{pledged_patent.pk}/"
    response = client.post(url, _patent_form(pledged_patent, ownership_disputed="on"))
    assert response.status_code == 302
    stored = Patent.objects.get(pk=pledged_patent.pk)
    assert stored.ownership_disputed and stored.ownership_disputed_by_platform and stored.pledged
    event = AssetEvent.objects.get(patent=pledged_patent, source="platform")
    assert (event.field, event.before, event.after, event.by, event.source) == (
        "ownership_disputed",
        False,
        True,
        platform,
        "platform",
    )
    other = OrganisationFactory(kind="enterprise")
    response = client.post(url, _patent_form(stored, owner=other.pk))  # ownership moves by assignment only
    assert response.status_code == 200 and Patent.objects.get(pk=pledged_patent.pk).owner_id == stored.owner_id
    assert client.get(f"/admin/snippets/assets/assetevent/?q={stored.application_number}").status_code == 200


def test_the_flag_the_platform_raised_is_not_cleared_on_the_owners_screen(client, pledged_patent):
    from ipmarket.assets.services import asset_release_pledge, patent_update
    from tests.accounts.factories import OrganisationFactory, member_of

    asset_release_pledge(asset=pledged_patent)
    patent_update(patent=pledged_patent, by=member_of(OrganisationFactory(kind="platform")), ownership_disputed=True)
    client.force_login(_admin_person(pledged_patent.owner))
    stored = Patent.objects.get(pk=pledged_patent.pk)
    form = _patent_form(stored)
    del form["ownership_disputed"]
    response = client.post(f"{PATENTS}edit/{stored.pk}/", form)
    assert response.status_code == 200 and Patent.objects.get(pk=stored.pk).ownership_disputed is True


def test_an_outsider_with_admin_access_cannot_add_ip_for_another_enterprise(client):
    from tests.accounts.factories import OrganisationFactory

    owner = OrganisationFactory(kind="enterprise")
    client.force_login(_admin_person(OrganisationFactory(kind="enterprise")))
    form = {
        "application_number": make_application_number(2020, "1", 4243),
        "patent_type": "invention",
        "title": "别人的专利",
        "abstract": "",
        "filing_date": "2020-05-06",
        "legal_status": "pending",
        "owner": owner.pk,
        "internal_notes": "",
    }
    response = client.post(f"{PATENTS}add/", form)
    assert response.status_code == 200 and not Patent.objects.filter(title="别人的专利").exists()
