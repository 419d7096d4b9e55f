"""`funnel generate`: realistic synthetic raw tables of Salesforce and Marketo (the default),
HubSpot alone, or Salesforce with HubSpot as its marketing automation.

Deterministic for (leads, seed, as_of, faults, systems). Vectorised with numpy and Arrow; the
only Python loops run over tables, lifecycle cycles and blocks of people, never over rows. All
event timestamps are <= as_of (an open deal's planned close date may lie ahead);
`_fivetran_synced` <= as_of.

One simulation (`simulation`), rendered per active system. Modules: `vocabulary` (status,
stage, channel and name values), `columns` (ids, timestamps, text in bulk), `people` (users,
accounts, people), `engagement` (scoring triggers, threshold crossings), `lifecycle` (MQL -> SAL
-> SQL -> conversion, recycling, cycles), `workhours` (reps' local working day), `opportunities`
(deals and their history), `reasons` (sales' verdicts), `simulation` (all of it, once);
renderers `salesforce`, `marketo` (with `email_program`: templates, campaign runs, sends,
deliveries, bounces, opens, clicks, unsubscribes) and `hubspot` (with `hubspot_contacts`,
`hubspot_lifecycle`, `hubspot_deals`, `hubspot_engagements`, `hubspot_marketing`); `deletions`
(connector deletions), `faults` (`--faults`), `writer` (one transaction); `day_state` (each
system's records as they were at a cutoff, for the daily split of
`orchestration/raw/day_split.py`).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.raw.generator import deletions, hubspot, marketo, salesforce
from orchestration.raw.generator import faults as fault_injection
from orchestration.raw.generator.faults import FAULT_KINDS, HUBSPOT_FAULT_KINDS, InjectedFault
from orchestration.raw.generator.simulation import HISTORY_DAYS, simulate
from orchestration.raw.generator.writer import write_tables
from orchestration.raw.incremental_state import forget_incremental_state

# The source systems a generation can land together: CRM first, then the MAS.
SYSTEM_COMBINATIONS = (("salesforce", "marketo"), ("hubspot",), ("salesforce", "hubspot"))
DEFAULT_SYSTEMS = SYSTEM_COMBINATIONS[0]
SYSTEMS = ("salesforce", "marketo", "hubspot")

__all__ = [
    "DEFAULT_SYSTEMS",
    "FAULT_KINDS",
    "HISTORY_DAYS",
    "HUBSPOT_FAULT_KINDS",
    "SYSTEM_COMBINATIONS",
    "GenerationReport",
    "InjectedFault",
    "SystemsError",
    "generate",
    "parse_systems",
]


class SystemsError(ValueError):
    """A `--systems` value that names no system or no valid combination."""


def resolve_systems(systems: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """`systems` in the canonical order of its combination; a SystemsError when it is none."""
    names = [name.strip().lower() for name in systems if name.strip()]
    unknown = [name for name in names if name not in SYSTEMS]
    valid = ", ".join(",".join(combination) for combination in SYSTEM_COMBINATIONS)
    if unknown:
        raise SystemsError(
            f"unknown source system {', '.join(map(repr, unknown))}: the systems are "
            f"{', '.join(SYSTEMS)}; valid combinations: {valid}"
        )
    for combination in SYSTEM_COMBINATIONS:
        if sorted(set(names)) == sorted(combination) and len(names) == len(combination):
            return combination
    raise SystemsError(
        f"{','.join(names) or 'no system'} is not a combination the generator lands; "
        f"valid combinations: {valid}"
    )


def parse_systems(text: str) -> tuple[str, ...]:
    """`salesforce,hubspot` -> ('salesforce', 'hubspot'), validated."""
    return resolve_systems(text.split(","))


@dataclass
class GenerationReport:
    leads: int
    seed: int
    as_of: datetime
    seconds: float
    rows_per_table: dict[str, int]
    faults: list[InjectedFault] = field(default_factory=list)
    systems: tuple[str, ...] = DEFAULT_SYSTEMS

    @property
    def total_rows(self) -> int:
        return sum(self.rows_per_table.values())

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds else float(self.total_rows)


def default_as_of() -> datetime:
    now = datetime.now(UTC)
    return datetime(now.year, now.month, now.day)


def generate(
    database: Path,
    leads: int = 5000,
    seed: int = 42,
    as_of: datetime | None = None,
    faults: bool = False,
    systems: tuple[str, ...] = DEFAULT_SYSTEMS,
) -> GenerationReport:
    """Replace the raw tables with a generation of `systems`; the raw tables of the other
    systems are dropped, so only the generated systems are landed."""
    started = time.perf_counter()
    systems = resolve_systems(systems)
    as_of = as_of or default_as_of()
    if as_of.tzinfo is not None:
        as_of = as_of.astimezone(UTC).replace(tzinfo=None)
    as_of_epoch = _naive_epoch(as_of)
    tables = build_tables(leads, seed, as_of_epoch, systems)
    injected: list[InjectedFault] = []
    if faults:
        injected = fault_injection.inject(
            np.random.default_rng([seed, 1]), tables, leads, as_of_epoch, systems
        )
    chunks = {name: [tables.pop(name)] for name in list(tables)}
    rows = write_tables(Path(database), chunks, systems)
    forget_incremental_state(Path(database))
    return GenerationReport(
        leads=leads,
        seed=seed,
        as_of=as_of,
        seconds=time.perf_counter() - started,
        rows_per_table=rows,
        faults=injected,
        systems=systems,
    )


def _naive_epoch(moment: datetime) -> float:
    """Naive datetimes are UTC; aware ones are converted."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def build_tables(
    leads: int, seed: int, as_of: float, systems: tuple[str, ...] = DEFAULT_SYSTEMS
) -> dict[str, pa.Table]:
    """The raw tables of `systems` (a valid combination), all rendered from one simulation."""
    systems = resolve_systems(systems)
    sim = simulate(leads, seed, as_of)
    out: dict[str, pa.Table] = {}
    if "salesforce" in systems:
        tables, crm = salesforce.render(sim)
        out.update(tables)
        if "marketo" in systems:
            out.update(marketo.render(sim, crm))
    if "hubspot" in systems:
        out.update(hubspot.render(sim, crm="salesforce" not in systems))
    deletions.apply(sim.rng, out)
    return {name: _synced_by(table, as_of) for name, table in out.items()}


def _synced_by(table: pa.Table, as_of: float) -> pa.Table:
    """The connector cannot have synced a row after the as-of moment."""
    if "_fivetran_synced" not in table.column_names:
        return table
    index = table.schema.get_field_index("_fivetran_synced")
    limit = pa.scalar(round(as_of * 1e6), pa.timestamp("us"))
    clamped = pc.min_element_wise(table.column(index), limit)
    return table.set_column(index, "_fivetran_synced", clamped)
