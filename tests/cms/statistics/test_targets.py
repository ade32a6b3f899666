"""Programme targets: validation, who may set them, progress figures exact against known rows (by city, within
the period), and the targets on /statistics/ in Chinese and English."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone
from djmoney.money import Money

from cms.statistics import compute
from cms.statistics.demo import seed_targets
from cms.statistics.models import Target
from cms.statistics.progress import targets_progress
from cms.statistics.services import statistics_refresh, target_save
from financing.models import Application
from financing.registry.models import Demand
from ipmarket.accounts.cities import cities
from ipmarket.accounts.models import Organisation
from tests.accounts.factories import OrganisationFactory, UserFactory, member_of, platform_operator
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.querycount import Baselines, count_links

pytestmark = pytest.mark.django_db
BASELINES = Baselines(__file__)

START = dt.date(2025, 1, 1)
DUE = dt.date(2026, 12, 31)


def today():
    return timezone.localdate()


def target(metric, value, *, city="", baseline=None, starts_on=START, due_on=DUE, note=""):
    return Target.objects.create(
        metric=metric,
        city=city,
        target_value=Decimal(value),
        baseline_value=None if baseline is None else Decimal(baseline),
        starts_on=starts_on,
        due_on=due_on,
        note=note,
    )


def progress(**query):
    """The snapshot's progress rows of the targets matching `query` (metric=…, city=…)."""
    rows = compute.compute_figures(today())["targets"]
    return [r for r in rows if all(r[k] == v for k, v in query.items())]


def one(**query):
    rows = progress(**query)
    assert len(rows) == 1, rows
    return rows[0]


@pytest.fixture
def platform():
    return platform_operator()


# --- validation and who may set targets -------------------------------------------------------------------


def fields(**overrides):
    base = {
        "metric": "valid_trademarks",
        "city": "",
        "target_value": Decimal("11500"),
        "baseline_value": None,
        "starts_on": START,
        "due_on": DUE,
        "note": "",
    }
    return base | overrides


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"target_value": Decimal("0")}, "target_value"),
        ({"target_value": Decimal("-3")}, "target_value"),
        ({"target_value": Decimal("11500.5")}, "target_value"),  # a count is whole
        ({"metric": "agencies_brought_in", "target_value": Decimal("2.5")}, "target_value"),
        ({"metric": "amount_financed", "target_value": Decimal("1000.005")}, "target_value"),  # to the fen
        ({"metric": "invention_per_10k", "target_value": Decimal("1.00005")}, "target_value"),
        ({"baseline_value": Decimal("12000")}, "baseline_value"),  # not below the target
        ({"baseline_value": Decimal("-1")}, "baseline_value"),
        ({"baseline_value": Decimal("10.5")}, "baseline_value"),
        ({"due_on": START}, "due_on"),
        ({"city": "纽约"}, "city"),  # not a city the statistics know
        ({"metric": "patents"}, "metric"),
    ],
)
def test_bad_targets_are_refused_with_the_field_named(platform, overrides, field):
    with pytest.raises(ValidationError) as caught:
        target_save(by=platform, **fields(**overrides))
    assert field in caught.value.error_dict
    assert not Target.objects.exists()


def test_good_targets_are_saved_money_to_the_fen_and_the_ratio_to_four_decimals(platform):
    amount = target_save(by=platform, **fields(metric="amount_financed", target_value=Decimal("50000000.25")))
    ratio = target_save(by=platform, **fields(metric="invention_per_10k", city="资阳", target_value=Decimal("1")))
    ratio2 = target_save(
        by=platform,
        **fields(metric="invention_per_10k", city="资阳", target_value=Decimal("1.2345"), due_on=dt.date(2027, 6, 30)),
    )
    count = target_save(by=platform, **fields(baseline_value=Decimal("9800")))
    assert Target.objects.get(pk=amount.pk).target_value == Decimal("50000000.25")
    assert Target.objects.get(pk=ratio2.pk).target_value == Decimal("1.2345")
    assert ratio.city == "资阳" and count.baseline_value == Decimal("9800")


