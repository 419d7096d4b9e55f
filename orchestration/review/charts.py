"""Charts as inline SVG: Vega-Lite specs built with Altair and compiled by vl-convert, in
process, with no browser and no network. Sparklines are drawn directly (dozens per page)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

import altair as alt
import pandas as pd
import vl_convert

FONT = "-apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Liberation Sans', sans-serif"
WIDTH = 620
MARKETING, SALES, CUSTOMER_BASE, NEUTRAL, TARGET = (
    "#6b4fbb",
    "#1f77b4",
    "#2a9d8f",
    "#5c677d",
    "#d62828",
)
SERIES = ["#1f77b4", "#6b4fbb", "#2a9d8f", "#e76f51", "#f4a261", "#8d99ae", "#264653"]
_chart_numbers = itertools.count(1)


def _configured(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    return (
        chart.configure(font=FONT, padding={"left": 12, "right": 12, "top": 4, "bottom": 4})
        .configure_title(fontSize=12, anchor="start")
        .configure_view(stroke=None)
        .configure_axis(labelFontSize=11, titleFontSize=11, gridColor="#eceff3")
        .configure_legend(labelFontSize=11, titleFontSize=11, orient="bottom")
    )


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as an `<svg>` element whose ids can't collide with another chart's."""
    svg = vl_convert.vegalite_to_svg(_configured(chart).to_json())
    prefix = f"c{next(_chart_numbers)}-"
    svg = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", svg)
    svg = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}{m.group(1)}"', svg)
    return svg.replace("<svg ", '<svg role="img" preserveAspectRatio="xMinYMin meet" ', 1)


def rate_trend_with_targets(
    frame: pd.DataFrame, *, x: str, x_title: str, panel: str, rate: str, target: str
) -> str:
    """Small multiples: one panel per `panel` value, the rate over time and its target."""
    panels = []
    names = list(dict.fromkeys(frame[panel]))
    width = max(140, (WIDTH - 40 * len(names)) // max(1, len(names)))
    for name in names:
        part = frame[frame[panel] == name]
        base = alt.Chart(part).encode(
            x=alt.X(f"{x}:T", title=None, axis=alt.Axis(format="%d %b", labelAngle=-40))
        )
        line = base.mark_line(point=True, color=SALES).encode(
            y=alt.Y(
                f"{rate}:Q", title=None, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")
            ),
            tooltip=[alt.Tooltip(f"{x}:T", title=x_title), alt.Tooltip(f"{rate}:Q", format=".1%")],
        )
        layers = [line]
        if part[target].notna().any():
            layers.append(
                alt.Chart(part.head(1))
                .mark_rule(color=TARGET, strokeDash=[4, 3])
                .encode(y=f"{target}:Q")
            )
        panels.append(alt.layer(*layers).properties(title=name, width=width, height=150))
    return to_svg(alt.hconcat(*panels, spacing=18))


def bars_against_marks(
    frame: pd.DataFrame,
    *,
    category: str,
    value: str,
    marks: Sequence[tuple[str, str]],
    value_format: str,
    value_title: str,
) -> str:
    """Horizontal bars with tick marks (a target, a floor, the pace) on each."""
    base = alt.Chart(frame).encode(y=alt.Y(f"{category}:N", title=None, sort=None))
    layers = [
        base.mark_bar(color=MARKETING, height=18).encode(
            x=alt.X(f"{value}:Q", title=value_title, axis=alt.Axis(format=value_format)),
            tooltip=[category, alt.Tooltip(f"{value}:Q", format=value_format)],
        ),
        base.mark_text(align="left", dx=4, fontSize=11).encode(
            x=f"{value}:Q", text=alt.Text(f"{value}:Q", format=value_format)
        ),
    ]
    for column, color in marks:
        layers.append(
            base.mark_tick(color=color, thickness=3, size=26).encode(
                x=f"{column}:Q", tooltip=[alt.Tooltip(f"{column}:Q", format=value_format)]
            )
        )
    return to_svg(alt.layer(*layers).properties(width=WIDTH - 160, height=34 * len(frame)))


def funnel(frame: pd.DataFrame, *, stage: str, volume: str) -> str:
    """Stage volumes as a centred funnel, widest at the top."""
    frame = frame.assign(_left=-frame[volume] / 2, _right=frame[volume] / 2)
    base = alt.Chart(frame).encode(y=alt.Y(f"{stage}:N", sort=None, title=None))
    bars = base.mark_bar(color=MARKETING, height=26).encode(
        x=alt.X("_left:Q", axis=None), x2="_right:Q", tooltip=[stage, volume]
    )
    labels = base.mark_text(color="white", fontWeight="bold", fontSize=12).encode(
        text=alt.Text(f"{volume}:Q", format=",")
    )
    return to_svg(alt.layer(bars, labels).properties(width=WIDTH - 120, height=38 * len(frame)))


def series_over_time(
    frame: pd.DataFrame,
    *,
    x: str,
    y: str,
    series: str,
    y_format: str,
    y_title: str,
    hollow: str | None = None,
) -> str:
    """Lines per series; points where `hollow` is true are drawn open (e.g. not yet mature)."""
    base = alt.Chart(frame).encode(
        x=alt.X(f"{x}:T", title=None, axis=alt.Axis(format="%b %y")),
        y=alt.Y(f"{y}:Q", title=y_title, axis=alt.Axis(format=y_format)),
        color=alt.Color(f"{series}:N", title=None, sort=None, scale=alt.Scale(range=SERIES)),
        tooltip=[
            series,
            alt.Tooltip(f"{x}:T", format="%b %Y"),
            alt.Tooltip(f"{y}:Q", format=y_format),
        ],
    )
    layers = [base.mark_line()]
    if hollow:
        layers += [
            base.transform_filter(f"!datum.{hollow}").mark_point(size=40, filled=True),
            base.transform_filter(f"datum.{hollow}").mark_point(size=40, fill="white", opacity=1),
        ]
    else:
        layers.append(base.mark_point(size=40, filled=True))
    return to_svg(alt.layer(*layers).properties(width=WIDTH - 60, height=230))


def stacked_bars_over_time(
    frame: pd.DataFrame, *, x: str, y: str, series: str, colors: dict[str, str], y_format: str
) -> str:
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            x=alt.X(f"yearmonth({x}):O", title=None, axis=alt.Axis(format="%b %y", labelAngle=0)),
            y=alt.Y(f"sum({y}):Q", title=None, axis=alt.Axis(format=y_format)),
            color=alt.Color(
                f"{series}:N",
                title=None,
                scale=alt.Scale(domain=list(colors), range=list(colors.values())),
            ),
            tooltip=[
                series,
                alt.Tooltip(f"{x}:T", format="%b %Y"),
                alt.Tooltip(f"{y}:Q", format=y_format),
            ],
        )
    )
    return to_svg(chart.properties(width=WIDTH - 60, height=220))


