{#- Marketo lead status changes in the conformed `status_changes` interface: the change_data_value
    activities of the `Lead Status` field, with the reason Marketo records (e.g. "Synced from
    CRM", which marks a change the CRM sync made). -#}
with

activities as (
    select * from {{ ref('stg_marketo__activities') }}
    where
        activity_type = 'change_data_value'
        and primary_attribute_value = 'Lead Status'
),

final as (
    select
        'marketo' as source_system,
        'lead' as record_type,
        cast(lead_id as {{ dbt.type_string() }}) as record_id,
        cast(activity_id as {{ dbt.type_string() }}) as status_change_id,
        activity_at as changed_at,
        primary_attribute_value as status_field,
        old_value,
        new_value,
        reason,
        false as is_reason_change,
        cast(null as {{ dbt.type_string() }}) as changed_by_user_id,
        coalesce(reason = 'Synced from CRM', false) as is_system_change,
        synced_at
    from activities
)

select * from final
