"""Expectations not met, grouped by the steward who answers for them: what `funnel run` and
`funnel gates` print, from a gate's report or from `governance.expectation_results`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from orchestration.checks.outcomes import ERROR, ExpectationOutcome


@dataclass
class GateFailure:
    """One expectation that was not met, as governance.expectation_results records it."""

    suite: str
    expectation: str
    table: str
    column: str | None
    severity: str
    status: str
    observed_value: str | None
    unexpected_count: int | None
    failing_sample: str | None
    steward_name: str
    steward_contact: str
    error_message: str | None

    @classmethod
    def from_outcome(cls, outcome: ExpectationOutcome) -> GateFailure:
        return cls(
            suite=outcome.suite,
            expectation=outcome.expectation,
            table=outcome.table,
            column=outcome.column,
            severity=outcome.severity,
            status=outcome.status,
            observed_value=outcome.observed_value,
            unexpected_count=outcome.unexpected_count,
            failing_sample=outcome.sample_json() if outcome.failing_sample else None,
            steward_name=outcome.steward_name,
            steward_contact=outcome.steward_contact,
            error_message=outcome.error_message,
        )

    def line(self) -> str:
        where = f"{self.table}.{self.column}" if self.column else self.table
        label = "GATE ERROR" if self.status == ERROR else self.severity.upper()
        detail = (
            f"not evaluated: {self.error_message}" if self.status == ERROR else self.observed_value
        )
        sample = (
            f"; e.g. {self.failing_sample}"
            if self.failing_sample and self.failing_sample != "[]"
            else ""
        )
        return f"{label} {self.expectation} on {where}: {detail}{sample}"


def steward_lines(failures: Iterable[GateFailure]) -> list[str]:
    by_steward: dict[str, list[GateFailure]] = {}
    for failure in failures:
        steward = f"{failure.steward_name} <{failure.steward_contact}>"
        by_steward.setdefault(steward, []).append(failure)
    lines: list[str] = []
    for steward, grouped in by_steward.items():
        lines.append(f"  for {steward}:")
        lines += [f"    {failure.line()}" for failure in grouped]
    return lines
