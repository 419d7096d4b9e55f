{#- Cohort conversion: for each stage pair, the cycles that entered the from-stage in a month
    (the cohort), by segment, lead source and sourcing, how many reached the to-stage (or a later
    one: skipped stages count as passed), how fast, and how many are still open. A cohort whose
    open share is still high is immature: its rate will rise, it is not a loss. -#}
{%- set pairs = [
    ("lead", "mql", "lead_at", "coalesce(mql_at, sal_at, sql_at, opportunity_created_at, won_at)"),
    ("mql", "sal", "mql_at", "coalesce(sal_at, sql_at, opportunity_created_at, won_at)"),
    ("sal", "sql", "sal_at", "coalesce(sql_at, opportunity_created_at, won_at)"),
    ("sql", "opportunity", "sql_at", "coalesce(opportunity_created_at, won_at)"),
    ("opportunity", "won", "opportunity_created_at", "won_at"),
    ("mql", "won", "mql_at", "won_at"),
] -%}
{%- set immature_open_share = 0.2 -%}

with

cycles as (
    select
        fct_lead_cycles.*,
        dim_person.segment_code,
        coalesce(dim_person.lead_source, 'unknown') as lead_source,
        case when fct_lead_cycles.is_marketing_sourced then 'marketing' else 'sales' end
            as sourced_by
    from {{ ref('fct_lead_cycles') }} as fct_lead_cycles
    inner join {{ ref('dim_person') }} as dim_person
        on fct_lead_cycles.person_key = dim_person.person_key
),

pairs as (
    {% for from_stage, to_stage, entered, reached in pairs %}
        select
            '{{ from_stage }}' as from_stage,
            '{{ to_stage }}' as to_stage,
            cast({{ dbt.date_trunc('month', entered) }} as date) as cohort_month,
            segment_code,
            lead_source,
            sourced_by,
            {{ reached }} is not null as has_converted,
            {{ reached }} is null
            and cycle_ended_at is null
            and lost_at is null
            and won_at is null as is_still_open,
            case
                when {{ reached }} is not null
                    then {{ days_between(entered, reached) }}
            end as days_to_convert
        from cycles
        where {{ entered }} is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        from_stage,
        to_stage,
        cohort_month,
        segment_code,
        lead_source,
        sourced_by,
        count(*) as entered,
        sum(case when has_converted then 1 else 0 end) as converted,
        sum(case when is_still_open then 1 else 0 end) as still_open,
        1.0 * sum(case when has_converted then 1 else 0 end) / count(*) as conversion_rate,
        1.0 * sum(case when is_still_open then 1 else 0 end) / count(*) as open_share,
        1.0 * sum(case when is_still_open then 1 else 0 end) / count(*)
        > {{ immature_open_share }} as is_immature,
        {{ percentile('days_to_convert', 0.5) }} as median_days_to_convert,
        {{ percentile('days_to_convert', 0.75) }} as p75_days_to_convert
    from pairs
    group by 1, 2, 3, 4, 5, 6
)

select * from final