def test_one_target_per_metric_city_and_due_date(platform):
    target_save(by=platform, **fields())
    with pytest.raises(ValidationError):
        target_save(by=platform, **fields(target_value=Decimal("12000")))
    target_save(by=platform, **fields(city="资阳"))  # another city
    target_save(by=platform, **fields(due_on=dt.date(2027, 12, 31)))  # another date
    assert Target.objects.count() == 3


@pytest.mark.parametrize("who", ["enterprise admin", "bank officer", "staff without platform", "anonymous"])
def test_only_platform_people_set_targets(who):
    person = {
        "enterprise admin": lambda: member_of(OrganisationFactory(kind="enterprise"), role="admin"),
        "bank officer": lambda: member_of(OrganisationFactory(kind="bank"), role="officer"),
        "staff without platform": lambda: UserFactory(is_staff=True),
        "anonymous": AnonymousUser,
    }[who]()
    with pytest.raises(PermissionDenied):
        target_save(by=person, **fields())
    existing = target("valid_trademarks", "100")
    with pytest.raises(PermissionDenied):
        target_save(by=person, target=existing, target_value=Decimal("1"))
    assert Target.objects.get().target_value == Decimal("100")


def test_a_superuser_sets_targets():
    target_save(by=UserFactory(is_superuser=True, is_staff=True), **fields())
    assert Target.objects.count() == 1


# --- the admin ----------------------------------------------------------------------------------------------

ADMIN = "/admin/snippets/cms_statistics/target/"


def admin_form(**overrides):
    data = {
        "metric": "valid_trademarks",
        "city": "",
        "target_value": "11500",
        "baseline_value": "",
        "starts_on": "2025-01-01",
        "due_on": "2026-12-31",
        "note": "来源：项目申报书",
    }
    return data | overrides


def test_a_platform_person_adds_and_edits_a_target_in_the_admin(client, platform):
    client.force_login(platform)
    assert client.get(ADMIN).status_code == 200
    response = client.post(ADMIN + "add/", admin_form())
    assert response.status_code == 302, response.content.decode()[:2000]
    saved = Target.objects.get()
    assert saved.target_value == Decimal("11500") and saved.note == "来源：项目申报书"
    response = client.post(ADMIN + f"edit/{saved.pk}/", admin_form(target_value="12000"))
    assert response.status_code == 302
    assert Target.objects.get().target_value == Decimal("12000")


def test_the_admin_form_shows_the_validation_errors(client, platform):
    client.force_login(platform)
    response = client.post(ADMIN + "add/", admin_form(target_value="11500.5"))
    assert response.status_code == 200
    assert "whole number" in response.content.decode() or "整数" in response.content.decode()
    assert not Target.objects.exists()


def test_people_outside_the_platform_cannot_see_or_change_targets_in_the_admin(client):
    existing = target("valid_trademarks", "100")
    # Wagtail admin access and every Django permission on targets, but no platform membership.

    person = member_of(OrganisationFactory(kind="bank"), role="admin", is_staff=True)
    person.user_permissions.add(
        Permission.objects.get(codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="cms_statistics"),
    )
    client.force_login(person)
    for url in (ADMIN, ADMIN + "add/", ADMIN + f"edit/{existing.pk}/", ADMIN + f"delete/{existing.pk}/"):
        response = client.get(url)
        assert response.status_code in (302, 403), (url, response.status_code)
    assert client.post(ADMIN + "add/", admin_form(due_on="2027-12-31")).status_code in (302, 403)
    assert client.post(ADMIN + f"edit/{existing.pk}/", admin_form(target_value="1")).status_code in (302, 403)
    assert client.post(ADMIN + f"delete/{existing.pk}/").status_code in (302, 403)
    assert Target.objects.get().target_value == Decimal("100")
    assert Target.objects.count() == 1


def test_the_admin_list_of_targets_makes_the_same_queries_for_more_targets(platform):
    staff = Client()
    staff.force_login(platform)
    target("valid_trademarks", "100")
    more = iter(range(1, 20))
    BASELINES.check(
        "GET admin programme targets as platform staff",
        lambda: staff.get(ADMIN),
        rows=count_links(r"/admin/snippets/cms_statistics/target/edit/(\d+)/"),
        grow=lambda: [target("registry_entries", "12", due_on=DUE + dt.timedelta(days=next(more))) for _ in range(3)],
    )


