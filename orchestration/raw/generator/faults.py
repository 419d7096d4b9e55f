"""Bad records `funnel generate --faults` adds on top of clean data, one kind per governance
expectation. Each kind touches exactly `FaultKind.count(leads)` rows (`max(3, leads // 1000)`),
and the report lists what was injected:

- null_lead_id: salesforce.lead rows whose id is null.
- duplicate_lead_id: salesforce.lead rows repeating an existing id (with another email).
- malformed_email: marketo.lead emails that are not addresses (`jane.doe(at)acme.com`).
- future_timestamp: salesforce.lead_history rows dated 30 days after as-of.
- orphan_opportunity_account: salesforce.opportunity rows pointing at an account that doesn't exist.
- negative_amount: salesforce.opportunity rows with a negative amount.
- stage_regression: salesforce.opportunity_history rows moving a Closed Won deal back to
  Prospecting (after the win, before as-of); their ids start `008R`.
- unmapped_crm_status: salesforce.lead rows whose status is in no agreed stage (`Contacted??`).
- unmapped_mas_status: marketo.lead rows whose lead_status is in no agreed stage (`Lead - Hot`).
- unmapped_lead_reason / unmapped_lead_reason_change: salesforce.lead rows whose reason custom
  field holds a value no row of seeds/feedback_reasons.csv maps (`Other - see notes`), each with
  the field-history row that set it (its latest change, so lead and history agree).
- unmapped_loss_reason: lost salesforce.opportunity rows whose loss reason is unmapped (`Other`).
- click_without_send: marketo.activity_click_email rows (copies of clicks, ids from
  9,000,000,000) whose campaign_run_id is a run that never sent to the lead (from
  9,500,000,000).
- open_after_unsubscribe: marketo.activity_open_email rows opening the email a lead unsubscribed
  from, a day after the unsubscribe (ids from 9,000,000,000 + the clicks').

HubSpot's kinds (HUBSPOT_FAULT_KINDS), injected when HubSpot is generated and the table has rows
(as the MAS beside Salesforce HubSpot has no deals); Salesforce's kinds apply whenever Salesforce
is generated, Marketo's when Marketo is:

- hubspot_duplicate_contact_id: hubspot.contact rows repeating an existing id (another email).
- hubspot_malformed_email: hubspot.contact emails that are not addresses (`jane.doe(at)acme.com`).
- unmapped_hs_lead_status: hubspot.contact rows whose hs_lead_status is in no agreed stage
  (`CALL_BACK_LATER`).
- orphan_contact_property_history: hubspot.contact_property_history rows of a contact that
  doesn't exist (ids from 99,000,000,000).
- hubspot_future_property_change: hubspot.contact_property_history rows dated 30 days after as-of.
- deal_without_contact: hubspot.deal rows whose deal_contact associations are gone.
- hubspot_negative_deal_amount: hubspot.deal rows with a negative amount.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from orchestration.raw.contract import contract_table
from orchestration.raw.generator.columns import SECONDS_PER_DAY, timestamps


@dataclass(frozen=True)
class FaultKind:
    key: str
    table: str
    column: str
    description: str
    minimum: int = 3
    leads_per_row: int = 1000

    def count(self, leads: int) -> int:
        """Rows of this fault injected for `leads` people."""
        return max(self.minimum, leads // self.leads_per_row)


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
    FaultKind(
        "unmapped_lead_reason",
        "salesforce.lead",
        "disqualification_reason_c",
        "CRM lead reason in no agreed category",
    ),
    FaultKind(
        "unmapped_lead_reason_change",
        "salesforce.lead_history",
        "new_value",
        "CRM lead reason change to a value in no agreed category",
    ),
    FaultKind(
        "unmapped_loss_reason",
        "salesforce.opportunity",
        "loss_reason_c",
        "opportunity loss reason in no agreed category",
    ),
    FaultKind(
        "click_without_send",
        "marketo.activity_click_email",
        "campaign_run_id",
        "email click with no send of that email, campaign and run to the lead before it",
    ),
    FaultKind(
        "open_after_unsubscribe",
        "marketo.activity_open_email",
        "activity_date",
        "email open dated after the lead unsubscribed",
    ),
)
# Activity ids (and campaign run ids) no clean row uses.
FAULT_ACTIVITY_BASE = 9_000_000_000
FAULT_RUN_BASE = 9_500_000_000
UNMAPPED_LEAD_REASON = "Other - see notes"
UNMAPPED_LOSS_REASON = "Other"


def _count_of(key: str, leads: int) -> int:
    (kind,) = [kind for kind in (*FAULT_KINDS, *HUBSPOT_FAULT_KINDS) if kind.key == key]
    return kind.count(leads)


def _live(table: pa.Table) -> np.ndarray:
    """Rows that are not deletions: faults must be visible to checks that skip deleted rows."""
    live = np.ones(table.num_rows, dtype=bool)
    for column in ("is_deleted", "_fivetran_deleted"):
        if column in table.column_names:
            live &= ~table.column(column).to_numpy(zero_copy_only=False)
    return live


def _pick(
    rng: np.random.Generator, table: pa.Table, count: int, where: np.ndarray | None = None
) -> np.ndarray:
    """`count` distinct live rows (where `where`), in table order."""
    candidates = _live(table) if where is None else where & _live(table)
    rows = np.flatnonzero(candidates)
    return np.sort(rng.choice(rows, size=min(count, len(rows)), replace=False))


def _other_than(table: pa.Table, rows: np.ndarray) -> np.ndarray:
    return ~np.isin(np.arange(table.num_rows), rows)


def _set(table: pa.Table, column: str, rows: np.ndarray, values) -> pa.Table:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    mask = np.zeros(table.num_rows, dtype=bool)
    mask[rows] = True
    full = pa.array([None] * table.num_rows, type=table.schema.field(column).type)
    full = pc.replace_with_mask(full, pa.array(mask), values.cast(full.type)) if len(rows) else full
    merged = pc.if_else(pa.array(mask), full, table.column(column))
    return table.set_column(table.schema.get_field_index(column), column, merged)


def _fault_ids(prefix: str, n: int) -> pa.Array:
    """Ids no clean row uses (clean ids are digits after the key prefix)."""
    return pa.array([f"{prefix}{i:011d}AAA" for i in range(n)], pa.string())


HUBSPOT_FAULT_KINDS = (
    FaultKind(
        "hubspot_duplicate_contact_id", "hubspot.contact", "id", "HubSpot contact id used twice"
    ),
    FaultKind(
        "hubspot_malformed_email",
        "hubspot.contact",
        "property_email",
        "HubSpot email that is not an address",
    ),
    FaultKind(
        "unmapped_hs_lead_status",
        "hubspot.contact",
        "property_hs_lead_status",
        "HubSpot lead status in no agreed stage",
    ),
    FaultKind(
        "orphan_contact_property_history",
        "hubspot.contact_property_history",
        "contact_id",
        "property change of a contact that doesn't exist",
    ),
    FaultKind(
        "hubspot_future_property_change",
        "hubspot.contact_property_history",
        "timestamp",
        "property change dated after as-of",
    ),
    FaultKind("deal_without_contact", "hubspot.deal", "deal_id", "deal associated with no contact"),
    FaultKind(
        "hubspot_negative_deal_amount",
        "hubspot.deal",
        "property_amount",
        "deal amount below zero",
    ),
)
UNMAPPED_HS_LEAD_STATUS = "CALL_BACK_LATER"
ORPHAN_CONTACT_BASE = 99_000_000_000


def inject(
    rng: np.random.Generator,
    tables: dict[str, pa.Table],
    leads: int,
    as_of: float,
    systems: tuple[str, ...] = ("salesforce", "marketo"),
) -> list[InjectedFault]:
    injected: dict[str, int] = {}
    if "salesforce.lead" in tables:
        _salesforce_and_marketo(rng, tables, leads, as_of, injected)
    if "hubspot.contact" in tables:
        _hubspot(rng, tables, leads, as_of, injected)
    return [
        InjectedFault(kind.key, kind.table, kind.column, kind.description, injected[kind.key])
        for kind in (*FAULT_KINDS, *HUBSPOT_FAULT_KINDS)
        if kind.key in injected
    ]


def _salesforce_and_marketo(
    rng: np.random.Generator,
    tables: dict[str, pa.Table],
    leads: int,
    as_of: float,
    injected: dict[str, int],
) -> None:
    def count(key: str) -> int:
        return _count_of(key, leads)

    # CRM leads: unmapped statuses edited in place, then null-id and duplicate-id copies of
    # other rows.
    lead = tables["salesforce.lead"]
    status_rows = _pick(rng, lead, count("unmapped_crm_status"))
    lead = _set(lead, "status", status_rows, pa.array(["Contacted??"] * len(status_rows)))
    status_rows_crm = status_rows
    injected["unmapped_crm_status"] = len(status_rows)
    n_null, n_duplicate = count("null_lead_id"), count("duplicate_lead_id")
    copied = _pick(rng, lead, n_null + n_duplicate, where=_other_than(lead, status_rows))
    null_ids = lead.take(pa.array(copied[:n_null]))
    null_ids = null_ids.set_column(0, "id", pa.nulls(null_ids.num_rows, pa.string()))
    duplicates = lead.take(pa.array(copied[n_null:]))
    duplicates = _set(
        duplicates,
        "email",
        np.arange(duplicates.num_rows),
        pa.array([f"duplicate{i}@example.com" for i in range(duplicates.num_rows)]),
    )
    tables["salesforce.lead"] = pa.concat_tables([lead, null_ids, duplicates])
    injected["null_lead_id"] = null_ids.num_rows
    injected["duplicate_lead_id"] = duplicates.num_rows

    if "marketo.lead" in tables:  # Marketo is the MAS
        # MAS leads: malformed emails and unmapped statuses, on different rows.
        mas = tables["marketo.lead"]
        email_rows = _pick(rng, mas, count("malformed_email"))
        bad_emails = pc.replace_substring(
            mas.column("email").take(pa.array(email_rows)), "@", "(at)"
        )
        mas = _set(mas, "email", email_rows, bad_emails)
        status_rows = _pick(
            rng, mas, count("unmapped_mas_status"), where=_other_than(mas, email_rows)
        )
        mas = _set(mas, "lead_status", status_rows, pa.array(["Lead - Hot"] * len(status_rows)))
        tables["marketo.lead"] = mas
        injected["malformed_email"] = len(email_rows)
        injected["unmapped_mas_status"] = len(status_rows)

    # Status changes dated a month after as-of.
    history = tables["salesforce.lead_history"]
    future = history.take(pa.array(_pick(rng, history, count("future_timestamp"))))
    n = future.num_rows
    future = _set(
        future,
        "created_date",
        np.arange(n),
        timestamps(np.full(n, as_of + 30 * SECONDS_PER_DAY)),
    )
    future = _set(future, "id", np.arange(n), _fault_ids("017F", n))
    tables["salesforce.lead_history"] = pa.concat_tables([history, future])
    injected["future_timestamp"] = n

    # Opportunities: missing accounts and negative amounts, on different rows.
    opportunity = tables["salesforce.opportunity"]
    orphan_rows = _pick(rng, opportunity, count("orphan_opportunity_account"))
    opportunity = _set(opportunity, "account_id", orphan_rows, _fault_ids("001X", len(orphan_rows)))
    negative_rows = _pick(
        rng,
        opportunity,
        count("negative_amount"),
        where=_other_than(opportunity, orphan_rows),
    )
    negative = pc.multiply(opportunity.column("amount").take(pa.array(negative_rows)), -1)
    opportunity = _set(opportunity, "amount", negative_rows, negative)
    tables["salesforce.opportunity"] = opportunity
    injected["orphan_opportunity_account"] = len(orphan_rows)
    injected["negative_amount"] = len(negative_rows)

    # Won deals moved back to Prospecting some days after the win (still before as-of).
    opportunity_history = tables["salesforce.opportunity_history"]
    won = pc.equal(opportunity_history.column("stage_name"), "Closed Won").to_numpy(
        zero_copy_only=False
    )
    regressions = opportunity_history.take(
        pa.array(_pick(rng, opportunity_history, count("stage_regression"), where=won))
    )
    n = regressions.num_rows
    regressions = _set(regressions, "stage_name", np.arange(n), pa.array(["Prospecting"] * n))
    won_at = regressions.column("created_date").cast(pa.int64()).to_numpy() / 1e6
    later = won_at + np.minimum(7 * SECONDS_PER_DAY, (as_of - won_at) / 2)
    regressions = _set(regressions, "created_date", np.arange(n), timestamps(later))
    regressions = _set(regressions, "id", np.arange(n), _fault_ids("008R", n))
    tables["salesforce.opportunity_history"] = pa.concat_tables([opportunity_history, regressions])
    injected["stage_regression"] = n

    # Reasons no agreement maps: on original leads none of the faults above touched or copied.
    original = np.arange(tables["salesforce.lead"].num_rows) < lead.num_rows
    untouched = original & _other_than(
        tables["salesforce.lead"], np.concatenate([status_rows_crm, copied])
    )
    reasons = _unmapped_lead_reasons(rng, tables, count("unmapped_lead_reason"), untouched, as_of)
    injected["unmapped_lead_reason"] = injected["unmapped_lead_reason_change"] = reasons
    opportunity = tables["salesforce.opportunity"]
    loss_column = contract_table("salesforce", "opportunity").column("loss_reason_c").landed_name
    lost = pc.equal(opportunity.column("stage_name"), "Closed Lost").to_numpy(zero_copy_only=False)
    loss_rows = _pick(rng, opportunity, count("unmapped_loss_reason"), where=lost)
    tables["salesforce.opportunity"] = _set(
        opportunity, loss_column, loss_rows, pa.array([UNMAPPED_LOSS_REASON] * len(loss_rows))
    )
    injected["unmapped_loss_reason"] = len(loss_rows)

    if "marketo.activity_click_email" in tables:  # Marketo's email activities
        _email_faults(rng, tables, count, as_of, injected)


def _email_faults(rng, tables: dict[str, pa.Table], count, as_of: float, injected) -> None:
    """Clicks of a campaign run that never sent to the lead, and opens after an unsubscribe
    (of the email unsubscribed from, a day later; before as-of)."""
    clicks = tables["marketo.activity_click_email"]
    copied = clicks.take(pa.array(_pick(rng, clicks, count("click_without_send"))))
    n = copied.num_rows
    copied = _set(copied, "id", np.arange(n), pa.array(FAULT_ACTIVITY_BASE + np.arange(n)))
    copied = _set(copied, "campaign_run_id", np.arange(n), pa.array(FAULT_RUN_BASE + np.arange(n)))
    tables["marketo.activity_click_email"] = pa.concat_tables([clicks, copied])
    injected["click_without_send"] = n

    unsubscribes = tables["marketo.activity_unsubscribe_email"]
    at = unsubscribes.column("activity_date").cast(pa.int64()).to_numpy() / 1e6
    picked = unsubscribes.take(
        pa.array(
            _pick(
                rng,
                unsubscribes,
                count("open_after_unsubscribe"),
                where=at <= as_of - 2 * SECONDS_PER_DAY,
            )
        )
    )
    m = picked.num_rows
    opened_at = picked.column("activity_date").cast(pa.int64()).to_numpy() / 1e6 + SECONDS_PER_DAY
    opens = tables["marketo.activity_open_email"]
    late = pa.table(
        {
            "id": pa.array(FAULT_ACTIVITY_BASE + n + np.arange(m)),
            "lead_id": picked.column("lead_id"),
            "activity_date": timestamps(opened_at),
            **{
                column: picked.column(column)
                for column in (
                    "primary_attribute_value",
                    "primary_attribute_value_id",
                    "campaign_id",
                    "campaign_run_id",
                    "email_template_id",
                )
            },
            "is_mobile_device": pa.array(np.zeros(m, dtype=bool)),
            "device": pa.array(["Desktop"] * m, pa.string()),
            "_fivetran_synced": timestamps(np.minimum(opened_at + 600, as_of)),
            "_fivetran_deleted": pa.array(np.zeros(m, dtype=bool)),
        }
    )
    tables["marketo.activity_open_email"] = pa.concat_tables(
        [opens, late.select(opens.column_names).cast(opens.schema)]
    )
    injected["open_after_unsubscribe"] = m


def _unmapped_lead_reasons(
    rng: np.random.Generator,
    tables: dict[str, pa.Table],
    count: int,
    where: np.ndarray,
    as_of: float,
) -> int:
    """Set `count` leads' reason to an unmapped value with the history row that set it: after
    every other change of the lead (between its last modification and as-of)."""
    reason = contract_table("salesforce", "lead").column("disqualification_reason_c")
    lead = tables["salesforce.lead"]
    rows = _pick(rng, lead, count, where=where)
    n = len(rows)
    taken = lead.take(pa.array(rows))
    modified = taken.column("last_modified_date").cast(pa.int64()).to_numpy() / 1e6
    changed_at = timestamps(np.floor(modified + (as_of - modified) / 2))
    history = tables["salesforce.lead_history"]
    added = pa.table(
        {
            "id": _fault_ids("017U", n),
            "lead_id": taken.column("id"),
            "field": pa.array([reason.custom_field] * n, pa.string()),
            "old_value": taken.column(reason.landed_name),
            "new_value": pa.array([UNMAPPED_LEAD_REASON] * n, pa.string()),
            "created_by_id": taken.column("owner_id"),
            "created_date": changed_at,
            "is_deleted": pa.array(np.zeros(n, dtype=bool)),
            "_fivetran_synced": changed_at,
            "_fivetran_deleted": pa.array(np.zeros(n, dtype=bool)),
        }
    )
    tables["salesforce.lead_history"] = pa.concat_tables(
        [history, added.select(history.column_names)]
    )
    lead = _set(lead, reason.landed_name, rows, pa.array([UNMAPPED_LEAD_REASON] * n))
    tables["salesforce.lead"] = _set(lead, "last_modified_date", rows, changed_at)
    return n


def _hubspot(
    rng: np.random.Generator,
    tables: dict[str, pa.Table],
    leads: int,
    as_of: float,
    injected: dict[str, int],
) -> None:
    """HubSpot's kinds, each on rows no other kind touched."""

    def count(key: str) -> int:
        return _count_of(key, leads)

    contact = tables["hubspot.contact"]
    email_rows = _pick(rng, contact, count("hubspot_malformed_email"))
    bad = pc.replace_substring(
        contact.column("property_email").take(pa.array(email_rows)), "@", "(at)"
    )
    contact = _set(contact, "property_email", email_rows, bad)
    injected["hubspot_malformed_email"] = len(email_rows)
    status_rows = _pick(
        rng, contact, count("unmapped_hs_lead_status"), where=_other_than(contact, email_rows)
    )
    contact = _set(
        contact,
        "property_hs_lead_status",
        status_rows,
        pa.array([UNMAPPED_HS_LEAD_STATUS] * len(status_rows)),
    )
    injected["unmapped_hs_lead_status"] = len(status_rows)
    touched = np.concatenate([email_rows, status_rows])
    copied = _pick(
        rng, contact, count("hubspot_duplicate_contact_id"), where=_other_than(contact, touched)
    )
    duplicates = contact.take(pa.array(copied))
    duplicates = _set(
        duplicates,
        "property_email",
        np.arange(duplicates.num_rows),
        pa.array([f"duplicate{i}@example.com" for i in range(duplicates.num_rows)]),
    )
    tables["hubspot.contact"] = pa.concat_tables([contact, duplicates])
    injected["hubspot_duplicate_contact_id"] = duplicates.num_rows

    history = tables["hubspot.contact_property_history"]
    picked = _pick(
        rng,
        history,
        count("orphan_contact_property_history") + count("hubspot_future_property_change"),
    )
    n_orphan = count("orphan_contact_property_history")
    orphans = history.take(pa.array(picked[:n_orphan]))
    orphans = _set(
        orphans,
        "contact_id",
        np.arange(orphans.num_rows),
        pa.array(ORPHAN_CONTACT_BASE + np.arange(orphans.num_rows)),
    )
    future = history.take(pa.array(picked[n_orphan:]))
    future = _set(
        future,
        "timestamp",
        np.arange(future.num_rows),
        timestamps(np.full(future.num_rows, as_of + 30 * SECONDS_PER_DAY)),
    )
    tables["hubspot.contact_property_history"] = pa.concat_tables([history, orphans, future])
    injected["orphan_contact_property_history"] = orphans.num_rows
    injected["hubspot_future_property_change"] = future.num_rows

    deal = tables.get("hubspot.deal")
    if deal is None or not _live(deal).any():
        return  # HubSpot beside Salesforce has no deals
    lonely = _pick(rng, deal, count("deal_without_contact"))
    gone = deal.column("deal_id").take(pa.array(lonely)).combine_chunks()
    association = tables["hubspot.deal_contact"]
    kept = pc.invert(pc.is_in(association.column("deal_id"), value_set=gone))
    tables["hubspot.deal_contact"] = association.filter(kept)
    injected["deal_without_contact"] = len(lonely)
    negative_rows = _pick(
        rng, deal, count("hubspot_negative_deal_amount"), where=_other_than(deal, lonely)
    )
    negative = pc.multiply(deal.column("property_amount").take(pa.array(negative_rows)), -1)
    tables["hubspot.deal"] = _set(deal, "property_amount", negative_rows, negative)
    injected["hubspot_negative_deal_amount"] = len(negative_rows)
