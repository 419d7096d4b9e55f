with

source as (
    {{ contract_source('hubspot', 'team_user') }}
),

latest as (
    {{ deduplicate_latest('source', ['team_id', 'user_id']) }}
),

renamed as (
    select
        -- ids
        team_id,
        user_id,

        -- booleans
        coalesce(is_primary, false) as is_primary,

        -- timestamps
        _fivetran_synced as synced_at
    from latest
)

select * from renamed
