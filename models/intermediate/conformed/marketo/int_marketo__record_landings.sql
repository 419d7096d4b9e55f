{#- Marketo raw rows landed per record (deleted ones included) in the conformed
    `record_landings` interface. -#}
with

landings as (
    select * from {{ ref('stg_marketo__record_landings') }}
),

final as (
    select
        'marketo' as source_system,
        record_type,
        cast(record_id as {{ dbt.type_string() }}) as record_id,
        is_deleted,
        synced_at
    from landings
)

select * from final
