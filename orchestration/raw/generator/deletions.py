"""Deletions, as connectors land them (normal data, not faults).

- CRM: a few junk leads (sales-sourced, never converted, unknown to the MAS) are deleted with
  everything hanging off them (status history, tasks, events, campaign memberships):
  `is_deleted = true`, and for a third of them also `_fivetran_deleted = true` (purged from the
  recycle bin). A few tasks, events and campaign memberships are deleted on their own.
- MAS: leads with an `activity_delete_lead` row are `_fivetran_deleted`, with all their other
  activities. The `activity_delete_lead` row itself stays: it records the deletion.
- HubSpot deletes its own rows as it renders them (hubspot.py).

So in clean data no live row points at a deleted one.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.raw.generator import vocabulary as vocab

CRM_LEAD_SHARE = 0.03  # of the deletable leads
LEAF_SHARE = 0.006  # of tasks, events and campaign members
PURGED_SHARE = 0.35  # deleted CRM rows that are also gone from the source (_fivetran_deleted)


def _mark(table: pa.Table, soft: np.ndarray, hard: np.ndarray) -> pa.Table:
    """OR the masks into is_deleted (when the table has it) and _fivetran_deleted."""
    for column, mask in (("is_deleted", soft), ("_fivetran_deleted", hard)):
        if column in table.column_names and mask.any():
            index = table.schema.get_field_index(column)
            merged = pc.or_(table.column(column), pa.array(mask))
            table = table.set_column(index, column, merged)
    return table


def _member(table: pa.Table, column: str, ids: pa.Array) -> np.ndarray:
    found = pc.fill_null(pc.is_in(table.column(column), value_set=ids), False)
    return found.to_numpy(zero_copy_only=False)


# Per MAS: the table and column holding the Salesforce lead ids it knows.
MAS_LEAD_IDS = {
    "marketo": ("marketo.lead", "sfdc_lead_id"),
    "hubspot": ("hubspot.contact", "property_salesforceleadid"),
}


def apply(rng: np.random.Generator, tables: dict[str, pa.Table]) -> None:
    if "salesforce.lead" in tables:
        _crm(rng, tables)
    if "marketo.lead" in tables:
        _mas(tables)


def _crm(rng: np.random.Generator, tables: dict[str, pa.Table]) -> None:
    lead = tables["salesforce.lead"]
    known = [
        pc.drop_null(tables[table].column(column))
        for table, column in MAS_LEAD_IDS.values()
        if table in tables
    ]
    in_mas = pa.chunked_array([chunk for ids in known for chunk in ids.chunks], type=pa.string())
    deletable = (
        ~_member(lead, "id", in_mas.combine_chunks())
        & ~lead.column("is_converted").to_numpy(zero_copy_only=False)
        & _member(lead, "status", pa.array([*vocab.DISQUALIFIED_STATUSES, *vocab.LEAD_STATUSES]))
        & _member(lead, "lead_source", pa.array(vocab.OUTBOUND_SOURCES))
    )
    # At least one, so small generations carry a deletion too.
    candidates = np.flatnonzero(deletable)
    picked = rng.permutation(candidates)[: max(1, round(CRM_LEAD_SHARE * len(candidates)))]
    deleted = np.zeros(lead.num_rows, dtype=bool)
    deleted[picked] = True
    purged = deleted & (rng.random(lead.num_rows) < PURGED_SHARE)
    tables["salesforce.lead"] = _mark(lead, deleted, purged)
    soft_ids = lead.column("id").filter(pa.array(deleted)).combine_chunks()
    hard_ids = lead.column("id").filter(pa.array(purged)).combine_chunks()
    for name, column in (
        ("salesforce.lead_history", "lead_id"),
        ("salesforce.task", "who_id"),
        ("salesforce.event", "who_id"),
        ("salesforce.campaign_member", "lead_id"),
    ):
        table = tables[name]
        soft = _member(table, column, soft_ids)
        hard = _member(table, column, hard_ids)
        if name != "salesforce.lead_history":  # leaves: a few deleted on their own
            leaf = rng.random(table.num_rows) < LEAF_SHARE
            soft |= leaf
            purged_leaf = leaf & (rng.random(table.num_rows) < PURGED_SHARE)
            purged_leaf[np.flatnonzero(leaf)[:1]] = True  # at least one, when any
            hard |= purged_leaf
        tables[name] = _mark(table, soft, hard)


def _mas(tables: dict[str, pa.Table]) -> None:
    gone = tables["marketo.activity_delete_lead"].column("lead_id").combine_chunks()
    for name, table in tables.items():
        if not name.startswith("marketo.") or name == "marketo.activity_delete_lead":
            continue
        column = "id" if name == "marketo.lead" else "lead_id"
        if column not in table.column_names or name in ("marketo.program", "marketo.campaign"):
            continue
        mask = _member(table, column, gone)
        tables[name] = _mark(table, mask, mask)
