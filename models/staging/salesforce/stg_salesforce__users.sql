with

source as (
    {{ contract_source('salesforce', 'user') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

renamed as (
    select
        -- ids
        id as user_id,
        user_role_id,
        manager_id,

        -- strings
        name as user_name,
        {{ normalize_email('email') }} as email,
        department,
        title,
        time_zone_sid_key as time_zone,

        -- booleans
        coalesce(is_active, true) as is_active,

        -- timestamps
        created_date as created_at,
        _fivetran_synced as synced_at
    from latest
    where not ({{ is_deleted_row() }})
)

select * from renamed
