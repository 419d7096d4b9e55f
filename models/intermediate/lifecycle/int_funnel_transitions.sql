{#- One row per person x lifecycle cycle x stage entered. -#}
with

entries as (
    select * from {{ ref('int_lifecycle_stage_entries') }}
),

persons as (
    select
        person_key,
        crm_lead_id as person_crm_lead_id,
        owner_id as person_owner_id
    from {{ ref('int_persons') }}
),

sequenced as (
    select
        entries.*,
        lead(entries.entered_at) over (
            partition by entries.person_key
            order by entries.event_sequence
        ) as exited_at,
        lag(entries.stage_code) over (
            partition by entries.person_key, entries.cycle_number
            order by entries.event_sequence
        ) as previous_stage_code,
        max(case when entries.is_funnel_stage then entries.stage_order end) over (
            partition by entries.person_key, entries.cycle_number
            order by entries.event_sequence
            rows between unbounded preceding and 1 preceding
        ) as previous_funnel_stage_order
    from entries
),

final as (
    select
        {{ dbt.hash(dbt.concat(["sequenced.person_key", "'|'",
            dbt.cast("sequenced.cycle_number", dbt.type_string()), "'|'",
            "sequenced.stage_code"])) }} as transition_key,
        sequenced.person_key,
        sequenced.cycle_number,
        sequenced.stage_code,
        sequenced.stage_order,
        sequenced.previous_stage_code,
        sequenced.entered_at,
        sequenced.exited_at,
        sequenced.source_system,
        sequenced.event_type,
        sequenced.status_value,
        coalesce(sequenced.owner_id, persons.person_owner_id) as owner_id,
        coalesce(sequenced.crm_lead_id, persons.person_crm_lead_id) as crm_lead_id,
        sequenced.opportunity_id,
        coalesce(
            sequenced.is_funnel_stage
            and sequenced.stage_order > sequenced.previous_funnel_stage_order + 1,
            false
        ) as is_skipped_ahead
    from sequenced
    left join persons
        on sequenced.person_key = persons.person_key
)

select * from final
