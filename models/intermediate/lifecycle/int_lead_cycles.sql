{#- One row per person x lifecycle cycle: an accumulating snapshot of when the cycle reached each
    stage, where it stands at as-of, and how long it spent in each stage, and for a cycle that
    ended (recycled or disqualified) the reason it ended with: of the verdict reasons
    (int_lead_feedback_reasons) recorded from the cycle's start up to the next cycle's start, the
    CRM's (sales' verdict) before the MAS's, the latest first; an ended cycle without one is
    category 'not_recorded'. A reason recorded on a cycle that didn't end is kept in
    open_cycle_reason (a steward's finding at the mart gate), never chosen as an end reason. -#}
{%- set stages = ["lead", "mql", "sal", "sql", "opportunity", "customer", "lost", "recycled",
                  "disqualified"] -%}

with

transitions as (
    select * from {{ ref('int_funnel_transitions') }}
),

persons as (
    select * from {{ ref('int_persons') }}
),

stages as (
    select * from {{ ref('funnel_stages') }}
),

reasons as (
    select * from {{ ref('int_lead_feedback_reasons') }}
    where is_verdict
),

-- One system as both the CRM and the MAS of record (landed alone): a person has one record, so
-- which system saw them first can't tell who sourced them.
record_systems as (
    select count(distinct source_system) = 1 as crm_is_mas
    from {{ ref('int_source_system_roles') }}
    where is_of_record
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

cycle_windows as (
    select
        person_key,
        cycle_number,
        cycle_started_at,
        lead(cycle_started_at) over (
            partition by person_key
            order by cycle_number
        ) as next_cycle_started_at,
        coalesce(recycled_at, disqualified_at) is not null as has_ended
    from pivoted
),

cycle_reasons as (
    select
        cycle_windows.person_key,
        cycle_windows.cycle_number,
        cycle_windows.has_ended,
        reasons.reason_value,
        reasons.category_code,
        reasons.category_name,
        reasons.owning_team,
        reasons.marketing_can_act,
        reasons.source_system,
        row_number() over (
            partition by cycle_windows.person_key, cycle_windows.cycle_number
            order by
                case when reasons.is_crm_of_record then 0 else 1 end,
                reasons.reason_at desc,
                reasons.source_record_id desc
        ) as reason_rank,
        count(*) over (
            partition by cycle_windows.person_key, cycle_windows.cycle_number
        ) as reasons_recorded
    from cycle_windows
    inner join reasons
        on
            cycle_windows.person_key = reasons.person_key
            and cycle_windows.cycle_started_at <= reasons.reason_at
            and (
                cycle_windows.next_cycle_started_at > reasons.reason_at
                or cycle_windows.next_cycle_started_at is null
            )
),

chosen_reasons as (
    select * from cycle_reasons
    where reason_rank = 1
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
        case when chosen_reasons.has_ended then chosen_reasons.reason_value end as end_reason,
        case
            when coalesce(pivoted.recycled_at, pivoted.disqualified_at) is null then null
            when chosen_reasons.has_ended then chosen_reasons.category_code
            else 'not_recorded'
        end as end_reason_category,
        case
            when coalesce(pivoted.recycled_at, pivoted.disqualified_at) is null then null
            when chosen_reasons.has_ended then chosen_reasons.category_name
            else 'Not recorded'
        end as end_reason_category_name,
        case when chosen_reasons.has_ended then chosen_reasons.owning_team end
            as end_reason_owning_team,
        case when chosen_reasons.has_ended then chosen_reasons.marketing_can_act end
            as end_reason_marketing_can_act,
        case when chosen_reasons.has_ended then chosen_reasons.source_system end
            as end_reason_source_system,
        case when not chosen_reasons.has_ended then chosen_reasons.reason_value end
            as open_cycle_reason,
        coalesce(chosen_reasons.reasons_recorded, 0) as reasons_recorded,
        pivoted.mql_at is not null
        or (pivoted.cycle_number = 1 and not persons.is_known_to_crm)
        or (
            pivoted.cycle_number = 1
            and not record_systems.crm_is_mas
            and persons.mas_lead_id is not null
            and pivoted.lead_at < coalesce(pivoted.sal_at, pivoted.sql_at, pivoted.lead_at)
            and persons.crm_lead_id is null
        )
        -- With one record per person, a first cycle sales never worked is marketing's, as a
        -- person only the MAS knows is when the systems are two.
        or (
            pivoted.cycle_number = 1
            and record_systems.crm_is_mas
            and coalesce(pivoted.sal_at, pivoted.sql_at, pivoted.opportunity_at) is null
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
    cross join record_systems
    inner join persons
        on pivoted.person_key = persons.person_key
    inner join current_stages
        on
            pivoted.person_key = current_stages.person_key
            and pivoted.cycle_number = current_stages.cycle_number
            and current_stages.recency = 1
    left join stages
        on current_stages.current_stage = stages.stage_code
    left join chosen_reasons
        on
            pivoted.person_key = chosen_reasons.person_key
            and pivoted.cycle_number = chosen_reasons.cycle_number
)

select * from final
