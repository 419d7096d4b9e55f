{{ config(
    materialized="incremental",
    incremental_strategy=revenue_funnel.reprocessing_strategy(),
    pre_hook="{{ revenue_funnel.delete_reattributed_marketo_activities() }}",
    partition_by=["activity_type"],
) }}

{#- Marketo activities with the person they belong to (merged-away leads' activities included):
    the one place activities meet identity, for stage events, scoring and handoff context.
    Incremental, and exact although identity can change retroactively: the pre-hook removes rows
    whose activity changed or whose lead now belongs to another person (or none); a run then adds
    the activities landed since the cutoff and every activity of the leads left without rows. -#}
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

{% if is_incremental() %}
    attributed_leads as (
        select distinct lead_id from {{ this }}
    ),

    leads_to_attribute as (
        select persons.source_record_id
        from persons
        left join attributed_leads
            on persons.source_record_id = cast(attributed_leads.lead_id as {{ dbt.type_string() }})
        where attributed_leads.lead_id is null
    ),
{% endif %}

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
        activities.activity_at,
        activities.synced_at
    from activities
    inner join persons
        on cast(activities.lead_id as {{ dbt.type_string() }}) = persons.source_record_id
    {% if is_incremental() %}
        where
            activities.synced_at >= {{ revenue_funnel.incremental_cutoff("synced_at") }}
            or activities.activity_id is null
            or persons.source_record_id in (
                select leads_to_attribute.source_record_id from leads_to_attribute
            )
    {% endif %}
)

select * from final
order by activity_type