def test_a_platform_person_deletes_a_target(client, platform):
    existing = target("valid_trademarks", "100")
    client.force_login(platform)
    assert client.post(ADMIN + f"delete/{existing.pk}/").status_code == 302
    assert not Target.objects.exists()


# --- progress figures ---------------------------------------------------------------------------------------


def test_invention_patents_per_10k_for_ziyang_use_the_census_population():
    ziyang = OrganisationFactory(city="资阳")
    for _ in range(5):
        PatentFactory(owner=ziyang)
    PatentFactory(owner=ziyang, legal_status="lapsed")  # not in force
    PatentFactory(owner=OrganisationFactory(city="成都"))  # another city
    target("invention_per_10k", "1", city="资阳", baseline="0.6")

    row = one(metric="invention_per_10k", city="资阳")

    # 5 × 10,000 / 2,308,631 residents = 0.021658… → 0.0217; 0.0217 / 1 = 2.17 %
    assert row["value"] == "0.0217"
    assert Decimal(row["value"]) == (Decimal(50000) / Decimal(2308631)).quantize(Decimal("0.0001"))
    assert row["population"] == 2308631
    assert row["target"] == "1.0000" and row["baseline"] == "0.6000"
    assert row["percent"] == "2.17"
    assert row["status"] == "behind"  # below the straight line from 0.6 to 1
    assert row["by_city"] == []


def test_invention_per_10k_for_the_whole_area_is_every_census_citys_patents_over_their_population():
    PatentFactory(owner=OrganisationFactory(city="资阳"))
    PatentFactory(owner=OrganisationFactory(city="成都"))
    PatentFactory(owner=OrganisationFactory(city="攀枝花"))  # not in the census file: no population, left out
    target("invention_per_10k", "2")

    row = one(metric="invention_per_10k", city="")

    population = sum(c.population for c in cities().values())
    assert row["value"] == str((Decimal(20000) / population).quantize(Decimal("0.0001")))
    assert len(row["by_city"]) == len(cities())  # every census city, highest first
    assert row["by_city"][0] == {"city": "资阳", "value": "0.0043"}  # 1 × 10,000 / 2,308,631


def test_valid_trademarks_whole_area_and_by_city():
    ziyang, meishan = OrganisationFactory(city="资阳"), OrganisationFactory(city="眉山")
    for _ in range(3):
        TrademarkFactory(owner=ziyang)
    TrademarkFactory(owner=meishan)
    TrademarkFactory(owner=ziyang, status="expired")
    target("valid_trademarks", "11500")
    target("valid_trademarks", "3", city="资阳")

    area = one(metric="valid_trademarks", city="")
    assert area["value"] == "4" and area["target"] == "11500"
    assert area["percent"] == "0.03"  # 4 / 11,500 = 0.0348 % → 0.03
    assert area["by_city"] == [{"city": "资阳", "value": "3"}, {"city": "眉山", "value": "1"}]
    city = one(metric="valid_trademarks", city="资阳")
    assert city["value"] == "3" and city["percent"] == "100.00" and city["status"] == "reached"


def _agency(kind, city, created):
    org = OrganisationFactory(kind=kind, city=city)
    Organisation.objects.filter(pk=org.pk).update(
        created_at=timezone.make_aware(dt.datetime.combine(created, dt.time(12)))
    )
    return org


def test_agencies_brought_in_are_active_patent_or_trademark_agencies_created_within_the_period():
    _agency("patent_agency", "资阳", START)  # first day counts
    _agency("trademark_agency", "资阳", dt.date(2026, 3, 1))
    _agency("patent_agency", "成都", dt.date(2025, 6, 1))
    _agency("patent_agency", "资阳", START - dt.timedelta(days=1))  # before the period
    _agency("law_firm", "资阳", dt.date(2025, 6, 1))  # not an IP agency
    gone = _agency("patent_agency", "资阳", dt.date(2025, 6, 1))
    Organisation.objects.filter(pk=gone.pk).update(is_active=False)  # no longer active
    target("agencies_brought_in", "3", city="资阳", due_on=dt.date(2027, 12, 31))
    target("agencies_brought_in", "3", due_on=dt.date(2027, 12, 31))

    assert one(metric="agencies_brought_in", city="资阳")["value"] == "2"
    area = one(metric="agencies_brought_in", city="")
    assert area["value"] == "3"
    assert area["by_city"] == [{"city": "资阳", "value": "2"}, {"city": "成都", "value": "1"}]
    assert area["percent"] == "100.00" and area["status"] == "reached"


