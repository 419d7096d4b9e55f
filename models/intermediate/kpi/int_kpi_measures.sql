{#- Each shared KPI as measured from the facts: one row per period grain (month, quarter) x
    period x breakdown x KPI with the numerator and denominator, only where there is something
    to measure (mart_shared_kpis zero-fills, adds growth, forecast accuracy and targets). Its own
    table, so the mart that reads it several times doesn't repeat its ~300 aggregations: Spark
    inlines every reference to a CTE, and the mart's plan grew too large to analyse. -#}

{#- Breakdowns: deal KPIs by segment, sourcing and the opportunity owner (rep) and their team;
    the lead-cycle KPIs sales is measured by by the cycle's owner (the SDR) and their team;
    marketing's and the shared lead-cycle KPIs by segment and sourcing only. -#}
{%- set deal_breakdowns = ["segment", "sourced_by", "team", "rep"] -%}
{%- set cycle_breakdowns = ["segment", "sourced_by"] -%}
{%- set sales_cycle_breakdowns = ["segment", "sourced_by", "team", "rep"] -%}

{#- The cohort conversion KPIs: (kpi_code, from_stage, to_stage, breakdowns). Converted means
    reached within the pair's window (int_cycle_conversions_windowed). -#}
{%- set conversions = [
    ("lead_to_mql_rate", "lead", "mql", cycle_breakdowns),
    ("mql_to_sal_rate", "mql", "sal", sales_cycle_breakdowns),
    ("sal_to_sql_rate", "sal", "sql", sales_cycle_breakdowns),
    ("sql_to_opportunity_rate", "sql", "opportunity", sales_cycle_breakdowns),
    ("mql_to_won_rate", "mql", "won", cycle_breakdowns),
] -%}

{#- The KPIs measured directly from a fact: (relation, kpi_code, date that buckets a row into a
    period, numerator, denominator or none for counts and amounts, breakdowns, and for a KPI
    judged by as-of the rows still open that can change it). -#}
{%- set still_open = "sum(case when is_closed then 0 else 1 end)" -%}
{%- set won = "sum(case when is_won then 1 else 0 end)" -%}
{%- set measures = [
    ("cycles", "mqls", "mql_at", "count(*)", none, cycle_breakdowns),
    ("cycles", "sals", "sal_at", "count(*)", none, sales_cycle_breakdowns),
    ("cycles", "sqls", "sql_at", "count(*)", none, sales_cycle_breakdowns),
    ("pipeline_opportunities", "pipeline_created_count", "created_date", "count(*)", none,
     deal_breakdowns),
    ("pipeline_opportunities", "pipeline_created_amount", "created_date",
     "coalesce(sum(amount), 0)", none, deal_breakdowns),
    ("pipeline_opportunities", "marketing_sourced_pipeline_share", "created_date",
     "coalesce(sum(case when sourced_by = 'marketing' then amount end), 0)",
     "coalesce(sum(amount), 0)", ["segment", "team", "rep"]),
    ("pipeline_opportunities", "pipeline_cohort_win_rate", "created_date", won,
     "sum(case when is_closed then 1 else 0 end)", deal_breakdowns, still_open),
    ("won_opportunities", "bookings_amount", "close_date", "coalesce(sum(amount), 0)", none,
     deal_breakdowns),
    ("closed_pipeline", "win_rate_count", "close_date", won, "count(*)", deal_breakdowns),
    ("closed_pipeline", "win_rate_amount", "close_date", "coalesce(sum(won_amount), 0)",
     "coalesce(sum(amount), 0)", deal_breakdowns),
    ("closed_pipeline", "average_deal_size", "close_date", "coalesce(sum(won_amount), 0)", won,
     deal_breakdowns),
    ("won_opportunities", "average_account_bookings", "close_date", "coalesce(sum(amount), 0)",
     "count(distinct crm_account_id)", deal_breakdowns),
    ("closed_pipeline", "sales_cycle_days", "close_date",
     "coalesce(sum(case when is_won then days_to_close end), 0)", won, deal_breakdowns),
    ("first_wins", "new_accounts_acquired", "close_date", "count(*)", none, deal_breakdowns),
    ("due_renewals", "customer_retention_rate", "close_date", won, "count(*)",
     ["segment", "team", "rep"], still_open),
    ("follow_up_slas", "mql_follow_up_compliance_rate", "started_at",
     "sum(case when status = 'met' then 1 else 0 end)",
     "sum(case when status in ('met', 'breached', 'open_breached') then 1 else 0 end)",
     sales_cycle_breakdowns, "sum(case when status = 'open' then 1 else 0 end)"),
] -%}

{#- The KPIs measured on the pipeline as it stood at each period's first instant (New Business
    and Expansion only: renewals are forecast by the customer team). -#}
{%- set snapshot_measures = [
    ("committed_pipeline", "forecast_commit_amount", "coalesce(sum(amount), 0)", none),
    ("committed_pipeline", "forecast_commit_win_rate",
     "coalesce(sum(case when is_won_in_period then amount else 0 end), 0)",
     "coalesce(sum(amount), 0)"),
    ("open_pipeline", "forecast_bookings_amount", "coalesce(sum(won_amount_in_period), 0)", none),
    ("open_pipeline", "pipeline_past_close_date_share",
     "coalesce(sum(case when is_past_close_date then amount else 0 end), 0)",
     "coalesce(sum(amount), 0)"),
] -%}

with

conversions as (
    select * from {{ ref('int_cycle_conversions_windowed') }}
),

cycles as (
    {{ lead_cycles_with_breakdowns() }}
),

{% for kpi_code, from_stage, to_stage, breakdowns in conversions %}
    {{ kpi_code }}_cohorts as (
        select * from conversions
        where from_stage = '{{ from_stage }}' and to_stage = '{{ to_stage }}'
    ),
{% endfor %}

opportunities as (
    select * from {{ ref('int_opportunities') }}
),

pipeline_opportunities as (
    select * from opportunities
    where is_pipeline
),

closed_pipeline as (
    select * from pipeline_opportunities
    where is_closed
),

won_opportunities as (
    select * from opportunities
    where is_won
),

due_renewals as (
    select * from opportunities
    where is_renewal
),

first_wins as (
    select * from opportunities
    where is_first_win_of_account
),

follow_up_slas as (
    select
        fct_sla_instances.started_at,
        fct_sla_instances.status,
        cycles.segment_code,
        cycles.sourced_by,
        cycles.owner_id,
        cycles.owner_team
    from {{ ref('int_sla_instances') }} as fct_sla_instances
    inner join cycles
        on
            fct_sla_instances.person_key = cycles.person_key
            and fct_sla_instances.cycle_number = cycles.cycle_number
    where fct_sla_instances.policy_key = 'mql_follow_up'
),

open_pipeline as (
    select * from {{ ref('int_pipeline_snapshots') }}
    where is_pipeline
),

committed_pipeline as (
    select * from open_pipeline
    where is_committed
),

measured as (
    {% for kpi_code, from_stage, to_stage, breakdowns in conversions %}
        {{ kpi_rollup(kpi_code ~ "_cohorts", kpi_code, "entered_at",
                      "sum(case when is_converted_within_window then 1 else 0 end)", "count(*)",
                      breakdowns, "max(window_days)") }}
        union all
    {% endfor %}
    {% for measure in measures %}
        {%- set relation, kpi_code, date_column, numerator, denominator, breakdowns = measure[:6] %}
        {{ kpi_rollup(relation, kpi_code, date_column, numerator, denominator, breakdowns,
                      pending=measure[6] if measure | length > 6 else none) }}
        union all
    {% endfor %}
    {% for relation, kpi_code, numerator, denominator in snapshot_measures %}
        {{ kpi_snapshot_rollup(relation, kpi_code, numerator, denominator) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from measured
