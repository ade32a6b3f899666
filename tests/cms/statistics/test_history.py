"""The history charts of /statistics/: what each snapshot keeps for them (also after the month of full days),
the charts with no, one and many days, in Chinese and English, and a page whose queries do not grow with the
days."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from cms.statistics import selectors
from cms.statistics.compute import VERSION
from cms.statistics.models import StatisticsSnapshot, Target
from cms.statistics.services import KEEP_DAYS, statistics_refresh
from ipmarket.accounts.cities import cities
from tests.accounts.factories import OrganisationFactory
from tests.assets.factories import PatentFactory, TrademarkFactory
from tests.querycount import Baselines

pytestmark = pytest.mark.django_db
BASELINES = Baselines(__file__)
HISTORY_CHARTS = 5  # invention per 10k (one city), trademarks, registry entries, loans, amount


def today():
    return timezone.localdate()


def days_ago(n):
    return today() - dt.timedelta(days=n)


def history_section(html):
    """From the history's heading to the first table of figures after it."""
    return html[html.index('id="history"') : html.index('id="invention-patents-per-10k"')]


def test_each_snapshot_keeps_the_figures_of_the_history_charts(make_loan):
    ziyang = OrganisationFactory(city="资阳")
    PatentFactory(owner=ziyang)
    TrademarkFactory(owner=ziyang)
    make_loan("active", approved="1000000.00", covered="1000000.00", disbursed_on=today())

    history = statistics_refresh().figures["history"]

    assert history["invention_per_10k"]["资阳"] == "0.0043"  # 1 × 10,000 / 2,308,631
    population = sum(c.population for c in cities().values())
    assert history["invention_per_10k"][""] == str((Decimal(10000) / population).quantize(Decimal("0.0001")))
    assert history["valid_trademarks"] == 1
    assert history["registry_entries"] == 0
    assert history["loans_financed"] == 1
    assert history["amount_financed"] == "1000000.00"


def test_after_a_month_a_day_keeps_only_its_history_figures():
    statistics_refresh(today=days_ago(KEEP_DAYS + 5))
    statistics_refresh(today=days_ago(KEEP_DAYS + 1))
    statistics_refresh(today=days_ago(2))
    # A day of an older format, without history figures: deleted after the month as before.
    StatisticsSnapshot.objects.create(on=days_ago(KEEP_DAYS + 3), computed_at=timezone.now(), figures={"version": 1})

    statistics_refresh()

    rows = {s.on: s.figures for s in StatisticsSnapshot.objects.all()}
    assert sorted(rows) == [days_ago(KEEP_DAYS + 5), days_ago(KEEP_DAYS + 1), days_ago(2), today()]
    thin = rows[days_ago(KEEP_DAYS + 5)]
    assert set(thin) == {"version", "as_of", "history"}
    assert thin["version"] == VERSION and thin["as_of"] == days_ago(KEEP_DAYS + 5).isoformat()
    assert thin["history"] == rows[today()]["history"]
    assert "targets" in rows[days_ago(2)] and "patents_by_city" in rows[days_ago(2)]  # within the month: whole
    assert [on for on, _ in selectors.history()] == sorted(rows)
    assert selectors.latest_snapshot().on == today()


def test_with_no_snapshot_there_is_no_history_and_the_page_says_the_figures_are_coming(client):
    assert selectors.history() == []
    html = client.get("/statistics/").content.decode()
    assert 'id="history"' not in html
    assert "<svg" not in html


def test_one_day_of_history_is_one_dot_per_chart_with_its_table(client):
    PatentFactory(owner=OrganisationFactory(city="资阳"))
    statistics_refresh()

    html = client.get("/statistics/").content.decode()
    section = history_section(html)

    charts = re.findall(r'<svg class="stat-chart"[^>]*aria-labelledby="(chart-history[^"]+)"', section)
    assert len(charts) == HISTORY_CHARTS
    assert section.count("<circle") == HISTORY_CHARTS
    assert "<polyline" not in section
    assert section.count(f'<time datetime="{today():%Y-%m-%d}">') == HISTORY_CHARTS  # one row per table
    # No target names a city: the ratio is that of the whole area (1 patent over every census city's residents).
    population = sum(c.population for c in cities().values())
    assert str((Decimal(10000) / population).quantize(Decimal("0.0001"))) in section


def test_many_days_draw_lines_and_tables_newest_first(client):
    owner = OrganisationFactory(city="资阳")
    for n, day in enumerate((days_ago(40), days_ago(10), days_ago(1), today())):
        TrademarkFactory(owner=owner)
        for _ in range(n):
            PatentFactory(owner=owner)
        statistics_refresh(today=day)
    Target.objects.create(
        metric="invention_per_10k",
        city="资阳",
        target_value=1,
        starts_on=dt.date(2025, 1, 1),
        due_on=dt.date(2026, 12, 31),
    )
    statistics_refresh()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    section = history_section(client.get("/statistics/").content.decode())

    assert section.count("<polyline") == HISTORY_CHARTS
    trademarks = section[section.index('id="history-valid-trademarks"') :]
    trademarks = trademarks[: trademarks.index("</section>")]
    days = re.findall(r'<th scope="row"><time datetime="([\d-]+)">', trademarks)
    assert days == [f"{d:%Y-%m-%d}" for d in (today(), days_ago(1), days_ago(10), days_ago(40))]
    assert re.findall(r'<td class="num" data-label="Figure">(\d+)</td>', trademarks) == ["4", "3", "2", "1"]
    assert "Invention patents per 10,000 residents: Ziyang" in section
    assert "target 1.0000 by 2026-12-31" in section  # the target's dashed line on the ratio chart
    # 0, 1, 3 then 6 patents in 资阳: 0.0000 → 0.0260 (6 × 10,000 / 2,308,631 = 0.02599)
    ratio = section[: section.index('id="history-valid-trademarks"')]
    assert "0.0000 → 0.0260" in ratio


def test_the_history_in_chinese_keeps_its_days_and_figures(client):
    statistics_refresh(today=days_ago(3))
    statistics_refresh()
    html = client.get("/statistics/").content.decode()
    assert "<h1>统计数据</h1>" in html
    section = history_section(html)
    assert section.count("<polyline") == HISTORY_CHARTS
    assert f'<time datetime="{days_ago(3):%Y-%m-%d}">' in section


def test_the_page_reads_the_history_in_one_query_whatever_the_days():
    client = Client()
    statistics_refresh(today=days_ago(3))
    statistics_refresh()
    added = iter(range(4, 40))

    def more_days():
        for _ in range(5):
            statistics_refresh(today=days_ago(next(added)))

    def shown_days(response):
        section = history_section(response.content.decode())
        trademarks = section[section.index('id="history-valid-trademarks"') :]
        return len(re.findall(r'<th scope="row"><time', trademarks[: trademarks.index("</section>")]))

    BASELINES.check(
        "GET /statistics/ with the history of the snapshots",
        lambda: client.get("/statistics/"),
        rows=shown_days,
        grow=more_days,
    )
