{#- Marketo activities with the person they belong to (merged-away leads' activities included):
    the one place activities meet identity, for stage events, scoring and handoff context. -#}
with

activities as (
    select * from {{ ref('stg_marketo__activities') }}
),

persons as (
    select
        person_key,
        source_record_id
    from {{ ref('int_persons_resolved') }}
    where source_system = 'mas_lead'
),

final as (
    select
        persons.person_key,
        activities.activity_id,
        activities.lead_id,
        activities.campaign_id,
        activities.program_id,
        activities.primary_attribute_value_id,
        activities.activity_type,
        activities.primary_attribute_value,
        activities.old_value,
        activities.new_value,
        activities.reason,
        activities.webpage_url,
        activities.referrer_url,
        activities.link,
        activities.score_change,
        activities.is_success,
        activities.activity_at
    from activities
    inner join persons
        on cast(activities.lead_id as {{ dbt.type_string() }}) = persons.source_record_id
)

select * from final
