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
        activities.*
    from activities
    inner join persons
        on cast(activities.lead_id as {{ dbt.type_string() }}) = persons.source_record_id
)

select * from final
