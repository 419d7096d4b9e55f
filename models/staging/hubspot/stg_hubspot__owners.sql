with

source as (
    {{ contract_source('hubspot', 'owner') }}
),

latest as (
    {{ deduplicate_latest('source', ['owner_id']) }}
),

renamed as (
    select
        -- ids
        owner_id,
        active_user_id as user_id,

        -- strings
        {{ normalize_email('email') }} as email,
        first_name,
        last_name,
        nullif(
            trim({{ dbt.concat(["coalesce(first_name, '')", "' '", "coalesce(last_name, '')"]) }}),
            ''
        ) as owner_name,
        upper(type) as owner_type,

        -- booleans
        coalesce(is_active, true) as is_active,

        -- timestamps
        created_at,
        updated_at,
        _fivetran_synced as synced_at
    from latest
)

select * from renamed
