{{ config(
    materialized="incremental",
    incremental_strategy=revenue_funnel.reprocessing_strategy(),
    on_schema_change="append_new_columns",
    pre_hook="{{ revenue_funnel.delete_reattributed_marketing_activities() }}",
    partition_by=(["activity_type"] if target.type == "spark" else none),
) }}

{#- Every conformed marketing activity (int_marketing_activities, of every system) with the person
    it belongs to, merged-away records' activities included: the one place activities meet
    identity, for stage events, scoring, content, attribution and handoff context. A record is
    known to identity resolution as `<role word>_<record type>` (system_role_words).
    Incremental, and exact although identity can change retroactively: the pre-hook
    (macros/incremental/marketing_activities_attributed.sql) removes rows whose activity version
    is no longer the current one or whose record now belongs to another person (or none); a run
    then adds the activities landed since the cutoff and every activity of the records left
    without rows. -#}
with

role_words as (
    {{ revenue_funnel.system_role_words(ref('int_source_system_roles')) }}
),

persons as (
    select
        person_key,
        source_system as record_kind,
        source_record_id
    from {{ ref('int_persons_resolved') }}
),

{% if is_incremental() %}
    {%- set cutoff = revenue_funnel.incremental_cutoff("synced_at") %}
    attributed_records as (
        select distinct
            role_words.role_word || '_' || attributed.record_type as record_kind,
            attributed.record_id
        from {{ this }} as attributed
        inner join role_words
            on attributed.source_system = role_words.source_system
    ),

    records_to_attribute as (
        select
            persons.record_kind,
            persons.source_record_id
        from persons
        left join attributed_records
            on
                persons.record_kind = attributed_records.record_kind
                and persons.source_record_id = attributed_records.record_id
        where attributed_records.record_id is null
    ),

    -- The activities synced within the window, any without an id, and every activity of the
    -- records without rows: three disjoint branches rather than one filter with `or`, so each
    -- reads the conformed activities through a filter on one column.
    activities_to_attribute as (
        select * from {{ ref('int_marketing_activities') }} as activities
        where activities.synced_at >= {{ cutoff }}

        union all

        select * from {{ ref('int_marketing_activities') }} as activities
        where
            activities.activity_id is null
            and not coalesce(activities.synced_at >= {{ cutoff }}, false)

        union all

        select activities.*
        from {{ ref('int_marketing_activities') }} as activities
        inner join role_words
            on activities.source_system = role_words.source_system
        where
            activities.record_id in (
                select records_to_attribute.source_record_id from records_to_attribute
            )
            and exists (
                select 1
                from records_to_attribute
                where
                    records_to_attribute.record_kind
                    = role_words.role_word || '_' || activities.record_type
                    and records_to_attribute.source_record_id = activities.record_id
            )
            and activities.activity_id is not null
            and not coalesce(activities.synced_at >= {{ cutoff }}, false)
    ),
{% endif %}

final as (
    select
        persons.person_key,
        activities.source_system,
        activities.activity_id,
        activities.record_type,
        activities.record_id,
        activities.activity_type,
        activities.source_activity_type,
        activities.campaign_id,
        activities.program_id,
        activities.campaign_run_id,
        activities.asset_id,
        activities.asset_name,
        activities.url,
        activities.score_change,
        activities.old_value,
        activities.new_value,
        activities.is_success,
        activities.activity_at,
        activities.synced_at
    {% if is_incremental() %}
        from activities_to_attribute as activities
    {% else %}
        from {{ ref('int_marketing_activities') }} as activities
    {% endif %}
    inner join role_words
        on activities.source_system = role_words.source_system
    inner join persons
        on
            role_words.role_word || '_' || activities.record_type = persons.record_kind
            and activities.record_id = persons.source_record_id
)

select * from final
order by activity_type
