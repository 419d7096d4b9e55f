{#- Who buys: the conversion and win-rate KPIs of int_kpi_measures, measured by the ideal
    customer profile breakdowns (industry, company size, persona) instead of the total, segment,
    sourcing and owner: one row per period grain x period x breakdown x value x KPI that has
    something to measure. The formulas are those of int_kpi_measures; each relation is read
    once and its rows repeated per breakdown, then counted in one aggregation per grain.
    Industry: a lifecycle cycle's is the person's, else their account's
    (lead_cycles_with_breakdowns); a deal's is its account's, else its contact person's. -#}
{%- set columns = kpi_breakdown_columns() -%}
{%- set breakdowns = ["industry", "company_size", "persona"] -%}
{%- set conversions = [
    ("lead_to_mql_rate", "lead", "mql"),
    ("mql_to_sal_rate", "mql", "sal"),
    ("sal_to_sql_rate", "sal", "sql"),
    ("sql_to_opportunity_rate", "sql", "opportunity"),
    ("mql_to_won_rate", "mql", "won"),
] -%}

with

conversions as (
    select
        case
            {% for kpi_code, from_stage, to_stage in conversions %}
                when from_stage = '{{ from_stage }}' and to_stage = '{{ to_stage }}'
                    then '{{ kpi_code }}'
            {% endfor %}
        end as kpi_code,
        entered_at as measured_at,
        industry,
        company_size_code,
        persona_code,
        case when is_converted_within_window then 1 else 0 end as numerator_part,
        1 as denominator_part,
        window_days,
        cast(null as {{ dbt.type_int() }}) as pending_part
    from {{ ref('int_cycle_conversions_windowed') }}
),

opportunities as (
    select
        opportunity_facts.*,
        coalesce(account_attributes.industry, person_attributes.industry) as industry,
        account_attributes.company_size_code,
        person_attributes.persona_code
    from {{ ref('int_opportunities') }} as opportunity_facts
    left join {{ ref('int_accounts') }} as account_attributes
        on opportunity_facts.account_key = account_attributes.account_key
    left join {{ ref('int_persons') }} as person_attributes
        on opportunity_facts.person_key = person_attributes.person_key
    where opportunity_facts.is_pipeline
),

-- win_rate_count and win_rate_amount by close date over the closed deals;
-- pipeline_cohort_win_rate by creation date over every deal, the open ones pending.
deals as (
    select
        'win_rate_count' as kpi_code,
        close_date as measured_at,
        industry,
        company_size_code,
        persona_code,
        case when is_won then 1 else 0 end as numerator_part,
        1 as denominator_part,
        cast(null as {{ dbt.type_int() }}) as window_days,
        cast(null as {{ dbt.type_int() }}) as pending_part
    from opportunities
    where is_closed

    union all

    select
        'win_rate_amount' as kpi_code,
        close_date as measured_at,
        industry,
        company_size_code,
        persona_code,
        coalesce(won_amount, 0) as numerator_part,
        coalesce(amount, 0) as denominator_part,
        cast(null as {{ dbt.type_int() }}) as window_days,
        cast(null as {{ dbt.type_int() }}) as pending_part
    from opportunities
    where is_closed

    union all

    select
        'pipeline_cohort_win_rate' as kpi_code,
        created_date as measured_at,
        industry,
        company_size_code,
        persona_code,
        case when is_won then 1 else 0 end as numerator_part,
        case when is_closed then 1 else 0 end as denominator_part,
        cast(null as {{ dbt.type_int() }}) as window_days,
        case when is_closed then 0 else 1 end as pending_part
    from opportunities
),

measured_rows as (
    select * from conversions
    where kpi_code is not null
    union all
    select * from deals
),

by_breakdown as (
    {% for breakdown in breakdowns %}
        select
            kpi_code,
            measured_at,
            '{{ breakdown }}' as breakdown,
            {{ columns[breakdown] }} as breakdown_value,
            numerator_part,
            denominator_part,
            window_days,
            pending_part
        from measured_rows
        where measured_at is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    {% for grain in ["month", "quarter"] %}
        {%- set period_start = "cast(" ~ dbt.date_trunc(grain, "measured_at") ~ " as date)" %}
        select
            '{{ grain }}' as period_grain,
            {{ period_start }} as period_start_date,
            breakdown,
            breakdown_value,
            kpi_code,
            cast(sum(numerator_part) as {{ type_double() }}) as numerator,
            cast(sum(denominator_part) as {{ type_double() }}) as denominator,
            cast(max(window_days) as {{ dbt.type_int() }}) as window_days,
            cast(sum(pending_part) as {{ dbt.type_bigint() }}) as pending_count
        from by_breakdown
        group by {{ period_start }}, breakdown, breakdown_value, kpi_code
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from final
