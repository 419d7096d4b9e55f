{#- The agreed conversion semantics, written once: one row per lifecycle cycle x stage pair of the
    conversion_windows seed whose from-stage the cycle entered, with when it entered, when (if at
    all) it reached the to-stage, and whether that came within the pair's window.
    mart_funnel_conversion, the conversion KPIs of int_kpi_measures and the semantic layer all
    read it.

    Entering a from-stage needs that stage's own recorded moment (lead_at, mql_at, sal_at,
    sql_at, opportunity_created_at). Reaching a to-stage differs by stage:
    - MQL and SAL are the handoffs between the teams: only a recorded entry (mql_at, sal_at)
      counts. A sales-sourced lead that goes straight to SQL never reached MQL, and a cycle that
      skipped SAL was never accepted by sales: skipping a handoff is not passing it.
    - SQL, opportunity and won are sales' own progress and allow pass-through: reaching a later
      stage counts as reaching this one, at the earliest such moment (SQL: the first of sql_at,
      opportunity_created_at, won_at; opportunity: the first of opportunity_created_at, won_at).
    Pairs and windows come from the seed; a pair whose stages aren't below has no rows. -#}
{%- set entered = {
    "lead": "lead_at",
    "mql": "mql_at",
    "sal": "sal_at",
    "sql": "sql_at",
    "opportunity": "opportunity_created_at",
} -%}
{%- set reached = {
    "mql": "mql_at",
    "sal": "sal_at",
    "sql": "least(sql_at, opportunity_created_at, won_at)",
    "opportunity": "least(opportunity_created_at, won_at)",
    "won": "won_at",
} -%}

with

windows as (
    select
        from_stage,
        to_stage,
        cast(window_days as {{ dbt.type_int() }}) as window_days
    from {{ ref('conversion_windows') }}
),

cycles as (
    {{ lead_cycles_with_breakdowns() }}
),

entries as (
    {% for stage, moment in entered.items() %}
        select
            lead_cycle_key,
            '{{ stage }}' as stage_code,
            {{ moment }} as entered_at
        from cycles
        where {{ moment }} is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

reaches as (
    {% for stage, moment in reached.items() %}
        select
            lead_cycle_key,
            '{{ stage }}' as stage_code,
            {{ moment }} as reached_at
        from cycles
        where {{ moment }} is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

paired as (
    select
        entries.lead_cycle_key,
        windows.from_stage,
        windows.to_stage,
        windows.window_days,
        entries.entered_at,
        reaches.reached_at,
        {{ dbt.dateadd('day', 'windows.window_days', 'entries.entered_at') }} as window_closes_at
    from entries
    inner join windows
        on entries.stage_code = windows.from_stage
    left join reaches
        on
            entries.lead_cycle_key = reaches.lead_cycle_key
            and windows.to_stage = reaches.stage_code
),

final as (
    select
        {{ dbt.hash(dbt.concat(["paired.lead_cycle_key", "':'", "paired.from_stage", "':'",
                                "paired.to_stage"])) }} as cycle_conversion_key,
        paired.lead_cycle_key,
        cycles.person_key,
        cycles.cycle_number,
        paired.from_stage,
        paired.to_stage,
        cycles.segment_code,
        cycles.lead_source,
        cycles.sourced_by,
        coalesce(cycles.owner_id, 'unassigned') as owner_id,
        coalesce(cycles.owner_team, 'unknown') as owner_team,
        coalesce(cycles.industry, 'unknown') as industry,
        coalesce(cycles.company_size_code, 'unknown') as company_size_code,
        coalesce(cycles.persona_code, 'unknown') as persona_code,
        paired.window_days,
        case
            when paired.reached_at is not null
                then {{ days_between('paired.entered_at', 'paired.reached_at') }}
        end as days_to_convert,
        paired.reached_at is not null as is_converted,
        coalesce(paired.reached_at <= paired.window_closes_at, false)
            as is_converted_within_window,
        paired.window_closes_at <= {{ as_of_timestamp() }} as is_window_closed,
        paired.reached_at is null
        and cycles.cycle_ended_at is null
        and cycles.lost_at is null
        and cycles.won_at is null as is_still_open,
        paired.entered_at,
        cast(paired.entered_at as date) as entered_date,
        paired.reached_at,
        paired.window_closes_at
    from paired
    inner join cycles
        on paired.lead_cycle_key = cycles.lead_cycle_key
)

select * from final
