"""What a gate found: one outcome per expectation, as stewards and the published table see it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

PASSED, FAILED, ERROR = "passed", "failed", "error"
# Columns whose values are personal data: masked in failing-row samples and in Data Docs.
PII_COLUMNS = frozenset({"email", "first_name", "last_name", "phone"})


def is_pii(column: object) -> bool:
    """The one rule for what is personal data: a PII column, or any `*email` column."""
    name = str(column).lower()
    return name in PII_COLUMNS or name.endswith("email")


def mask(value: Any) -> str:
    """`jane.doe@acme.com` -> `j***@acme.com`; anything else keeps its first character."""
    text = str(value)
    if not text:
        return text
    local, at, domain = text.partition("@")
    return f"{local[:1]}***{at}{domain}" if at else f"{text[:1]}***"


def masked(column: object, value: Any) -> str | None:
    """A sample value as stewards see it: null stays null, personal data is masked."""
    if value is None or type(value).__name__ == "NAType":
        return None
    try:
        if value != value:  # NaN (pandas' null of a numeric column) or NaT
            return None
    except (TypeError, ValueError):
        pass
    return mask(value) if is_pii(column) else str(value)


@dataclass
class ExpectationOutcome:
    boundary: str
    suite: str
    expectation: str
    expectation_type: str
    table: str
    column: str | None
    severity: str
    status: str
    observed_value: str
    element_count: int | None = None
    unexpected_count: int | None = None
    unexpected_percent: float | None = None
    failing_sample: list[dict[str, Any]] = field(default_factory=list)
    steward_domain: str = ""
    steward_name: str = ""
    steward_contact: str = ""
    error_message: str | None = None
    notes: str = ""
    catches: tuple[str, ...] = ()

    @property
    def passed(self) -> bool:
        return self.status == PASSED

    @property
    def blocks(self) -> bool:
        """A critical expectation that failed or could not be evaluated stops the run."""
        return self.severity == "critical" and self.status != PASSED

    def judge(self, unexpected: int, elements: int) -> None:
        """Passed or failed on `unexpected` of `elements` rows."""
        self.status = PASSED if unexpected == 0 else FAILED
        self.element_count = elements
        self.unexpected_count = unexpected
        self.unexpected_percent = round(100.0 * unexpected / elements, 6) if elements else 0.0

    def describe(self) -> str:
        where = f"{self.table}.{self.column}" if self.column else self.table
        if self.status == ERROR:
            what = f"GATE ERROR (not evaluated): {self.error_message}"
        else:
            what = self.observed_value
        return f"{self.expectation} on {where}: {what}"

    def sample_json(self) -> str:
        return json.dumps(self.failing_sample, default=str)


@dataclass
class GateReport:
    boundary: str
    run_id: str
    run_at: datetime
    outcomes: list[ExpectationOutcome]
    seconds: float
    data_docs_url: str | None = None

    def for_suite(self, suite: str) -> list[ExpectationOutcome]:
        return [outcome for outcome in self.outcomes if outcome.suite == suite]

    @property
    def blocking(self) -> list[ExpectationOutcome]:
        return [outcome for outcome in self.outcomes if outcome.blocks]

    @property
    def blocks(self) -> bool:
        return bool(self.blocking)

    @property
    def not_passed(self) -> list[ExpectationOutcome]:
        return [outcome for outcome in self.outcomes if not outcome.passed]
