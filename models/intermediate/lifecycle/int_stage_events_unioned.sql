{{ config(
    materialized="incremental",
    incremental_strategy=revenue_funnel.reprocessing_strategy(),
    pre_hook="{{ revenue_funnel.delete_restaged_events(['status_stage_map']) }}",
) }}
{%- set agreements = revenue_funnel.agreements_version(["status_stage_map"]) -%}
{#- The pre-hook finds the CRM records that changed in these raw tables. -#}
{%- for table_name in ["lead", "lead_history", "opportunity", "opportunity_history"] -%}
    {%- do source("salesforce", table_name) -%}
{%- endfor %}

{#- Every event that moves a person through the funnel, from both systems, mapped to a stage by
    the status_stage_map agreement: record creation (Lead), CRM and MAS lead status changes,
    conversions without status history, the converted opportunity's creation and its close.
    Score changes are not stage events: the score is audited separately.
    Incremental, by source record: the pre-hook (macros/incremental/stage_events.sql) removes the
    events of every CRM lead, Marketo lead and status activity that changed, moved to another
    person or is gone; a run then stages the records left without events. An edited
    status_stage_map (another agreements_version) restages everything. -#}
with

persons as (
    select * from {{ ref('int_persons_resolved') }}
),

status_map as (
    select * from {{ ref('status_stage_map') }}
),

crm_leads as (
    select * from {{ ref('stg_salesforce__leads') }}
),

lead_history as (
    select * from {{ ref('stg_salesforce__lead_history') }}
),

mas_leads as (
    select * from {{ ref('stg_marketo__leads') }}
),

activities as (
    select * from {{ ref('int_marketo_activities_attributed') }}
),

opportunities as (
    select * from {{ ref('stg_salesforce__opportunities') }}
),

opportunity_history as (
    select * from {{ ref('stg_salesforce__opportunity_history') }}
),

{% if is_incremental() %}
    staged_crm_leads as (
        select distinct crm_lead_id from {{ this }}
        where source_system = 'crm'
    ),

    staged_mas_leads as (
        select source_record_id from {{ this }}
        where event_type = 'mas_lead_created'
    ),

    staged_status_activities as (
        select source_record_id from {{ this }}
        where event_type = 'mas_status_change'
    ),
{% endif %}

-- On an incremental run, only the records without staged events (all of a CRM lead's events
-- come through crm_person, a Marketo lead's creation through mas_person).
crm_person as (
    select
        persons.source_record_id as lead_id,
        persons.person_key
    from persons
    {% if is_incremental() %}
        left join staged_crm_leads
            on persons.source_record_id = staged_crm_leads.crm_lead_id
    {% endif %}
    where
        persons.source_system = 'crm_lead'
    {% if is_incremental() %}
        and staged_crm_leads.crm_lead_id is null
    {% endif %}
),

mas_person as (
    select
        persons.source_record_id as mas_lead_id,
        persons.person_key
    from persons
    {% if is_incremental() %}
        left join staged_mas_leads
            on persons.source_record_id = staged_mas_leads.source_record_id
    {% endif %}
    where
        persons.source_system = 'mas_lead'
    {% if is_incremental() %}
        and staged_mas_leads.source_record_id is null
    {% endif %}
),

crm_created as (
    select
        crm_person.person_key,
        crm_leads.created_at as event_at,
        'lead' as stage_code,
        'crm' as source_system,
        'crm_lead_created' as event_type,
        crm_leads.lead_id as source_record_id,
        crm_leads.lead_status as status_value,
        crm_leads.owner_id,
        crm_leads.lead_id as crm_lead_id,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        crm_leads.synced_at
    from crm_leads
    inner join crm_person
        on crm_leads.lead_id = crm_person.lead_id
),

mas_created as (
    select
        mas_person.person_key,
        mas_leads.created_at as event_at,
        'lead' as stage_code,
        'mas' as source_system,
        'mas_lead_created' as event_type,
        cast(mas_leads.lead_id as {{ dbt.type_string() }}) as source_record_id,
        mas_leads.lead_status as status_value,
        cast(null as {{ dbt.type_string() }}) as owner_id,
        mas_leads.crm_lead_id,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        mas_leads.synced_at
    from mas_leads
    inner join mas_person
        on cast(mas_leads.lead_id as {{ dbt.type_string() }}) = mas_person.mas_lead_id
),

crm_status_changes as (
    select
        crm_person.person_key,
        lead_history.changed_at as event_at,
        status_map.stage_code,
        'crm' as source_system,
        'crm_status_change' as event_type,
        lead_history.lead_history_id as source_record_id,
        lead_history.new_value as status_value,
        crm_leads.owner_id,
        lead_history.lead_id as crm_lead_id,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        lead_history.synced_at
    from lead_history
    inner join crm_person
        on lead_history.lead_id = crm_person.lead_id
    inner join status_map
        on
            status_map.system = 'crm'
            and status_map.field = 'Status'
            and lead_history.new_value = status_map.status_value
    left join crm_leads
        on lead_history.lead_id = crm_leads.lead_id
    where lead_history.changed_field = 'Status'
),

mas_status_changes as (
    select
        activities.person_key,
        activities.activity_at as event_at,
        status_map.stage_code,
        'mas' as source_system,
        'mas_status_change' as event_type,
        cast(activities.activity_id as {{ dbt.type_string() }}) as source_record_id,
        activities.new_value as status_value,
        cast(null as {{ dbt.type_string() }}) as owner_id,
        cast(null as {{ dbt.type_string() }}) as crm_lead_id,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        activities.synced_at
    from activities
    {% if is_incremental() %}
        left join staged_status_activities
            on
                cast(activities.activity_id as {{ dbt.type_string() }})
                = staged_status_activities.source_record_id
    {% endif %}
    inner join status_map
        on
            status_map.system = 'mas'
            and status_map.field = 'Lead Status'
            and activities.new_value = status_map.status_value
    where
        activities.activity_type = 'change_data_value'
        and activities.primary_attribute_value = 'Lead Status'
    {% if is_incremental() %}
        and staged_status_activities.source_record_id is null
    {% endif %}
),

-- A conversion counts as SQL even where field history doesn't track the status.
conversions_without_history as (
    select
        crm_person.person_key,
        cast(crm_leads.converted_date as {{ dbt.type_timestamp() }}) as event_at,
        'sql' as stage_code,
        'crm' as source_system,
        'crm_conversion' as event_type,
        crm_leads.lead_id as source_record_id,
        crm_leads.lead_status as status_value,
        crm_leads.owner_id,
        crm_leads.lead_id as crm_lead_id,
        crm_leads.converted_opportunity_id as opportunity_id,
        crm_leads.synced_at
    from crm_leads
    inner join crm_person
        on crm_leads.lead_id = crm_person.lead_id
    where
        crm_leads.is_converted
        and crm_leads.converted_opportunity_id is not null
        and not exists (
            select 1
            from crm_status_changes
            where
                crm_status_changes.crm_lead_id = crm_leads.lead_id
                and crm_status_changes.stage_code = 'sql'
        )
),

converted_opportunities as (
    select
        crm_person.person_key,
        crm_leads.lead_id as crm_lead_id,
        opportunities.opportunity_id,
        opportunities.created_at,
        opportunities.owner_id,
        opportunities.synced_at
    from crm_leads
    inner join crm_person
        on crm_leads.lead_id = crm_person.lead_id
    inner join opportunities
        on crm_leads.converted_opportunity_id = opportunities.opportunity_id
),

opportunity_created as (
    select
        person_key,
        created_at as event_at,
        'opportunity' as stage_code,
        'crm' as source_system,
        'opportunity_created' as event_type,
        opportunity_id as source_record_id,
        cast(null as {{ dbt.type_string() }}) as status_value,
        owner_id,
        crm_lead_id,
        opportunity_id,
        synced_at
    from converted_opportunities
),

opportunity_closed as (
    select
        converted_opportunities.person_key,
        opportunity_history.changed_at as event_at,
        status_map.stage_code,
        'crm' as source_system,
        'opportunity_stage_change' as event_type,
        opportunity_history.opportunity_history_id as source_record_id,
        opportunity_history.stage_name as status_value,
        converted_opportunities.owner_id,
        converted_opportunities.crm_lead_id,
        converted_opportunities.opportunity_id,
        opportunity_history.synced_at
    from opportunity_history
    inner join converted_opportunities
        on opportunity_history.opportunity_id = converted_opportunities.opportunity_id
    inner join status_map
        on
            status_map.system = 'crm_opportunity'
            and opportunity_history.stage_name = status_map.status_value
    where status_map.stage_code in ('customer', 'lost')
),

unioned as (
    select * from crm_created
    union all
    select * from mas_created
    union all
    select * from crm_status_changes
    union all
    select * from mas_status_changes
    union all
    select * from conversions_without_history
    union all
    select * from opportunity_created
    union all
    select * from opportunity_closed
)

select
    *,
    cast('{{ agreements }}' as {{ dbt.type_string() }}) as agreements_version
from unioned
where event_at is not null
