"""Numbers as a reader reads them: thousands separators, percentages, currency, days.

A missing value is never printed as NaN or None: callers pass the reason it is missing.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import date, datetime

MISSING = "—"


def is_missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and not math.isfinite(value))


def count(value: object) -> str:
    return MISSING if is_missing(value) else f"{round(float(value)):,}"  # type: ignore[arg-type]


def percent(value: object, decimals: int = 1) -> str:
    return MISSING if is_missing(value) else f"{float(value) * 100:,.{decimals}f}%"  # type: ignore[arg-type]


def amount(value: object) -> str:
    if is_missing(value):
        return MISSING
    number = float(value)  # type: ignore[arg-type]
    sign = "-" if number < 0 else ""
    return f"{sign}${abs(number):,.0f}"


def compact_amount(value: object) -> str:
    """$1.45M, $820K: for headline tiles."""
    if is_missing(value):
        return MISSING
    number = float(value)  # type: ignore[arg-type]
    for size, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(number) >= size:
            return f"${number / size:,.2f}{suffix}"
    return amount(number)


def days(value: object) -> str:
    return MISSING if is_missing(value) else f"{float(value):,.1f} d"  # type: ignore[arg-type]


def business_hours(minutes: object) -> str:
    return MISSING if is_missing(minutes) else f"{float(minutes) / 60:,.1f} business h"  # type: ignore[arg-type]


def multiple(value: object) -> str:
    return MISSING if is_missing(value) else f"{float(value):,.2f}\N{MULTIPLICATION SIGN}"  # type: ignore[arg-type]


def by_unit(value: object, unit: str) -> str:
    """A KPI value in its `kpi_definitions.unit`."""
    formatters: dict[str, Callable[[object], str]] = {
        "count": count,
        "ratio": percent,
        "amount": amount,
        "days": days,
        "multiple": multiple,
    }
    formatter = formatters.get(unit, count)
    return formatter(value)


def change(current: object, previous: object, unit: str) -> str:
    """The change from the previous period: points for rates, percent for the rest."""
    if is_missing(current) or is_missing(previous):
        return MISSING
    now, before = float(current), float(previous)  # type: ignore[arg-type]
    if unit == "ratio":
        return f"{(now - before) * 100:+,.1f} pts"
    if before == 0:
        return MISSING
    return f"{(now - before) / abs(before) * 100:+,.1f}%"


def timestamp(value: datetime | None) -> str:
    return MISSING if value is None else f"{value:%Y-%m-%d %H:%M}"


def day(value: date | datetime | None) -> str:
    return MISSING if value is None else f"{value:%Y-%m-%d}"


def text(value: object) -> str:
    return MISSING if is_missing(value) or value == "" else str(value)