@pytest.fixture
def registry_demand(programme):
    creator = UserFactory()

    def make(state, admitted_on, city="资阳"):
        return Demand.objects.create(
            enterprise=OrganisationFactory(kind="enterprise", city=city),
            programme=programme,
            created_by=creator,
            amount=Money("1000000.00", "CNY"),
            term_months=12,
            purpose="流动资金",
            industry="C",
            state=state,
            admitted_on=admitted_on,
        )

    return make


def test_registry_entries_are_demands_admitted_within_the_period_by_the_enterprises_city(registry_demand):
    for state in ("admitted", "matched", "financed"):
        registry_demand(state, dt.date(2025, 5, 1))
    registry_demand("admitted", dt.date(2025, 5, 1), city="成都")
    registry_demand("admitted", START - dt.timedelta(days=1))  # admitted before the period
    registry_demand("submitted", None)  # not admitted
    registry_demand("expired", dt.date(2025, 5, 1))  # left the registry
    registry_demand("admitted", today() + dt.timedelta(days=1))  # not yet (a date in the future is not counted)
    target("registry_entries", "12", city="资阳", due_on=today() + dt.timedelta(days=30))

    row = one(metric="registry_entries")
    assert row["value"] == "3"
    assert row["percent"] == "25.00"


def _loan(applicant, disbursed_on, approved, programme, parties):
    bank, insurer, appraiser, person = parties
    return Application.objects.create(
        programme=programme,
        applicant=applicant,
        lender=bank,
        insurer=insurer,
        appraiser=appraiser,
        created_by=person,
        principal=Money("3000000.00", "CNY"),
        annual_rate=Decimal("0.045"),
        term_months=12,
        method="equal_principal",
        state="active" if disbursed_on else "bank_approved" if approved else "submitted",
        approved_principal=Money(approved, "CNY") if approved else None,
        covered_principal=Money(approved, "CNY") if approved else None,
        disbursed_on=disbursed_on,
    )


def test_loans_and_amount_financed_are_loans_disbursed_within_the_period_by_the_applicants_city(programme):
    parties = (
        OrganisationFactory(kind="bank", city="成都"),
        OrganisationFactory(kind="insurer", city="成都"),
        OrganisationFactory(kind="appraiser", city="成都"),
        UserFactory(),
    )
    ziyang = OrganisationFactory(kind="enterprise", city="资阳")
    chengdu = OrganisationFactory(kind="enterprise", city="成都")
    _loan(ziyang, dt.date(2025, 3, 1), "1000000.10", programme, parties)
    _loan(ziyang, dt.date(2026, 1, 15), "2500000.25", programme, parties)
    _loan(chengdu, dt.date(2025, 8, 1), "800000.00", programme, parties)
    _loan(ziyang, dt.date(2024, 12, 31), "9000000.00", programme, parties)  # before the period
    _loan(ziyang, None, "5000000.00", programme, parties)  # approved, not disbursed
    target("loans_financed", "10", city="资阳")
    target("amount_financed", "100000000.00", city="资阳")
    target("amount_financed", "100000000.00")

    loans = one(metric="loans_financed")
    assert loans["value"] == "2" and loans["percent"] == "20.00"
    amount = one(metric="amount_financed", city="资阳")
    assert amount["value"] == "3500000.35"
    assert amount["percent"] == "3.50"  # 3,500,000.35 / 100,000,000 = 3.5000004 %
    area = one(metric="amount_financed", city="")
    assert area["value"] == "4300000.35"
    assert area["by_city"] == [{"city": "资阳", "value": "3500000.35"}, {"city": "成都", "value": "800000.00"}]


