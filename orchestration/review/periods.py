"""The periods a review covers: an ISO week (Monday to Sunday) and a calendar month, in UTC."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta

WEEK_PATTERN = re.compile(r"^(\d{4})-W(\d{2})$")
MONTH_PATTERN = re.compile(r"^(\d{4})-(\d{2})$")


class PeriodError(ValueError):
    """A --week or --month the review can't use; the message says what is expected."""


@dataclass(frozen=True)
class ReviewWeek:
    start: date  # a Monday

    @classmethod
    def parse(cls, text: str) -> ReviewWeek:
        found = WEEK_PATTERN.match(text)
        if not found:
            raise PeriodError(f"--week {text!r} is not an ISO week like 2026-W44")
        year, week = int(found.group(1)), int(found.group(2))
        try:
            return cls(date.fromisocalendar(year, week, 1))
        except ValueError:
            raise PeriodError(f"--week {text!r}: {year} has no ISO week {week}") from None

    @classmethod
    def last_complete(cls, as_of: datetime) -> ReviewWeek:
        """The latest week that had ended by `as_of`."""
        this_monday = as_of.date() - timedelta(days=as_of.weekday())
        return cls(this_monday - timedelta(days=7))

    @property
    def end(self) -> date:
        """The first day after the week."""
        return self.start + timedelta(days=7)

    @property
    def label(self) -> str:
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def title(self) -> str:
        last = self.end - timedelta(days=1)
        return f"Week {self.label} ({self.start:%d %b} \N{EN DASH} {last:%d %b %Y})"

    def previous(self, weeks: int) -> ReviewWeek:
        return ReviewWeek(self.start - timedelta(days=7 * weeks))

    def is_complete_at(self, as_of: datetime) -> bool:
        return datetime.combine(self.end, datetime.min.time()) <= as_of


@dataclass(frozen=True)
class ReviewMonth:
    start: date  # the first of a month

    @classmethod
    def parse(cls, text: str) -> ReviewMonth:
        found = MONTH_PATTERN.match(text)
        if not found or not 1 <= int(found.group(2)) <= 12:
            raise PeriodError(f"--month {text!r} is not a month like 2026-10")
        return cls(date(int(found.group(1)), int(found.group(2)), 1))

    @classmethod
    def last_complete(cls, as_of: datetime) -> ReviewMonth:
        """The latest month that had ended by `as_of`."""
        return cls(as_of.date().replace(day=1)).previous(1)

    @classmethod
    def containing(cls, day: date) -> ReviewMonth:
        return cls(day.replace(day=1))

    @property
    def end(self) -> date:
        """The first day after the month."""
        return self.next().start

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m}"

    @property
    def title(self) -> str:
        return f"{self.start:%B %Y}"

    def next(self) -> ReviewMonth:
        year, month = divmod(self.start.year * 12 + self.start.month, 12)
        return ReviewMonth(date(year, month + 1, 1))

    def previous(self, months: int) -> ReviewMonth:
        year, month = divmod(self.start.year * 12 + self.start.month - 1 - months, 12)
        return ReviewMonth(date(year, month + 1, 1))

    def is_complete_at(self, as_of: datetime) -> bool:
        return datetime.combine(self.end, datetime.min.time()) <= as_of
