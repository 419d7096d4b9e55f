"""Bad records `funnel generate --faults` adds on top of clean data, one kind per governance
expectation, each with an exact, deterministic row count:

- null_lead_id: salesforce.lead rows whose id is null.
- duplicate_lead_id: salesforce.lead rows repeating an existing id (with another email).
- malformed_email: marketo.lead emails that are not addresses (`jane.doe(at)acme.com`).
- future_timestamp: salesforce.lead_history rows dated 30 days after as-of.
- orphan_opportunity_account: salesforce.opportunity rows pointing at an account that doesn't exist.
- negative_amount: salesforce.opportunity rows with a negative amount.
- stage_regression: salesforce.opportunity_history rows moving a Closed Won deal back to
  Prospecting.
- unmapped_crm_status: salesforce.lead rows whose status is in no agreed stage (`Contacted??`).
- unmapped_mas_status: marketo.lead rows whose lead_status is in no agreed stage (`Lead - Hot`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.raw.generator.columns import SECONDS_PER_DAY, timestamps


@dataclass(frozen=True)
class FaultKind:
    key: str
    table: str
    column: str
    description: str


@dataclass(frozen=True)
class InjectedFault:
    key: str
    table: str
    column: str
    description: str
    rows: int


FAULT_KINDS = (
    FaultKind("null_lead_id", "salesforce.lead", "id", "CRM lead without an id"),
    FaultKind("duplicate_lead_id", "salesforce.lead", "id", "CRM lead id used twice"),
    FaultKind("malformed_email", "marketo.lead", "email", "MAS email that is not an address"),
    FaultKind(
        "future_timestamp",
        "salesforce.lead_history",
        "created_date",
        "status change dated after as-of",
    ),
    FaultKind(
        "orphan_opportunity_account",
        "salesforce.opportunity",
        "account_id",
        "opportunity pointing at a missing account",
    ),
    FaultKind(
        "negative_amount", "salesforce.opportunity", "amount", "opportunity amount below zero"
    ),
    FaultKind(
        "stage_regression",
        "salesforce.opportunity_history",
        "stage_name",
        "Closed Won deal moved back to Prospecting",
    ),
    FaultKind(
        "unmapped_crm_status", "salesforce.lead", "status", "CRM lead status in no agreed stage"
    ),
    FaultKind(
        "unmapped_mas_status", "marketo.lead", "lead_status", "MAS lead status in no agreed stage"
    ),
)


def fault_rows(leads: int) -> int:
    return max(3, leads // 1000)


def _pick(rng: np.random.Generator, table: pa.Table, count: int, where: np.ndarray | None = None):
    candidates = np.arange(table.num_rows) if where is None else np.flatnonzero(where)
    return np.sort(rng.choice(candidates, size=min(count, len(candidates)), replace=False))


def _set(table: pa.Table, column: str, rows: np.ndarray, values) -> pa.Table:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    mask = np.zeros(table.num_rows, dtype=bool)
    mask[rows] = True
    full = pa.array([None] * table.num_rows, type=table.schema.field(column).type)
    full = pc.replace_with_mask(full, pa.array(mask), values.cast(full.type)) if len(rows) else full
    merged = pc.if_else(pa.array(mask), full, table.column(column))
    return table.set_column(table.schema.get_field_index(column), column, merged)


def inject(
    rng: np.random.Generator, tables: dict[str, pa.Table], leads: int, as_of: float
) -> list[InjectedFault]:
    count = fault_rows(leads)
    injected: dict[str, int] = {}
    lead = tables["salesforce.lead"]

    # Rows edited in place first (they must not be the rows copied below).
    status_rows = _pick(rng, lead, count)
    lead = _set(lead, "status", status_rows, pa.array(["Contacted??"] * len(status_rows)))
    injected["unmapped_crm_status"] = len(status_rows)

    copies = lead.take(
        pa.array(_pick(rng, lead, 2 * count, where=~np.isin(np.arange(lead.num_rows), status_rows)))
    )
    null_ids = copies.slice(0, count)
    null_ids = null_ids.set_column(0, "id", pa.nulls(null_ids.num_rows, pa.string()))
    duplicates = copies.slice(count, count)
    duplicates = _set(
        duplicates,
        "email",
        np.arange(duplicates.num_rows),
        pa.array([f"duplicate{i}@example.com" for i in range(duplicates.num_rows)]),
    )
    tables["salesforce.lead"] = pa.concat_tables([lead, null_ids, duplicates])
    injected["null_lead_id"] = null_ids.num_rows
    injected["duplicate_lead_id"] = duplicates.num_rows

    mas = tables["marketo.lead"]
    email_rows = _pick(rng, mas, count)
    bad_emails = pc.replace_substring(mas.column("email").take(pa.array(email_rows)), "@", "(at)")
    mas = _set(mas, "email", email_rows, bad_emails)
    status_rows = _pick(rng, mas, count, where=~np.isin(np.arange(mas.num_rows), email_rows))
    mas = _set(mas, "lead_status", status_rows, pa.array(["Lead - Hot"] * len(status_rows)))
    tables["marketo.lead"] = mas
    injected["malformed_email"] = len(email_rows)
    injected["unmapped_mas_status"] = len(status_rows)

    history = tables["salesforce.lead_history"]
    future = history.take(pa.array(_pick(rng, history, count)))
    future = _set(
        future,
        "created_date",
        np.arange(future.num_rows),
        timestamps(np.full(future.num_rows, as_of + 30 * SECONDS_PER_DAY)),
    )
    future = _set(
        future,
        "id",
        np.arange(future.num_rows),
        pa.array([f"017F{i:011d}AAA" for i in range(future.num_rows)]),
    )
    tables["salesforce.lead_history"] = pa.concat_tables([history, future])
    injected["future_timestamp"] = future.num_rows

    opportunity = tables["salesforce.opportunity"]
    orphan_rows = _pick(rng, opportunity, count)
    opportunity = _set(
        opportunity,
        "account_id",
        orphan_rows,
        pa.array([f"001X{i:011d}AAA" for i in range(len(orphan_rows))]),
    )
    negative_rows = _pick(
        rng, opportunity, count, where=~np.isin(np.arange(opportunity.num_rows), orphan_rows)
    )
    negative = pc.multiply(opportunity.column("amount").take(pa.array(negative_rows)), -1)
    opportunity = _set(opportunity, "amount", negative_rows, negative)
    tables["salesforce.opportunity"] = opportunity
    injected["orphan_opportunity_account"] = len(orphan_rows)
    injected["negative_amount"] = len(negative_rows)

    opportunity_history = tables["salesforce.opportunity_history"]
    won = pc.equal(opportunity_history.column("stage_name"), "Closed Won").to_numpy(
        zero_copy_only=False
    )
    regressions = opportunity_history.take(
        pa.array(_pick(rng, opportunity_history, count, where=won))
    )
    n = regressions.num_rows
    regressions = _set(regressions, "stage_name", np.arange(n), pa.array(["Prospecting"] * n))
    later = pc.add(
        regressions.column("created_date"), pa.scalar(7 * 86_400_000_000, pa.duration("us"))
    )
    regressions = _set(regressions, "created_date", np.arange(n), later.cast(pa.timestamp("us")))
    regressions = _set(
        regressions, "id", np.arange(n), pa.array([f"008R{i:011d}AAA" for i in range(n)])
    )
    tables["salesforce.opportunity_history"] = pa.concat_tables([opportunity_history, regressions])
    injected["stage_regression"] = n

    return [
        InjectedFault(kind.key, kind.table, kind.column, kind.description, injected[kind.key])
        for kind in FAULT_KINDS
    ]