def grouped_bars(
    frame: pd.DataFrame,
    *,
    category: str,
    group: str,
    value: str,
    value_format: str,
    groups: Sequence[str] | None = None,
) -> str:
    """Bars per category, one per group side by side (e.g. channel x attribution model).
    `groups` fixes the groups' order and colours across charts (default: as they appear); a
    count axis (format `,.0f`) ticks whole numbers only."""
    groups = list(groups or dict.fromkeys(frame[group]))
    axis = alt.Axis(format=value_format)
    largest = frame[value].max() if len(frame) else 0
    if value_format == ",.0f" and largest <= 10:
        # Small counts: a tick per whole number, never 0.5 printed as "1".
        axis = alt.Axis(format=value_format, values=list(range(int(largest) + 1)))
    chart = (
        alt.Chart(frame)
        .mark_bar()
        .encode(
            y=alt.Y(f"{category}:N", title=None),
            yOffset=alt.YOffset(f"{group}:N", sort=groups),
            x=alt.X(f"{value}:Q", title=None, axis=axis),
            color=alt.Color(
                f"{group}:N", title=None, sort=groups, scale=alt.Scale(domain=groups, range=SERIES)
            ),
            tooltip=[category, group, alt.Tooltip(f"{value}:Q", format=value_format)],
        )
    )
    rows = frame[category].nunique()
    return to_svg(chart.properties(width=WIDTH - 160, height=max(120, rows * 14 * len(groups))))


def rates_by_band(
    frame: pd.DataFrame,
    *,
    band: str,
    rates: dict[str, str],
    threshold_band: str | None,
    sample: str,
    small_sample: int,
) -> str:
    """Rates per score band side by side, the sales-ready threshold drawn as a rule; bands with
    fewer than `small_sample` in `sample` are drawn pale (too few to judge)."""
    long = frame.melt(
        id_vars=[band, sample], value_vars=list(rates), var_name="rate", value_name="value"
    )
    long["rate"] = long["rate"].map(rates)
    bands = list(frame[band])
    base = alt.Chart(long).encode(x=alt.X(f"{band}:N", sort=bands, title="Score band"))
    bars = base.mark_bar().encode(
        xOffset=alt.XOffset("rate:N", sort=list(rates.values())),
        y=alt.Y("value:Q", title=None, axis=alt.Axis(format="%")),
        color=alt.Color(
            "rate:N",
            title=None,
            sort=list(rates.values()),
            scale=alt.Scale(range=[SALES, CUSTOMER_BASE]),
        ),
        opacity=alt.condition(f"datum.{sample} < {small_sample}", alt.value(0.35), alt.value(1.0)),
        tooltip=[band, "rate", alt.Tooltip("value:Q", format=".1%"), sample],
    )
    layers = [bars]
    if threshold_band:
        marker = pd.DataFrame({band: [threshold_band], "label": ["sales-ready threshold"]})
        rule = alt.Chart(marker).encode(x=alt.X(f"{band}:N", sort=bands, bandPosition=0))
        layers += [
            rule.mark_rule(color=TARGET, strokeDash=[5, 3], strokeWidth=2),
            rule.mark_text(color=TARGET, align="left", dx=4, dy=-6, baseline="top", y=0).encode(
                text="label:N"
            ),
        ]
    return to_svg(alt.layer(*layers).properties(width=WIDTH - 60, height=220))


def sparkline(values: Sequence[float | None], width: int = 96, height: int = 22) -> str:
    """A tiny line of the last periods; gaps where a period has no value."""
    inner = width - 6
    return _sparkline(values, inner, height, width)


def _sparkline(values: Sequence[float | None], inner: int, height: int, width: int) -> str:
    known = [v for v in values if v is not None]
    if len(known) < 2:
        return ""
    low, high = min(known), max(known)
    span = (high - low) or 1.0
    step = inner / max(1, len(values) - 1)
    segments: list[list[str]] = [[]]
    last_point = ""
    for index, value in enumerate(values):
        if value is None:
            segments.append([])
            continue
        x = 3 + index * step
        y = height - 2 - (value - low) / span * (height - 4)
        last_point = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="{SALES}"/>'
        segments[-1].append(f"{x:.1f},{y:.1f}")
    lines = "".join(
        f'<polyline fill="none" stroke="{SALES}" stroke-width="1.5" points="{" ".join(points)}"/>'
        for points in segments
        if len(points) > 1
    )
    return (
        f'<svg class="spark" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="trend">{lines}{last_point}</svg>'
    )
