{{ config(
    materialized="incremental",
    incremental_strategy=revenue_funnel.reprocessing_strategy(),
    pre_hook="{{ revenue_funnel.delete_restaged_events(['status_stage_map']) }}",
) }}
{%- set agreements = revenue_funnel.agreements_version(["status_stage_map"]) -%}

{#- Every event that moves a person through the funnel, from every source system's conformed
    records, mapped to a stage by the status_stage_map agreement (source system, field, value):
    - the creation of each person record (a lead entering the funnel), except records another
      record converted into (a CRM contact made by converting its lead);
    - status changes (int_status_changes; changes of the verdict reason field are no events, and
      a value the agreement maps to no stage moves nobody); a conversion recorded without status
      history (status field `converted`) is an SQL entry;
    - the opportunity a person record converted into (or whose primary record it is): its
      creation, and its changes into a closed stage.
    Events carry the role word of their system (crm, mas: system_role_words) as source_system and
    in event_type, so published values stay the same whichever system plays the role; owners
    and CRM lead ids come only from the CRM of record.
    Incremental, by person record (the one ref only the pre-hook reads, int_record_landings, is
    declared above): the pre-hook (macros/incremental/stage_events.sql) removes the
    events of every record that landed again (int_record_landings; its opportunity too), moved
    to another person or is gone; a run then stages the records left without events. An edited
    status_stage_map (another agreements_version) restages everything. Score changes are not
    stage events: the score is audited separately. -#}
-- depends_on: {{ ref('int_record_landings') }}
with

records as (
    {{ revenue_funnel.stage_event_records() }}
),

status_map as (
    select * from {{ ref('status_stage_map') }}
    where stage_code is not null
),

status_changes as (
    select * from {{ ref('int_status_changes') }}
    where not is_reason_change
),

opportunities as (
    select * from {{ ref('int_opportunity_records') }}
),

opportunity_stage_changes as (
    select * from {{ ref('int_opportunity_stage_changes') }}
),

{% if is_incremental() %}
    staged_records as (
        select distinct record_key from {{ this }}
    ),
{% endif %}

-- On an incremental run, only the records without staged events (all of a record's events go
-- and come together).
records_to_stage as (
    select records.*
    from records
    {% if is_incremental() %}
        left join staged_records
            on records.record_key = staged_records.record_key
    {% endif %}
    {% if is_incremental() %}
        where staged_records.record_key is null
    {% endif %}
),

created as (
    select
        person_key,
        created_at as event_at,
        'lead' as stage_code,
        role_word as source_system,
        role_word || '_' || record_type || '_created' as event_type,
        record_id as source_record_id,
        status as status_value,
        case when is_crm_of_record then owner_id end as owner_id,
        case when is_crm_of_record then record_id else linked_lead_id end as crm_lead_id,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        synced_at,
        record_key
    from records_to_stage
    where not is_conversion_target
),

status_events as (
    select
        records_to_stage.person_key,
        status_changes.changed_at as event_at,
        case
            when status_changes.status_field = 'converted' then 'sql'
            else status_map.stage_code
        end as stage_code,
        records_to_stage.role_word as source_system,
        case
            when status_changes.status_field = 'converted'
                then records_to_stage.role_word || '_conversion'
            else records_to_stage.role_word || '_status_change'
        end as event_type,
        status_changes.status_change_id as source_record_id,
        status_changes.new_value as status_value,
        case when records_to_stage.is_crm_of_record then records_to_stage.owner_id end
            as owner_id,
        case when records_to_stage.is_crm_of_record then records_to_stage.record_id end
            as crm_lead_id,
        case
            when status_changes.status_field = 'converted'
                then records_to_stage.converted_opportunity_id
        end as opportunity_id,
        status_changes.synced_at,
        records_to_stage.record_key
    from status_changes
    inner join records_to_stage
        on
            status_changes.source_system = records_to_stage.source_system
            and status_changes.record_type = records_to_stage.record_type
            and status_changes.record_id = records_to_stage.record_id
    left join status_map
        on
            status_changes.source_system = status_map.system
            and status_changes.status_field = status_map.field
            and status_changes.new_value = status_map.status_value
    where
        status_changes.status_field = 'converted'
        or status_map.stage_code is not null
),

record_opportunities as (
    select
        records_to_stage.person_key,
        records_to_stage.record_key,
        records_to_stage.record_id,
        records_to_stage.role_word,
        record_opportunity_records.source_system,
        record_opportunity_records.opportunity_id,
        record_opportunity_records.created_at,
        record_opportunity_records.owner_id,
        record_opportunity_records.synced_at
    from records_to_stage
    {{ revenue_funnel.join_record_opportunities(
        'records_to_stage', 'opportunities', 'record_opportunity_records'
    ) }}
    where records_to_stage.is_crm_of_record
),

opportunity_created as (
    select
        person_key,
        created_at as event_at,
        'opportunity' as stage_code,
        role_word as source_system,
        'opportunity_created' as event_type,
        opportunity_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as status_value,
        owner_id,
        record_id as crm_lead_id,
        opportunity_id,
        synced_at,
        record_key
    from record_opportunities
),

opportunity_closed as (
    select
        record_opportunities.person_key,
        opportunity_stage_changes.changed_at as event_at,
        status_map.stage_code,
        record_opportunities.role_word as source_system,
        'opportunity_stage_change' as event_type,
        opportunity_stage_changes.stage_change_id as source_record_id,
        opportunity_stage_changes.stage_name as status_value,
        record_opportunities.owner_id,
        record_opportunities.record_id as crm_lead_id,
        record_opportunities.opportunity_id,
        opportunity_stage_changes.synced_at,
        record_opportunities.record_key
    from opportunity_stage_changes
    inner join record_opportunities
        on
            opportunity_stage_changes.source_system = record_opportunities.source_system
            and opportunity_stage_changes.opportunity_id = record_opportunities.opportunity_id
    inner join status_map
        on
            opportunity_stage_changes.source_system = status_map.system
            and opportunity_stage_changes.stage_field = status_map.field
            and opportunity_stage_changes.stage_name = status_map.status_value
    where status_map.stage_code in ('customer', 'lost')
),

unioned as (
    select * from created
    union all
    select * from status_events
    union all
    select * from opportunity_created
    union all
    select * from opportunity_closed
)

select
    person_key,
    event_at,
    stage_code,
    source_system,
    event_type,
    source_record_id,
    status_value,
    owner_id,
    crm_lead_id,
    opportunity_id,
    synced_at,
    cast('{{ agreements }}' as {{ dbt.type_string() }}) as agreements_version,
    record_key
from unioned
where event_at is not null
