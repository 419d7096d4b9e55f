with

source as (
    {{ contract_source('salesforce', 'lead_history') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

renamed as (
    select
        -- ids
        id as lead_history_id,
        lead_id,
        created_by_id as changed_by_user_id,

        -- strings
        field as changed_field,
        old_value,
        new_value,

        -- booleans
        field = '{{ var("salesforce_lead_reason_field") }}' as is_feedback_reason_change,

        -- timestamps
        created_date as changed_at,
        _fivetran_synced as synced_at
    from latest
    where not ({{ is_deleted_row() }})
)

select * from renamed
