"""Server-side SVG charts: horizontal bars, stacked bars and capacity gauges. No JavaScript, no library.

Each chart is an `<svg role="img">` named by its `<title>` and described by a `<desc>` listing every
figure, drawn in a 360-unit wide viewBox that scales to its container (100% wide, 375 px phones
included). The table that follows each chart on the page is the full alternative; the chart itself only
repeats it. Colours keep at least 3:1 against white (WCAG 1.4.11) and each bar carries its value as text.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH = 360  # units; at 375 px a unit is about 0.9 px, so labels stay about 13 px
LABEL_SIZE = 14
VALUE_AREA = 110  # room right of the longest bar for its value
BAR_HEIGHT = 16
ROW_HEIGHT = 44
TOP = 8
INK = "#1d2430"
MUTED = "#5a6475"
TRACK = "#e3e7ee"
BAR = "#0b5cad"
# Series colours of stacked bars: dark enough for 3:1 against white, told apart by hue and lightness.
PALETTE = ["#0b5cad", "#a3121f", "#1c7c3c", "#8a5a00", "#5b3fa0", "#2b3a55", "#b0246a", "#00677a"]
WARN = "#8a5a00"


@dataclass(frozen=True)
class Bar:
    label: str
    value: Decimal | int
    text: str  # the value as shown next to the bar


@dataclass(frozen=True)
class Stack:
    label: str
    values: list  # one per series
    text: str  # the total as shown next to the bar


@dataclass(frozen=True)
class Gauge:
    label: str
    used: Decimal
    capacity: Decimal
    text: str


def _num(x: float) -> str:
    return f"{x:.1f}".rstrip("0").rstrip(".")


def _svg(chart_id: str, title: str, description: str, height: int, body) -> SafeString:
    return format_html(
        '<svg class="stat-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="100%" '
        'preserveAspectRatio="xMinYMin meet" role="img" aria-labelledby="{id}-title {id}-desc" '
        'font-size="{size}" fill="{ink}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        w=WIDTH,
        h=height,
        id=chart_id,
        size=LABEL_SIZE,
        ink=INK,
        title=title,
        desc=description,
        body=body,
    )


def _scale(values) -> Decimal:
    top = max((Decimal(v) for v in values), default=Decimal(0))
    return top if top > 0 else Decimal(1)


def _row(y: int, label: str) -> SafeString:
    return format_html('<text x="0" y="{}">{}</text>', y + LABEL_SIZE, label)


def bar_chart(*, chart_id: str, title: str, bars: list[Bar]) -> SafeString:
    """One horizontal bar per item, its label above it and its value after it."""
    top = _scale(b.value for b in bars)
    span = WIDTH - VALUE_AREA
    parts = []
    for i, bar in enumerate(bars):
        y = TOP + i * ROW_HEIGHT
        width = float(Decimal(bar.value) / top * span)
        bar_y = y + LABEL_SIZE + 6
        parts.append(_row(y, bar.label))
        if width > 0:
            parts.append(
                format_html(
                    '<rect x="0" y="{}" width="{}" height="{}" fill="{}" rx="2"><title>{}: {}</title></rect>',
                    bar_y,
                    _num(max(width, 1)),
                    BAR_HEIGHT,
                    BAR,
                    bar.label,
                    bar.text,
                )
            )
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-weight="600">{}</text>', _num(width + 6), bar_y + BAR_HEIGHT - 3, bar.text
            )
        )
    description = "; ".join(f"{b.label}: {b.text}" for b in bars)
    height = TOP + max(len(bars), 1) * ROW_HEIGHT
    return _svg(chart_id, title, description, height, mark_safe("".join(parts)))


def stacked_bar_chart(*, chart_id: str, title: str, series: list[str], stacks: list[Stack]) -> SafeString:
    """One bar per item made of one segment per series (colours of `series_colours`), the total after it.
    The key is `legend(series)`, drawn in HTML next to the chart."""
    top = _scale(sum(Decimal(v) for v in s.values) for s in stacks)
    span = WIDTH - VALUE_AREA
    parts = []
    for i, stack in enumerate(stacks):
        y = TOP + i * ROW_HEIGHT
        bar_y = y + LABEL_SIZE + 6
        parts.append(_row(y, stack.label))
        x = 0.0
        for name, value, colour in zip(series, stack.values, series_colours(len(series)), strict=True):
            width = float(Decimal(value) / top * span)
            if width <= 0:
                continue
            parts.append(
                format_html(
                    '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#fff" stroke-width="1">'
                    "<title>{} · {}: {}</title></rect>",
                    _num(x),
                    bar_y,
                    _num(max(width, 1)),
                    BAR_HEIGHT,
                    colour,
                    stack.label,
                    name,
                    value,
                )
            )
            x += width
        parts.append(
            format_html(
                '<text x="{}" y="{}" font-weight="600">{}</text>', _num(x + 6), bar_y + BAR_HEIGHT - 3, stack.text
            )
        )
    description = "; ".join(_stack_description(s, series) for s in stacks)
    height = TOP + max(len(stacks), 1) * ROW_HEIGHT
    return _svg(chart_id, title, description, height, mark_safe("".join(parts)))


def _stack_description(stack: Stack, series: list[str]) -> str:
    parts = [f"{name} {value}" for name, value in zip(series, stack.values, strict=True) if value]
    return f"{stack.label}: {stack.text}" + (f" ({', '.join(parts)})" if parts else "")


def series_colours(n: int) -> list[str]:
    return [PALETTE[i % len(PALETTE)] for i in range(n)]


def legend(series: list[str]) -> SafeString:
    """The key of a stacked chart as an HTML list (wraps on narrow screens; the swatches are decoration)."""
    items = format_html_join(
        "",
        # An SVG square filled with the colour: a style attribute would need 'unsafe-inline' in the CSP.
        '<li><svg class="swatch" viewBox="0 0 1 1" aria-hidden="true" focusable="false">'
        '<rect width="1" height="1" rx=".15" fill="{}"/></svg>{}</li>',
        zip(series_colours(len(series)), series, strict=True),
    )
    return format_html('<ul class="chart-legend">{}</ul>', items)


def gauge_chart(*, chart_id: str, title: str, gauges: list[Gauge], warn_at: Decimal = Decimal("0.8")) -> SafeString:
    """One track per item as long as its capacity, filled up to what is used, with the figures below it."""
    row = 72
    span = WIDTH - 2
    parts = []
    for i, gauge in enumerate(gauges):
        y = TOP + i * row
        bar_y = y + LABEL_SIZE + 6
        share = min(Decimal(gauge.used) / Decimal(gauge.capacity), Decimal(1)) if gauge.capacity else Decimal(1)
        colour = WARN if share >= warn_at else BAR
        parts.append(_row(y, gauge.label))
        parts.append(
            format_html(
                '<rect x="1" y="{}" width="{}" height="{}" fill="{}" stroke="{}" rx="2"/>',
                bar_y,
                span,
                BAR_HEIGHT + 4,
                TRACK,
                MUTED,
            )
        )
        if share > 0:
            parts.append(
                format_html(
                    '<rect x="1" y="{}" width="{}" height="{}" fill="{}" rx="2"/>',
                    bar_y,
                    _num(max(float(share) * span, 1)),
                    BAR_HEIGHT + 4,
                    colour,
                )
            )
        parts.append(format_html('<text x="0" y="{}" fill="{}">{}</text>', bar_y + BAR_HEIGHT + 24, INK, gauge.text))
    description = "; ".join(f"{g.label}: {g.text}" for g in gauges)
    height = TOP + max(len(gauges), 1) * row
    return _svg(chart_id, title, description, height, mark_safe("".join(parts)))


@dataclass(frozen=True)
class Point:
    on: date
    value: Decimal
    text: str  # the value as shown


LINE = "#0b5cad"
TARGET_LINE = "#a3121f"
PLOT_LEFT = 8
PLOT_TOP = 24
PLOT_HEIGHT = 140
MARKERS_UP_TO = 40  # a dot on each day up to this many days; beyond, only on the newest


def line_chart(
    *, chart_id: str, title: str, points: list[Point], target: Decimal | None = None, target_text: str = ""
) -> SafeString | None:
    """The daily figures as a line over time (one dot for a single day), the newest value labelled, the target
    as a dashed line if given; the y axis starts at 0. None without points (the page says there is no history
    yet). The table of the figures follows the chart on the page."""
    if not points:
        return None
    top = _scale([*(p.value for p in points), target or 0])
    first, last = points[0].on, points[-1].on
    days = (last - first).days
    span = WIDTH - PLOT_LEFT - VALUE_AREA
    bottom = PLOT_TOP + PLOT_HEIGHT

    def x(p: Point) -> float:
        return PLOT_LEFT + (span * (p.on - first).days / days if days else span / 2)

    def y(value) -> float:
        return bottom - float(Decimal(value) / top) * PLOT_HEIGHT

    parts = [
        format_html(
            '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
            PLOT_LEFT,
            bottom,
            PLOT_LEFT + span,
            bottom,
            MUTED,
        ),
    ]
    newest = points[-1]
    if bottom - y(newest.value) > LABEL_SIZE + 4:  # the axis's 0, unless the newest value's label is there
        parts.append(
            format_html('<text x="{}" y="{}" fill="{}">0</text>', _num(PLOT_LEFT + span + 6), bottom + 4, MUTED)
        )
    if target:
        parts.append(
            format_html(
                '<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="2" stroke-dasharray="6 4"/>'
                '<text x="{}" y="{}" fill="{}">{}</text>',
                PLOT_LEFT,
                _num(y(target)),
                PLOT_LEFT + span,
                _num(y(target)),
                TARGET_LINE,
                PLOT_LEFT,
                _num(y(target) - 6),
                TARGET_LINE,
                target_text,
            )
        )
    if len(points) > 1:
        path = " ".join(f"{_num(x(p))},{_num(y(p.value))}" for p in points)
        parts.append(format_html('<polyline points="{}" fill="none" stroke="{}" stroke-width="2.5"/>', path, LINE))
    shown = points if len(points) <= MARKERS_UP_TO else points[-1:]
    for p in shown:
        parts.append(
            format_html(
                '<circle cx="{}" cy="{}" r="3.5" fill="{}"><title>{}: {}</title></circle>',
                _num(x(p)),
                _num(y(p.value)),
                LINE,
                p.on.isoformat(),
                p.text,
            )
        )
    parts.append(
        format_html(
            '<text x="{}" y="{}" font-weight="600">{}</text>',
            _num(PLOT_LEFT + span + 6),
            _num(min(y(newest.value) + 5, bottom - 12)),
            newest.text,
        )
    )
    parts.append(format_html('<text x="{}" y="{}" fill="{}">{}</text>', PLOT_LEFT, bottom + 20, MUTED, first))
    if days:
        parts.append(
            format_html(
                '<text x="{}" y="{}" fill="{}" text-anchor="end">{}</text>',
                _num(PLOT_LEFT + span),
                bottom + 20,
                MUTED,
                last,
            )
        )
    return _svg(chart_id, title, _line_description(points, target_text), bottom + 28, mark_safe("".join(parts)))


def _line_description(points: list[Point], target_text: str) -> str:
    newest = points[-1]
    if len(points) == 1:
        text = f"{newest.on}: {newest.text}"
    else:
        low = min(points, key=lambda p: p.value)
        high = max(points, key=lambda p: p.value)
        text = (
            f"{points[0].on} – {newest.on} ({len(points)}): {points[0].text} → {newest.text}; "
            f"{_('lowest')} {low.text} ({low.on}); {_('highest')} {high.text} ({high.on})"
        )
    return f"{text}; {target_text}" if target_text else text
