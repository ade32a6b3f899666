"""Pure functions of the targets and history charts (no database): percent reached, expected pace and status,
figures to the metric's precision, and the line chart with no, one and many days."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import translation

from cms.statistics import charts
from cms.statistics.progress import Status, assess, fixed, step
from cms.statistics.targets import history_charts, metric_text, progress_rows

START = dt.date(2025, 1, 1)
DUE = dt.date(2026, 12, 31)  # 729 days after START
MIDDLE = START + dt.timedelta(days=364)


def judge(value, target, *, baseline=None, today=MIDDLE, metric="valid_trademarks"):
    return assess(
        metric=metric,
        value=Decimal(value),
        target=Decimal(target),
        baseline=None if baseline is None else Decimal(baseline),
        starts_on=START,
        due_on=DUE,
        today=today,
    )


def test_percent_is_exact_to_the_hundredth_half_up_and_not_capped():
    assert judge("1", "3")["percent"] == "33.33"
    assert judge("2", "3")["percent"] == "66.67"
    assert judge("1", "8")["percent"] == "12.50"
    assert judge("1", "80000")["percent"] == "0.00"  # 0.00125 % → 0.00
    assert judge("1", "40000")["percent"] == "0.00"  # 0.0025 % → 0.00
    assert judge("1", "20000")["percent"] == "0.01"  # 0.005 % → 0.01 (half up)
    assert judge("23", "11.5")["percent"] == "200.00"


def test_the_expected_pace_is_a_straight_line_from_the_baseline_to_the_target():
    # 364 of 729 days: 11,500 × 364 / 729 = 5,742.11 → 5,742
    assert judge("0", "11500")["expected"] == "5742"
    # From a baseline of 9,000: 9,000 + 2,500 × 364 / 729 = 10,248.28 → 10,248
    assert judge("0", "11500", baseline="9000")["expected"] == "10248"
    assert judge("0", "11500", today=START - dt.timedelta(days=5))["expected"] == "0"  # before the period
    assert judge("0", "11500", baseline="9000", today=START)["expected"] == "9000"
    assert judge("0", "11500", today=DUE)["expected"] == "11500"
    ratio = judge("0.5", "1", baseline="0.6", metric="invention_per_10k")
    assert ratio["expected"] == "0.7997"  # 0.6 + 0.4 × 364 / 729 = 0.79972…


@pytest.mark.parametrize(
    ("value", "today", "status"),
    [
        ("11500", MIDDLE, Status.REACHED),
        ("12000", DUE + dt.timedelta(days=30), Status.REACHED),  # reached, even looked at after the due date
        ("5742", MIDDLE, Status.ON_TRACK),  # exactly on the line
        ("5741", MIDDLE, Status.BEHIND),
        ("11499", DUE, Status.BEHIND),  # the due day itself is still within the period
        ("11499", DUE + dt.timedelta(days=1), Status.MISSED),
        ("0", START, Status.ON_TRACK),  # nothing is expected on the first day
    ],
)
def test_status(value, today, status):
    assert judge(value, "11500", today=today)["status"] == status


def test_figures_keep_the_metrics_precision():
    assert step("valid_trademarks") == Decimal(1)
    assert step("amount_financed") == Decimal("0.01")
    assert step("invention_per_10k") == Decimal("0.0001")
    assert fixed("amount_financed", Decimal("1234.565")) == "1234.57"
    assert fixed("invention_per_10k", Decimal("0.02165805")) == "0.0217"
    assert fixed("registry_entries", Decimal("12.0000")) == "12"


def test_metric_text():
    assert metric_text("valid_trademarks", "11500") == "11,500"
    assert metric_text("amount_financed", "50000000.00") == "¥50,000,000.00"
    assert metric_text("amount_financed", Decimal("1234.56"), whole_yuan=True) == "¥1,235"
    assert metric_text("invention_per_10k", "0.0217") == "0.0217"
    assert metric_text("registry_entries", None) == "—"


def point(day, value):
    return charts.Point(dt.date(2026, 11, day), Decimal(value), str(value))


def test_a_line_chart_needs_at_least_one_day():
    assert charts.line_chart(chart_id="c", title="T", points=[]) is None


def test_a_line_chart_of_one_day_is_a_dot_with_its_value():
    svg = str(charts.line_chart(chart_id="c", title="Valid trademarks", points=[point(5, 42)]))
    assert svg.count("<circle") == 1
    assert "<polyline" not in svg
    assert 'role="img" aria-labelledby="c-title c-desc"' in svg
    assert '<title id="c-title">Valid trademarks</title>' in svg
    assert '<desc id="c-desc">2026-11-05: 42</desc>' in svg


def test_a_line_chart_of_many_days_draws_the_line_and_its_target():
    points = [point(1, 10), point(2, 12), point(4, 11), point(9, 20)]
    with translation.override("en"):
        svg = str(
            charts.line_chart(
                chart_id="c", title="T", points=points, target=Decimal(40), target_text="target 40 by 2026-12-31"
            )
        )
    line = re.search(r'<polyline points="([^"]+)"', svg).group(1).split()
    assert len(line) == 4
    xs = [float(p.split(",")[0]) for p in line]
    ys = [float(p.split(",")[1]) for p in line]
    assert xs == sorted(xs) and xs[0] == charts.PLOT_LEFT
    # x by date: day 9 is 8 days after day 1, day 2 is one: the gaps are proportional.
    assert (xs[3] - xs[0]) == pytest.approx(8 * (xs[1] - xs[0]), abs=1)  # rounded to 0.1 unit
    assert ys[3] < ys[1] < ys[2] < ys[0]  # higher value, higher on the chart (smaller y)
    assert 'stroke-dasharray="6 4"' in svg and "target 40 by 2026-12-31" in svg
    assert svg.count("<circle") == 4
    assert (
        "2026-11-01 – 2026-11-09 (4): 10 → 20; lowest 10 (2026-11-01); highest 20 (2026-11-09); "
        "target 40 by 2026-12-31" in svg
    )


def test_a_long_history_marks_the_newest_day_only():
    points = [charts.Point(dt.date(2026, 1, 1) + dt.timedelta(days=i), Decimal(i), str(i)) for i in range(90)]
    svg = str(charts.line_chart(chart_id="c", title="T", points=points))
    assert svg.count("<circle") == 1 and "<title>2026-03-31: 89</title>" in svg


FIGURES = {
    "targets": [
        {
            "id": 1,
            "metric": "invention_per_10k",
            "city": "资阳",
            "population": 2308631,
            "target": "1.0000",
            "baseline": None,
            "starts_on": "2025-01-01",
            "due_on": "2026-12-31",
            "note": "",
            "value": "0.0217",
            "percent": "2.17",
            "expected": "0.4993",
            "status": "behind",
            "by_city": [],
        },
        {
            "id": 2,
            "metric": "amount_financed",
            "city": "",
            "population": None,
            "target": "1000.00",
            "baseline": None,
            "starts_on": "2025-01-01",
            "due_on": "2026-12-31",
            "note": "",
            "value": "1500.00",
            "percent": "150.00",
            "expected": "499.32",
            "status": "reached",
            "by_city": [{"city": "资阳", "value": "1500.00"}],
        },
    ]
}


def test_progress_rows_cap_the_bar_not_the_percentage():
    with translation.override("en"):
        ratio, amount = progress_rows(FIGURES)
    assert (ratio.where, ratio.value, ratio.target, ratio.bar, ratio.status_label) == (
        "Ziyang",
        "0.0217",
        "1.0000",
        "2.17",
        "Behind schedule",
    )
    assert (amount.where, amount.percent, amount.bar, amount.value) == ("All cities", "150.00", "100", "¥1,500.00")
    assert amount.by_city == [("Ziyang", "¥1,500.00")]


def test_history_charts_plot_the_ratio_for_the_city_a_target_names():
    history = [
        (dt.date(2026, 11, 1), {"invention_per_10k": {"": "0.0010", "资阳": "0.0200"}, "valid_trademarks": 3}),
        (dt.date(2026, 11, 2), {"invention_per_10k": {"": "0.0011", "资阳": "0.0217"}, "valid_trademarks": 4}),
    ]
    with translation.override("en"):
        result = history_charts(history, FIGURES)
    titles = [h.title for h in result]
    assert titles[0] == "Invention patents per 10,000 residents: Ziyang"
    assert len(result) == 5
    ratio = result[0]
    assert ratio.rows == [(dt.date(2026, 11, 2), "0.0217"), (dt.date(2026, 11, 1), "0.0200")]  # newest first
    assert "target 1.0000 by 2026-12-31" in str(ratio.chart)
    trademarks = result[1]
    assert [value for _day, value in trademarks.rows] == ["4", "3"]
    registry = result[2]
    assert registry.chart is None and registry.rows == []  # no figures for it in these days


def test_without_a_ratio_target_the_whole_area_is_plotted():
    history = [(dt.date(2026, 11, 1), {"invention_per_10k": {"": "0.0010"}})]
    with translation.override("en"):
        result = history_charts(history, {"targets": []})
    assert result[0].title == "Invention patents per 10,000 residents: All cities"
    assert result[0].rows == [(dt.date(2026, 11, 1), "0.0010")]
