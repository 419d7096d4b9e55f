"""`funnel review`: the weekly and monthly pages, written atomically under
`$FUNNEL_WAREHOUSE_DIR/reviews/`, plus an index of every review rendered so far."""

from __future__ import annotations

import os
import re
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from orchestration.review.blocks import Page
from orchestration.review.monthly import build_monthly
from orchestration.review.periods import ReviewMonth, ReviewWeek
from orchestration.review.published import (
    PublishedRun,
    ReviewUnavailable,
    open_published,
    published_run,
)
from orchestration.review.weekly import build_weekly
from orchestration.settings import published_path, warehouse_dir

TEMPLATES = Path(__file__).resolve().parent / "templates"
REVIEW_FILE = re.compile(r"^(weekly|monthly)-(\d{4}-W\d{2}|\d{4}-\d{2})\.html$")


@dataclass(frozen=True)
class RenderedReviews:
    weekly: Path
    monthly: Path
    index: Path
    run: PublishedRun
    week: ReviewWeek
    month: ReviewMonth
    seconds: float
    headline: dict[str, dict[str, str]] = field(default_factory=dict)


def reviews_dir() -> Path:
    return warehouse_dir() / "reviews"


def _environment() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html", "j2"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _write_atomically(path: Path, text: str) -> None:
    scratch = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    scratch.write_text(text, encoding="utf-8")
    os.replace(scratch, path)


def _render_page(environment: Environment, page: Page, css: str) -> str:
    rendered_at = f"{datetime.now(UTC):%Y-%m-%d %H:%M}"
    return environment.get_template("review.html.j2").render(
        page=page, css=css, rendered_at=rendered_at
    )


def _index_entries(folder: Path, kind: str) -> list[dict[str, str]]:
    entries = []
    for path in folder.glob(f"{kind}-*.html"):
        found = REVIEW_FILE.match(path.name)
        if found:
            period = found.group(2)
            label = (
                ReviewWeek.parse(period).title
                if kind == "weekly"
                else ReviewMonth.parse(period).title
            )
            entries.append({"name": path.name, "period": period, "label": label})
    return sorted(entries, key=lambda entry: entry["period"], reverse=True)


def resolve_periods(
    run: PublishedRun, as_of: datetime | None, week: str | None, month: str | None
) -> tuple[ReviewWeek, ReviewMonth]:
    """The week and month to review: as given, else the last complete ones at the as-of."""
    moment = as_of or run.as_of
    if as_of is not None and as_of > run.as_of:
        raise ReviewUnavailable(
            f"--as-of {as_of:%Y-%m-%d %H:%M} is after the published marts' as-of "
            f"({run.as_of:%Y-%m-%d %H:%M} UTC): their SLA clocks and worklists were judged then. "
            "Run `funnel run` (or `funnel run --as-of ...`) to judge at a later instant."
        )
    chosen_week = ReviewWeek.parse(week) if week else ReviewWeek.last_complete(moment)
    chosen_month = ReviewMonth.parse(month) if month else ReviewMonth.last_complete(moment)
    return chosen_week, chosen_month


def render_reviews(
    *,
    as_of: datetime | None = None,
    week: str | None = None,
    month: str | None = None,
    published: Path | None = None,
    output: Path | None = None,
) -> RenderedReviews:
    """Render both reviews from the published marts; raises ReviewUnavailable or PeriodError."""
    started = time.perf_counter()
    database = published or published_path()
    folder = output or reviews_dir()
    with open_published(database) as connection:
        run = published_run(connection, database)
        chosen_week, chosen_month = resolve_periods(run, as_of, week, month)
        weekly_page = build_weekly(connection, run, chosen_week)
        monthly_page = build_monthly(connection, run, chosen_month)
    environment = _environment()
    css = (TEMPLATES / "review.css").read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    weekly = folder / f"weekly-{chosen_week.label}.html"
    monthly = folder / f"monthly-{chosen_month.label}.html"
    _write_atomically(weekly, _render_page(environment, weekly_page, css))
    _write_atomically(monthly, _render_page(environment, monthly_page, css))
    index = folder / "index.html"
    _write_atomically(
        index,
        environment.get_template("index.html.j2").render(
            css=css,
            provenance=run.describe(),
            weekly=_index_entries(folder, "weekly"),
            monthly=_index_entries(folder, "monthly"),
        ),
    )
    return RenderedReviews(
        weekly=weekly,
        monthly=monthly,
        index=index,
        run=run,
        week=chosen_week,
        month=chosen_month,
        seconds=time.perf_counter() - started,
        headline={"weekly": weekly_page.headline, "monthly": monthly_page.headline},
    )
