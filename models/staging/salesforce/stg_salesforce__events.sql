with

source as (
    {{ contract_source('salesforce', 'event') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

renamed as (
    select
        -- ids
        id as event_id,
        who_id,
        {{ who_type('who_id') }} as who_type,
        what_id,
        account_id,
        owner_id,

        -- strings
        subject,
        type as event_type,

        -- dates and timestamps
        coalesce(activity_date, cast(coalesce(start_date_time, activity_date_time) as date))
            as activity_date,
        coalesce(start_date_time, activity_date_time) as started_at,
        end_date_time as ended_at,
        created_date as created_at,
        _fivetran_synced as synced_at
    from latest
    where not ({{ is_deleted_row() }})
)

select * from renamed
