{#- The shared KPIs both teams are measured by: one row per period (month, quarter) x breakdown
    (total, segment, sourced_by, team, rep; industry, company_size and persona for the
    conversion and win-rate KPIs, from int_kpi_icp_measures) x KPI, with the numerator and
    denominator the value comes from, the agreed target where there is one, and whether the
    value can still change.
    Every formula is written once (counts, sums and ratios from the facts in int_kpi_measures;
    growth, forecast accuracy and targets here) and described in the kpi_definitions seed. Counts
    and amounts are zero-filled over the periods up to as-of; a ratio without a denominator is
    null. -#}
{%- set growth_rates = [
    ("mql_growth_rate", "mqls"),
    ("revenue_growth_rate", "bookings_amount"),
    ("account_bookings_growth_rate", "average_account_bookings"),
    ("new_accounts_growth_rate", "new_accounts_acquired"),
    ("customer_retention_growth_rate", "customer_retention_rate"),
    ("quota_attainment_growth_rate", "quota_attainment"),
] -%}

with

mql_targets as (
    select * from {{ ref('mql_targets') }}
),

quality_floor as (
    select max(floor_rate) as floor_rate from {{ ref('sla_floors') }}
    where policy_key = 'mql_quality'
),

definitions as (
    select * from {{ ref('kpi_definitions') }}
),

measured as (
    select * from {{ ref('int_kpi_measures') }}
    union all
    select * from {{ ref('int_kpi_icp_measures') }}
),

as_of as (
    select
        {{ as_of_timestamp() }} as as_of_at,
        cast({{ as_of_timestamp() }} as date) as as_of_date
),

bounds as (
    select
        min(measured.period_start_date) as first_date,
        max(as_of.as_of_date) as as_of_date
    from measured
    cross join as_of
),

periods as (
    {{ reporting_periods('bounds') }}
),

series as (
    select
        kpi_code,
        breakdown,
        breakdown_value,
        max(case when denominator is not null then 1 else 0 end) = 1 as is_ratio,
        max(window_days) as window_days
    from measured
    group by kpi_code, breakdown, breakdown_value
),

zero_filled as (
    select
        periods.period_grain,
        periods.period_start_date,
        series.breakdown,
        series.breakdown_value,
        series.kpi_code,
        coalesce(measured.numerator, 0) as numerator,
        case
            when series.is_ratio then coalesce(measured.denominator, 0)
        end as denominator,
        series.window_days,
        measured.pending_count
    from periods
    cross join series
    left join measured
        on
            periods.period_grain = measured.period_grain
            and periods.period_start_date = measured.period_start_date
            and series.breakdown = measured.breakdown
            and series.breakdown_value = measured.breakdown_value
            and series.kpi_code = measured.kpi_code
),

quota_rows as (
    select int_quota_attainment.*
    from {{ ref('int_quota_attainment') }} as int_quota_attainment
    inner join periods
        on
            int_quota_attainment.period_grain = periods.period_grain
            and int_quota_attainment.period_start_date = periods.period_start_date
),

quota_kpis as (
    {#- Both against the same quota row: what was booked, and what the pipeline at the period's
        first instant expected to close in it (pipeline coverage). #}
    {%- for kpi_code, numerator in [("quota_attainment", "booked_amount"),
                                    ("pipeline_coverage", "expected_pipeline_amount")] %}
        select
            period_grain,
            period_start_date,
            breakdown,
            breakdown_value,
            '{{ kpi_code }}' as kpi_code,
            {{ numerator }} as numerator,
            quota_amount as denominator,
            cast(null as {{ dbt.type_int() }}) as window_days,
            cast(null as {{ dbt.type_bigint() }}) as pending_count
        from quota_rows
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
),

base as (
    select * from zero_filled
    union all
    select * from quota_kpis
),

prior_periods as (
    select
        base.*,
        case
            when base.denominator is null then base.numerator
            else base.numerator / nullif(base.denominator, 0)
        end as base_value,
        case
            when base.period_grain = 'quarter'
                then cast({{ dbt.dateadd('month', -3, 'base.period_start_date') }} as date)
            else cast({{ dbt.dateadd('month', -1, 'base.period_start_date') }} as date)
        end as prior_period_start_date
    from base
),

growth as (
    {% for growth_kpi, base_kpi in growth_rates %}
        select
            current_period.period_grain,
            current_period.period_start_date,
            current_period.breakdown,
            current_period.breakdown_value,
            '{{ growth_kpi }}' as kpi_code,
            current_period.base_value - previous_period.base_value as numerator,
            previous_period.base_value as denominator,
            cast(null as {{ dbt.type_int() }}) as window_days,
            coalesce(current_period.pending_count, 0) + coalesce(previous_period.pending_count, 0)
                as pending_count
        from prior_periods as current_period
        inner join prior_periods as previous_period
            on
                current_period.prior_period_start_date = previous_period.period_start_date
                and current_period.period_grain = previous_period.period_grain
                and current_period.breakdown = previous_period.breakdown
                and current_period.breakdown_value = previous_period.breakdown_value
                and current_period.kpi_code = previous_period.kpi_code
        where current_period.kpi_code = '{{ base_kpi }}'
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

forecast_accuracy as (
    {#- The call (forecast_commit_amount) against what could have been called
        (forecast_bookings_amount): both New Business and Expansion, both from the pipeline
        open at the period's first instant, so renewals and in-period deals are in neither. -#}
    select
        period_grain,
        period_start_date,
        breakdown,
        breakdown_value,
        'forecast_accuracy' as kpi_code,
        coalesce(sum(case when kpi_code = 'forecast_commit_amount' then numerator end), 0)
            as numerator,
        coalesce(sum(case when kpi_code = 'forecast_bookings_amount' then numerator end), 0)
            as denominator,
        cast(null as {{ dbt.type_int() }}) as window_days,
        cast(null as {{ dbt.type_bigint() }}) as pending_count
    from base
    where kpi_code in ('forecast_commit_amount', 'forecast_bookings_amount')
    group by period_grain, period_start_date, breakdown, breakdown_value
),

all_kpis as (
    select * from base
    union all
    select * from growth
    union all
    select * from forecast_accuracy
),

targets as (
    select
        'month' as period_grain,
        cast(month_start_date as date) as period_start_date,
        segment_code,
        mql_target
    from mql_targets
    union all
    select
        'quarter' as period_grain,
        cast({{ dbt.date_trunc('quarter', 'month_start_date') }} as date) as period_start_date,
        segment_code,
        mql_target
    from mql_targets
),

mql_target_totals as (
    select
        period_grain,
        period_start_date,
        'segment' as breakdown,
        segment_code as breakdown_value,
        sum(mql_target) as target_value
    from targets
    group by period_grain, period_start_date, segment_code
    union all
    select
        period_grain,
        period_start_date,
        'total' as breakdown,
        'all' as breakdown_value,
        sum(mql_target) as target_value
    from targets
    group by period_grain, period_start_date
),

mql_target_attainment as (
    select
        all_kpis.period_grain,
        all_kpis.period_start_date,
        all_kpis.breakdown,
        all_kpis.breakdown_value,
        'mql_target_attainment' as kpi_code,
        all_kpis.numerator,
        cast(mql_target_totals.target_value as {{ type_double() }}) as denominator,
        all_kpis.window_days,
        all_kpis.pending_count
    from all_kpis
    inner join mql_target_totals
        on
            all_kpis.period_grain = mql_target_totals.period_grain
            and all_kpis.period_start_date = mql_target_totals.period_start_date
            and all_kpis.breakdown = mql_target_totals.breakdown
            and all_kpis.breakdown_value = mql_target_totals.breakdown_value
    where all_kpis.kpi_code = 'mqls'
),

valued as (
    select
        kpis.*,
        case
            when kpis.kpi_code = 'forecast_accuracy'
                then case
                    when kpis.denominator > 0
                        then greatest(
                            0, 1 - abs(kpis.denominator - kpis.numerator) / kpis.denominator
                        )
                end
            when kpis.denominator is null then kpis.numerator
            else kpis.numerator / nullif(kpis.denominator, 0)
        end as kpi_value
    from (
        select * from all_kpis
        union all
        select * from mql_target_attainment
    ) as kpis
),

final as (
    select
        {{ dbt.hash(dbt.concat(["valued.period_grain", "':'",
                                dbt.cast("valued.period_start_date", dbt.type_string()), "':'",
                                "valued.breakdown", "':'", "valued.breakdown_value", "':'",
                                "valued.kpi_code"])) }} as shared_kpi_key,
        valued.period_grain,
        valued.period_start_date,
        periods.period_end_date,
        periods.period_end_date <= as_of.as_of_date as is_complete_period,
        periods.period_end_date <= as_of.as_of_date
        and (
            valued.window_days is null
            or {{ dbt.dateadd('day', 'valued.window_days', 'periods.period_end_date') }}
            < as_of.as_of_at
        )
        and coalesce(valued.pending_count, 0) = 0 as is_mature,
        valued.breakdown,
        valued.breakdown_value,
        valued.kpi_code,
        definitions.kpi_name,
        definitions.owning_team,
        definitions.unit,
        definitions.higher_is_better,
        definitions.measure_group,
        valued.kpi_value,
        valued.numerator,
        valued.denominator,
        valued.window_days,
        valued.pending_count,
        case
            when valued.kpi_code in ('quota_attainment', 'mql_target_attainment')
                then valued.denominator
            when valued.kpi_code = 'mql_to_sal_rate'
                then quality_floor.floor_rate
        end as target_value,
        definitions.formula
    from valued
    inner join periods
        on
            valued.period_grain = periods.period_grain
            and valued.period_start_date = periods.period_start_date
    cross join as_of
    cross join quality_floor
    inner join definitions
        on valued.kpi_code = definitions.kpi_code
)

select * from final
