{#- Each shared KPI as measured from the facts: one row per period grain (month, quarter) x
    period x breakdown x KPI with the numerator and denominator, only where there is something
    to measure (mart_shared_kpis zero-fills, adds growth, forecast accuracy and targets). Its own
    table, so the mart that reads it several times doesn't repeat its ~160 aggregations: Spark
    inlines every reference to a CTE, and the mart's plan grew too large to analyse. -#}

{#- The KPIs measured directly from a fact: (relation, kpi_code, date that buckets a row into a
    period, numerator, denominator or none for counts and amounts, breakdowns). -#}
{%- set won = "sum(case when is_won then 1 else 0 end)" -%}
{%- set deal_breakdowns = ["segment", "sourced_by", "team"] -%}
{%- set measures = [
    ("cycles", "mqls", "mql_at", "count(*)", none, ["segment", "sourced_by"]),
    ("cycles", "sals", "sal_at", "count(*)", none, ["segment", "sourced_by"]),
    ("cycles", "sqls", "sql_at", "count(*)", none, ["segment", "sourced_by"]),
    ("cycles", "lead_to_mql_rate", "lead_at", "count(reached_mql_at)", "count(*)",
     ["segment", "sourced_by"]),
    ("cycles", "mql_to_sal_rate", "mql_at", "count(reached_sal_at)", "count(*)",
     ["segment", "sourced_by"]),
    ("cycles", "sal_to_sql_rate", "sal_at", "count(reached_sql_at)", "count(*)",
     ["segment", "sourced_by"]),
    ("cycles", "sql_to_opportunity_rate", "sql_at", "count(reached_opportunity_at)", "count(*)",
     ["segment", "sourced_by"]),
    ("cycles", "mql_to_won_rate", "mql_at", "count(won_at)", "count(*)",
     ["segment", "sourced_by"]),
    ("pipeline_opportunities", "pipeline_created_count", "created_date", "count(*)", none,
     deal_breakdowns),
    ("pipeline_opportunities", "pipeline_created_amount", "created_date",
     "coalesce(sum(amount), 0)", none, deal_breakdowns),
    ("pipeline_opportunities", "marketing_sourced_pipeline_share", "created_date",
     "coalesce(sum(case when sourced_by = 'marketing' then amount end), 0)",
     "coalesce(sum(amount), 0)", ["segment", "team"]),
    ("pipeline_opportunities", "pipeline_cohort_win_rate", "created_date", won,
     "sum(case when is_closed then 1 else 0 end)", deal_breakdowns),
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
     ["segment", "team"]),
    ("follow_up_slas", "mql_follow_up_compliance_rate", "started_at",
     "sum(case when status = 'met' then 1 else 0 end)",
     "sum(case when status in ('met', 'breached', 'open_breached') then 1 else 0 end)",
     ["segment", "sourced_by"]),
] -%}

with

cycles as (
    select
        fct_lead_cycles.*,
        dim_person.segment_code,
        case when fct_lead_cycles.is_marketing_sourced then 'marketing' else 'sales' end
            as sourced_by,
        coalesce(
            fct_lead_cycles.mql_at, fct_lead_cycles.sal_at, fct_lead_cycles.sql_at,
            fct_lead_cycles.opportunity_created_at, fct_lead_cycles.won_at
        ) as reached_mql_at,
        coalesce(
            fct_lead_cycles.sal_at, fct_lead_cycles.sql_at,
            fct_lead_cycles.opportunity_created_at, fct_lead_cycles.won_at
        ) as reached_sal_at,
        coalesce(
            fct_lead_cycles.sql_at, fct_lead_cycles.opportunity_created_at, fct_lead_cycles.won_at
        ) as reached_sql_at,
        coalesce(fct_lead_cycles.opportunity_created_at, fct_lead_cycles.won_at)
            as reached_opportunity_at
    from {{ ref('fct_lead_cycles') }} as fct_lead_cycles
    inner join {{ ref('dim_person') }} as dim_person
        on fct_lead_cycles.person_key = dim_person.person_key
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
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
        cycles.sourced_by
    from {{ ref('fct_sla_instances') }} as fct_sla_instances
    inner join cycles
        on
            fct_sla_instances.person_key = cycles.person_key
            and fct_sla_instances.cycle_number = cycles.cycle_number
    where fct_sla_instances.policy_key = 'mql_follow_up'
),

commit_snapshots as (
    select * from {{ ref('fct_pipeline_snapshots') }}
    where is_committed
),

measured as (
    {% for relation, kpi_code, date_column, numerator, denominator, breakdowns in measures %}
        {{ kpi_rollup(relation, kpi_code, date_column, numerator, denominator, breakdowns) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
    {% for breakdown, column in [("total", "'all'"), ("segment", "segment_code"),
                                 ("sourced_by", "sourced_by"), ("team", "owner_team")] %}
        union all
        select
            period_grain,
            period_start_date,
            '{{ breakdown }}' as breakdown,
            {{ column }} as breakdown_value,
            'forecast_commit_amount' as kpi_code,
            cast(sum(amount) as {{ type_double() }}) as numerator,
            cast(null as {{ type_double() }}) as denominator
        from commit_snapshots
        group by period_grain, period_start_date{{ ", " ~ column if breakdown != "total" }}
        union all
        select
            period_grain,
            period_start_date,
            '{{ breakdown }}' as breakdown,
            {{ column }} as breakdown_value,
            'forecast_commit_win_rate' as kpi_code,
            cast(sum(case when is_won_in_period then amount else 0 end) as {{ type_double() }})
                as numerator,
            cast(sum(amount) as {{ type_double() }}) as denominator
        from commit_snapshots
        group by period_grain, period_start_date{{ ", " ~ column if breakdown != "total" }}
    {% endfor %}
)

select * from measured
