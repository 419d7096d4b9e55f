{#- HubSpot raw rows landed per contact and per deal (deleted ones included) in the conformed
    `record_landings` interface. -#}
with

landings as (
    select * from {{ ref('stg_hubspot__record_landings') }}
),

final as (
    select
        'hubspot' as source_system,
        record_type,
        cast(record_id as {{ dbt.type_string() }}) as record_id,
        is_deleted,
        synced_at
    from landings
)

select * from final
