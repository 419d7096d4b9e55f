{#- One row per person x lifecycle cycle: an accumulating snapshot of when the cycle reached each
    stage, where it stands at as-of, and how long it spent in each stage. -#}
{%- set stages = ["lead", "mql", "sal", "sql", "opportunity", "customer", "lost", "recycled",
                  "disqualified"] -%}

with

transitions as (
    select * from {{ ref('fct_funnel_transitions') }}
),

persons as (
    select * from {{ ref('dim_person') }}
),

stages as (
    select * from {{ ref('funnel_stages') }}
),

current_stages as (
    select
        person_key,
        cycle_number,
        stage_code as current_stage,
        row_number() over (
            partition by person_key, cycle_number
            order by entered_at desc, stage_order desc
        ) as recency
    from transitions
),

pivoted as (
    select
        person_key,
        cycle_number,
        {% for stage in stages %}
            min(case when stage_code = '{{ stage }}' then entered_at end) as {{ stage }}_at,
            min(case when stage_code = '{{ stage }}' then exited_at end)
                as {{ stage }}_exited_at,
        {% endfor %}
        max(opportunity_id) as opportunity_id,
        max(case when stage_code in ('mql', 'lead') then owner_id end) as first_owner_id,
        max(owner_id) as any_owner_id,
        min(entered_at) as cycle_started_at,
        max(entered_at) as last_stage_entered_at
    from transitions
    group by person_key, cycle_number
),

final as (
    select
        {{ dbt.hash(dbt.concat(["pivoted.person_key", "':'",
                                dbt.cast("pivoted.cycle_number", dbt.type_string())])) }}
            as lead_cycle_key,
        pivoted.person_key,
        pivoted.cycle_number,
        persons.crm_lead_id,
        persons.mas_lead_id,
        coalesce(pivoted.first_owner_id, pivoted.any_owner_id, persons.owner_id) as owner_id,
        pivoted.cycle_started_at,
        pivoted.lead_at,
        pivoted.mql_at,
        pivoted.sal_at,
        pivoted.sql_at,
        pivoted.opportunity_id,
        pivoted.opportunity_at as opportunity_created_at,
        pivoted.customer_at as won_at,
        pivoted.lost_at,
        pivoted.recycled_at,
        pivoted.disqualified_at,
        current_stages.current_stage,
        stages.stage_name as current_stage_name,
        coalesce(pivoted.recycled_at, pivoted.disqualified_at) as cycle_ended_at,
        pivoted.mql_at is not null
        or (pivoted.cycle_number = 1 and not persons.is_known_to_crm)
        or (
            pivoted.cycle_number = 1
            and persons.mas_lead_id is not null
            and pivoted.lead_at < coalesce(pivoted.sal_at, pivoted.sql_at, pivoted.lead_at)
            and persons.crm_lead_id is null
        ) as is_marketing_sourced,
        {% for stage in ["lead", "mql", "sal", "sql", "opportunity"] %}
            case
                when pivoted.{{ stage }}_at is not null
                    then {{ days_between(
                        "pivoted." ~ stage ~ "_at",
                        "coalesce(pivoted." ~ stage ~ "_exited_at, " ~ as_of_timestamp() ~ ")"
                    ) }}
            end as days_in_{{ stage }},
        {% endfor %}
        {{ as_of_timestamp() }} as as_of
    from pivoted
    inner join persons
        on pivoted.person_key = persons.person_key
    inner join current_stages
        on
            pivoted.person_key = current_stages.person_key
            and pivoted.cycle_number = current_stages.cycle_number
            and current_stages.recency = 1
    left join stages
        on current_stages.current_stage = stages.stage_code
)

select * from final
