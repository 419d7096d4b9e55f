"""Each system's records as they were at a cutoff, for `orchestration/raw/day_split.py`.

A generated warehouse is split into the state at day D and the day that followed. Generic rules
(rows synced after D leave, changed records get an earlier sync) live in day_split; what only a
system's tables say lives here, beside the renderers that write those tables:

- `ROLL_BACKS`: per system, the statuses and stages its records had at the cutoff, taken from the
  history the day added, so the day carries real updates of the same ids.
- `EXISTING_BY_REFERENCE`: per table, a condition keeping records that rows landed by the cutoff
  already name (they existed then, whatever their created date says).
"""

from __future__ import annotations

from collections.abc import Callable

from orchestration.raw.contract import contract_tables, raw_schemas

# `execute(sql)` of a DuckDB connection holding the warehouse.
Execute = Callable[[str], object]


def _salesforce(execute: Execute, schema: str, cutoff: str, landed: set[str]) -> None:
    """Lead status from the first Status change after the cutoff (its old value); opportunity
    stage from the last stage history row by the cutoff."""
    if {"lead", "lead_history"} <= landed:
        execute(
            f"""
            update {schema}.lead set status = first_change.old_value
            from (
                select lead_id, arg_min(old_value, created_date) as old_value
                from {schema}.lead_history
                where field = 'Status' and created_date > {cutoff}
                group by lead_id
            ) as first_change
            where lead.id = first_change.lead_id and first_change.old_value is not null
            """
        )
    if {"opportunity", "opportunity_history"} <= landed:
        execute(
            f"""
            update {schema}.opportunity set stage_name = stage_at_cutoff.stage_name
            from (
                select opportunity_id, arg_max(stage_name, created_date) as stage_name
                from {schema}.opportunity_history
                where created_date <= {cutoff}
                group by opportunity_id
            ) as stage_at_cutoff
            where opportunity.id = stage_at_cutoff.opportunity_id
            """
        )


def _marketo(execute: Execute, schema: str, cutoff: str, landed: set[str]) -> None:
    """Lead Status from the first data value change after the cutoff (its old value); a lead
    is unsubscribed only once its unsubscribe happened."""
    if {"lead", "activity_unsubscribe_email"} <= landed:
        execute(
            f"""
            update {schema}.lead set unsubscribed = false
            where unsubscribed and not exists (
                select 1 from {schema}.activity_unsubscribe_email as unsubscribe
                where unsubscribe.lead_id = lead.id and unsubscribe.activity_date <= {cutoff}
            )
            """
        )
    if {"lead", "activity_change_data_value"} <= landed:
        execute(
            f"""
            update {schema}.lead set lead_status = first_change.old_value
            from (
                select lead_id, arg_min(old_value, activity_date) as old_value
                from {schema}.activity_change_data_value
                where primary_attribute_value = 'Lead Status' and activity_date > {cutoff}
                group by lead_id
            ) as first_change
            where lead.id = first_change.lead_id and first_change.old_value is not null
            """
        )


def _hubspot(execute: Execute, schema: str, cutoff: str, landed: set[str]) -> None:
    """Contact lifecycle stage and lead status, deal stage: from the property history."""
    if {"contact", "contact_property_history"} <= landed:
        _roll_back_properties(
            execute,
            cutoff,
            schema,
            "contact",
            "id",
            "contact_id",
            {
                "lifecyclestage": "property_lifecyclestage",
                "hs_lead_status": "property_hs_lead_status",
            },
        )
    if {"deal", "deal_property_history"} <= landed:
        _roll_back_properties(
            execute,
            cutoff,
            schema,
            "deal",
            "deal_id",
            "deal_id",
            {"dealstage": "deal_pipeline_stage_id"},
        )


def _roll_back_properties(
    execute: Execute,
    cutoff: str,
    schema: str,
    table: str,
    key: str,
    history_key: str,
    properties: dict[str, str],
) -> None:
    """A property history has no old value: a record whose property changed after the cutoff
    gets its last value set by then ('' when it was cleared, null when it had none)."""
    for name, column in properties.items():
        execute(
            f"""
            update {schema}."{table}" set "{column}" = at_cutoff.value
            from (
                select
                    "{history_key}" as record_id,
                    arg_max(value, "timestamp") filter (where "timestamp" <= {cutoff}) as value
                from {schema}."{table}_property_history"
                where name = '{name}'
                group by "{history_key}"
                having max("timestamp") > {cutoff}
            ) as at_cutoff
            where "{table}"."{key}" = at_cutoff.record_id
            """
        )


ROLL_BACKS: dict[str, Callable[[Execute, str, str, set[str]], None]] = {
    "salesforce": _salesforce,
    "marketo": _marketo,
    "hubspot": _hubspot,
}


def _marketo_lead_named_by_activities(cutoff: str) -> str:
    """A lead that activities landed by the cutoff already name existed then, whatever its
    `created_at` says (a merge survivor's can be later than the merge)."""
    schema = raw_schemas()["marketo"]
    activity_leads = " union all ".join(
        f'select lead_id from "{schema}"."{table.name}" where _fivetran_synced <= {cutoff}'
        for table in contract_tables()
        if table.source == "marketo" and table.name.startswith("activity_")
    )
    return f"id in ({activity_leads})"


EXISTING_BY_REFERENCE: dict[str, Callable[[str], str]] = {
    "marketo.lead": _marketo_lead_named_by_activities,
}


def roll_back_statuses(execute: Execute, cutoff: str, landed: set[str]) -> None:
    """Statuses and stages as they were at the cutoff, for every system with a roll-back whose
    tables (`<system>.<table>` in `landed`) are there."""
    schemas = raw_schemas()
    for system, roll_back in ROLL_BACKS.items():
        tables = {name.split(".", 1)[1] for name in landed if name.split(".", 1)[0] == system}
        if tables:
            roll_back(execute, f'"{schemas[system]}"', cutoff, tables)


def existing_by_reference(qualified_name: str, cutoff: str) -> str | None:
    """A SQL condition true for records of the table that rows landed by the cutoff name."""
    condition = EXISTING_BY_REFERENCE.get(qualified_name)
    return condition(cutoff) if condition else None
