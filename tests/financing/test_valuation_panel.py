"""The programme's valuation panel: platform people admit an appraisal firm (qualification, dates) and end an
admission early, through the services (and the Wagtail admin, which calls them); each is recorded on the
firm's history."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from financing import services
from financing.models import PanelAppraiser
from ipmarket.accounts.models import OrganisationEvent
from ipmarket.core.errors import GuardFailed
from tests.accounts.factories import OrganisationFactory, platform_operator

from .conftest import today

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff(db):
    return platform_operator(username="panel_staff")


@pytest.fixture
def firm(db):
    return OrganisationFactory(kind="appraiser", name="新评估事务所")


def admit(staff, programme, firm, start=0, days=365, **fields):
    return services.panel_admit(
        by=staff,
        programme=programme,
        appraiser=firm,
        qualification=fields.pop("qualification", "资产评估资格"),
        valid_from=today() + timedelta(days=start),
        valid_until=today() + timedelta(days=start + days),
        **fields,
    )


def test_platform_staff_admit_an_appraiser_and_it_is_recorded(staff, programme, firm):
    admission = admit(staff, programme, firm, certificate_number=" 51020026 ")
    assert admission.admitted_by == staff and admission.certificate_number == "51020026"
    event = OrganisationEvent.objects.get(organisation=firm, action="panel_admitted")
    assert event.actor == staff and event.before is None
    assert event.after["valid_until"] == (today() + timedelta(days=365)).isoformat()


def test_only_platform_staff_admit(parties, programme, firm):
    for person in (parties.valuer, parties.officer, parties.owner):
        with pytest.raises(PermissionDenied):
            admit(person, programme, firm)
    assert not PanelAppraiser.objects.filter(appraiser=firm).exists()


@pytest.mark.parametrize("kind", ["bank", "enterprise", "insurer", "platform"])
def test_only_appraisal_firms_are_admitted(staff, programme, kind):
    with pytest.raises(GuardFailed) as refused:
        admit(staff, programme, OrganisationFactory(kind=kind))
    assert refused.value.code == "not_appraiser"


def test_an_admission_ends_on_or_after_it_starts(staff, programme, firm):
    with pytest.raises(GuardFailed) as refused:
        admit(staff, programme, firm, start=10, days=-1)
    assert refused.value.code == "panel_dates_unordered"
    assert admit(staff, programme, firm, days=0).valid_until == today()  # one day


def test_a_qualification_is_stated(staff, programme, firm):
    with pytest.raises(ValidationError):
        admit(staff, programme, firm, qualification="  ")


@pytest.mark.parametrize(("start", "days", "overlaps"), [(365, 10, True), (366, 10, False), (-30, 30, True)])
def test_no_two_admissions_of_a_firm_share_a_day(staff, programme, firm, start, days, overlaps):
    admit(staff, programme, firm)  # today … today + 365
    if overlaps:
        with pytest.raises(GuardFailed) as refused:
            admit(staff, programme, firm, start=start, days=days)
        assert refused.value.code == "panel_admission_overlaps"
    else:
        admit(staff, programme, firm, start=start, days=days)
    # Another programme's panel is another panel.
    other = type(programme).objects.create(slug="other", name="其他", risk_fund=programme.risk_fund)
    admit(staff, other, firm)


def test_an_admission_is_ended_early(staff, programme, firm):
    admission = admit(staff, programme, firm, start=-10)
    ended = services.panel_end(by=staff, admission=admission)
    assert ended.valid_until == today() - timedelta(days=1)
    event = OrganisationEvent.objects.get(organisation=firm, action="panel_ended")
    assert event.before["valid_until"] == (today() + timedelta(days=355)).isoformat()
    assert event.after["valid_until"] == ended.valid_until.isoformat()


@pytest.mark.parametrize(
    ("last_day", "code"),
    [(400, "panel_end_not_earlier"), (355, "panel_end_not_earlier"), (-11, "panel_end_before_start")],
)
def test_an_early_end_lies_within_the_admission(staff, programme, firm, last_day, code):
    admission = admit(staff, programme, firm, start=-10)  # today − 10 … today + 355
    with pytest.raises(GuardFailed) as refused:
        services.panel_end(by=staff, admission=admission, last_day=today() + timedelta(days=last_day))
    assert refused.value.code == code
    assert PanelAppraiser.objects.get(pk=admission.pk).valid_until == today() + timedelta(days=355)


def test_only_platform_staff_end_an_admission(parties, staff, programme, firm):
    admission = admit(staff, programme, firm, start=-10)
    with pytest.raises(PermissionDenied):
        services.panel_end(by=parties.valuer, admission=admission)


def test_the_admin_admits_and_ends_through_the_services(client, staff, programme, firm):
    staff.is_superuser = True  # the admin's own permissions aside: the service's check is what is tested here
    staff.save()
    client.force_login(staff)
    base = "/admin/snippets/financing/panelappraiser/"
    data = {
        "programme": programme.pk,
        "appraiser": firm.pk,
        "qualification": "资产评估资格",
        "certificate_number": "",
        "valid_from": (today() - timedelta(days=5)).isoformat(),
        "valid_until": (today() + timedelta(days=100)).isoformat(),
    }
    assert client.post(f"{base}add/", data).status_code == 302
    admission = PanelAppraiser.objects.get(appraiser=firm)
    assert OrganisationEvent.objects.filter(organisation=firm, action="panel_admitted").exists()

    overlapping = {**data, "valid_from": today().isoformat()}
    response = client.post(f"{base}add/", overlapping)
    assert response.status_code == 200 and "已入库，有效期自" in response.content.decode()  # "already admitted"

    response = client.post(f"{base}edit/{admission.pk}/", {**data, "qualification": "改了"})
    assert response.status_code == 200 and PanelAppraiser.objects.get(pk=admission.pk).qualification == "资产评估资格"
    ended = {**data, "valid_until": today().isoformat()}
    assert client.post(f"{base}edit/{admission.pk}/", ended).status_code == 302
    assert PanelAppraiser.objects.get(pk=admission.pk).valid_until == today()
    assert client.get(f"{base}delete/{admission.pk}/").status_code in (302, 403)
    assert PanelAppraiser.objects.filter(pk=admission.pk).exists()
