with

source as (
    {{ contract_source('hubspot', 'contact_merge_audit') }}
),

latest as (
    {{ deduplicate_latest('source', ['contact_id', 'vid_to_merge']) }}
),

renamed as (
    select
        -- ids
        contact_id,
        canonical_vid as canonical_contact_id,
        vid_to_merge as merged_contact_id,
        user_id as merged_by_user_id,

        -- timestamps
        timestamp as merged_at,
        _fivetran_synced as synced_at
    from latest
)

select * from renamed
