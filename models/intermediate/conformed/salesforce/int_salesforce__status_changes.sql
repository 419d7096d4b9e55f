{#- Salesforce lead status changes in the conformed `status_changes` interface: the lead field
    history rows of the Status field and of the verdict reason field (var
    salesforce_lead_reason_field, is_reason_change), and a `converted` change for each lead
    converted with an opportunity whose history records no change into an SQL status (field
    history may not track Status: the conversion is then the only trace of the qualification). -#}
with

leads as (
    select * from {{ ref('stg_salesforce__leads') }}
),

lead_history as (
    select * from {{ ref('stg_salesforce__lead_history') }}
),

status_map as (
    select * from {{ ref('status_stage_map') }}
    where system = 'salesforce' and field = 'Status'
),

field_changes as (
    select
        'salesforce' as source_system,
        'lead' as record_type,
        cast(lead_id as {{ dbt.type_string() }}) as record_id,
        cast(lead_history_id as {{ dbt.type_string() }}) as status_change_id,
        changed_at,
        changed_field as status_field,
        old_value,
        new_value,
        cast(null as {{ dbt.type_string() }}) as reason,
        is_feedback_reason_change as is_reason_change,
        cast(changed_by_user_id as {{ dbt.type_string() }}) as changed_by_user_id,
        false as is_system_change,
        synced_at
    from lead_history
    where changed_field = 'Status' or is_feedback_reason_change
),

conversions as (
    select
        'salesforce' as source_system,
        'lead' as record_type,
        cast(leads.lead_id as {{ dbt.type_string() }}) as record_id,
        cast(leads.lead_id as {{ dbt.type_string() }}) as status_change_id,
        cast(leads.converted_date as {{ dbt.type_timestamp() }}) as changed_at,
        'converted' as status_field,
        cast(null as {{ dbt.type_string() }}) as old_value,
        leads.lead_status as new_value,
        cast(null as {{ dbt.type_string() }}) as reason,
        false as is_reason_change,
        cast(null as {{ dbt.type_string() }}) as changed_by_user_id,
        false as is_system_change,
        leads.synced_at
    from leads
    where
        leads.is_converted
        and leads.converted_opportunity_id is not null
        and not exists (
            select 1
            from lead_history
            inner join status_map
                on lead_history.new_value = status_map.status_value
            where
                lead_history.lead_id = leads.lead_id
                and lead_history.changed_field = 'Status'
                and status_map.stage_code = 'sql'
        )
)

select * from field_changes
union all
select * from conversions
