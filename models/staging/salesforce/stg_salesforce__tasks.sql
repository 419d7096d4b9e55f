with

source as (
    {{ contract_source('salesforce', 'task') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

renamed as (
    select
        -- ids
        id as task_id,
        who_id,
        {{ who_type('who_id') }} as who_type,
        what_id,
        account_id,
        owner_id,

        -- strings
        subject,
        type as task_type,
        task_subtype,
        status as task_status,

        -- booleans
        coalesce(is_closed, false) as is_closed,

        -- dates and timestamps
        activity_date as due_date,
        created_date as created_at,
        completed_date_time as completed_at,
        _fivetran_synced as synced_at
    from latest
    where not ({{ is_deleted_row() }})
)

select * from renamed
