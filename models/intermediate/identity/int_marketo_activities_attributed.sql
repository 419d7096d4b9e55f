{{ config(
    materialized="incremental",
    incremental_strategy=revenue_funnel.reprocessing_strategy(),
    pre_hook="{{ revenue_funnel.delete_reattributed_marketo_activities() }}",
    partition_by=(["activity_type"] if target.type == "spark" else none),
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
    {%- set cutoff = revenue_funnel.incremental_cutoff("synced_at") %}
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

    -- The activities synced within the window, any without an id, and every activity of the
    -- leads without rows: three disjoint branches rather than one filter with `or`, so each reads
    -- staging through a filter on one column (the leads' by their numeric lead id: mas_lead
    -- source record ids are Marketo lead ids as text) instead of attributing every activity and
    -- filtering afterwards. Each branch reads staging itself: a CTE read more than once is
    -- materialized whole (DuckDB), which would copy every activity again.
    activities_to_attribute as (
        select * from {{ ref('stg_marketo__activities') }} as activities
        where activities.synced_at >= {{ cutoff }}

        union all

        select * from {{ ref('stg_marketo__activities') }} as activities
        where
            activities.activity_id is null
            and not coalesce(activities.synced_at >= {{ cutoff }}, false)

        union all

        select * from {{ ref('stg_marketo__activities') }} as activities
        where
            activities.lead_id in (
                select cast(leads_to_attribute.source_record_id as {{ dbt.type_bigint() }})
                from leads_to_attribute
            )
            and cast(activities.lead_id as {{ dbt.type_string() }}) in (
                select leads_to_attribute.source_record_id from leads_to_attribute
            )
            and activities.activity_id is not null
            and not coalesce(activities.synced_at >= {{ cutoff }}, false)
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
    {% if is_incremental() %}
        from activities_to_attribute as activities
    {% else %}
        from activities
    {% endif %}
    inner join persons
        on cast(activities.lead_id as {{ dbt.type_string() }}) = persons.source_record_id
)

select * from final
order by activity_type
