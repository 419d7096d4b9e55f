"""What a review page is made of: sections of headline figures, tables, charts and
explanations. Each number carries its definition (shown on hover and in the page's footnotes)
and a `data-metric` name, which is how tests and scrapers find it."""

from __future__ import annotations

from dataclasses import dataclass, field

from orchestration.review.charts import sparkline


@dataclass(frozen=True)
class Definition:
    term: str
    text: str


@dataclass(frozen=True)
class Figure:
    """A headline number: label, value, and what it is compared with."""

    metric: str
    label: str
    value: str
    detail: str = ""
    definition: str = ""
    # "good", "bad" or "" (neutral): whether it meets what was agreed.
    verdict: str = ""


@dataclass(frozen=True)
class Cell:
    text: str
    definition: str = ""
    verdict: str = ""
    numeric: bool = False
    html: str = ""  # pre-rendered markup (a sparkline), shown instead of text


@dataclass(frozen=True)
class Row:
    cells: list[Cell]
    metric: str = ""


@dataclass(frozen=True)
class Table:
    caption: str
    headers: list[str]
    rows: list[Row]
    note: str = ""
    # When nothing is listed, say why (e.g. "no MQLs this week").
    empty_reason: str = ""
    # Tables of one kind stacked on a page (the scorecard groups) share column widths.
    aligned: bool = False


@dataclass(frozen=True)
class Chart:
    title: str
    svg: str
    note: str = ""


@dataclass(frozen=True)
class Explanation:
    """Why a metric or chart has nothing to show."""

    title: str
    text: str


@dataclass(frozen=True)
class Figures:
    figures: list[Figure]


Block = Figures | Table | Chart | Explanation


@dataclass
class Section:
    anchor: str
    title: str
    summary: str = ""
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Page:
    kind: str  # "weekly" or "monthly"
    title: str
    period_label: str
    subtitle: str
    provenance: str
    sections: list[Section]
    definitions: list[Definition]
    headline: dict[str, str] = field(default_factory=dict)


def cell(text: str, definition: str = "", verdict: str = "", numeric: bool = True) -> Cell:
    return Cell(text=text, definition=definition, verdict=verdict, numeric=numeric)


def label(text: str, definition: str = "") -> Cell:
    return Cell(text=text, definition=definition, numeric=False)


def sparkline_cell(values: list[float | None], too_few: str) -> Cell:
    """A trend as a sparkline, or `too_few` (e.g. "too few weeks") when it has under two points."""
    svg = sparkline(values)
    return Cell(text="" if svg else too_few, html=svg, numeric=False)


def verdict_of(value: float | None, target: float | None, higher_is_better: bool = True) -> str:
    if value is None or target is None:
        return ""
    meets = value >= target if higher_is_better else value <= target
    return "good" if meets else "bad"