def test_a_target_past_its_due_date_counts_up_to_that_date_and_is_missed(programme, registry_demand):
    due = today() - dt.timedelta(days=10)
    registry_demand("admitted", due - dt.timedelta(days=1))
    registry_demand("admitted", due + dt.timedelta(days=1))  # after the due date: not counted
    target("registry_entries", "12", starts_on=due - dt.timedelta(days=365), due_on=due)

    row = one(metric="registry_entries")
    assert row["value"] == "1" and row["status"] == "missed"
    assert row["expected"] == "12"


def test_no_targets_no_progress_and_one_query_per_flow_target_kind_and_period(django_assert_max_num_queries):
    assert compute.compute_figures(today())["targets"] == []
    target("loans_financed", "10")
    target("amount_financed", "1000.00")  # same applications, same period: the query is shared
    target("valid_trademarks", "10")  # from the trademarks table: no query

    with django_assert_max_num_queries(2):  # the targets, then one aggregate of the loans
        rows = targets_progress(today(), patents=[], trademarks=[])
    # In the order of the metrics (models.Metric), for the same due date.
    assert [r["metric"] for r in rows] == ["valid_trademarks", "loans_financed", "amount_financed"]


# --- the page -----------------------------------------------------------------------------------------------


@pytest.fixture
def with_targets(db):
    ziyang = OrganisationFactory(city="资阳")
    for _ in range(5):
        PatentFactory(owner=ziyang)
    TrademarkFactory(owner=ziyang)
    TrademarkFactory(owner=ziyang)
    TrademarkFactory(owner=OrganisationFactory(city="成都"))
    target("invention_per_10k", "1", city="资阳", note="项目申报书：每万人口发明专利拥有量达到1件")
    target("valid_trademarks", "11500")
    target("valid_trademarks", "1", city="资阳", due_on=DUE)
    return statistics_refresh()


def _targets_section(html):
    return html[html.index('id="programme-targets"') : html.index('id="history"')]


def test_the_page_shows_each_target_with_its_progress_in_chinese(client, with_targets):
    html = client.get("/statistics/").content.decode()
    section = _targets_section(html)

    assert "<h1>统计数据</h1>" in html
    assert '<progress max="100" value="2.17"' in section  # 0.0217 of 1
    assert "2.17%" in section
    assert "资阳" in section and "0.0217" in section and "1.0000" in section
    assert "11,500" in section
    assert '<progress max="100" value="100"' in section  # 2 of 1 in 资阳: 200 %, the bar is capped
    assert "200.00%" in section
    assert "项目申报书：每万人口发明专利拥有量达到1件" in section
    assert '<time datetime="2026-12-31">' in section
    # The whole-area target lists its cities.
    assert re.search(r"<details class=\"target-cities\">", section)


def test_the_page_shows_the_targets_in_english(client, with_targets):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get("/statistics/").content.decode()
    section = _targets_section(html)

    assert "Programme targets" in section
    assert "Invention patents per 10,000 residents · Ziyang" in section
    assert "Valid registered trademarks · All cities" in section
    assert "Reached" in section and "Behind schedule" in section
    assert "200.00%" in section


def test_without_targets_the_page_says_so(client):
    statistics_refresh()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    section = _targets_section(client.get("/statistics/").content.decode())
    assert "No targets have been set yet." in section
    assert "<progress" not in section


def test_the_demo_targets_are_the_programme_reports_and_seeding_twice_changes_nothing():
    first = seed_targets()
    second = seed_targets()
    assert [t.pk for t in first] == [t.pk for t in second]
    assert Target.objects.count() == 6
    by_metric = {t.metric: t for t in Target.objects.all()}
    assert by_metric["invention_per_10k"].target_value == Decimal("1")
    assert by_metric["valid_trademarks"].target_value == Decimal("11500")
    assert by_metric["agencies_brought_in"].target_value == Decimal("3")
    assert by_metric["registry_entries"].target_value == Decimal("12")
    assert "演示" in by_metric["loans_financed"].note and "演示" in by_metric["amount_financed"].note
    for t in Target.objects.all():
        t.full_clean()  # every demo target passes the admin's validation
        assert t.city == "资阳"
    assert len(progress()) == 6
