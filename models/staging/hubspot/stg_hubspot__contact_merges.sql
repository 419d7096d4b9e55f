{#- One row per contact merged into a live contact, read from the survivor's
    hs_calculated_merged_vids property: `<merged contact id>:<merged at, epoch ms>` pairs
    separated by ';'. The merged-away contact itself is gone from the contact table (or deleted). -#}
with

source as (
    {{ contract_source('hubspot', 'contact') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

live_contacts as (
    select
        id,
        property_hs_calculated_merged_vids,
        _fivetran_synced
    from latest
    where
        not ({{ is_deleted_row(has_is_deleted=false) }})
        and nullif(trim(property_hs_calculated_merged_vids), '') is not null
),

merged_items as (
    select
        id,
        _fivetran_synced,
        {{ split_list_items(
            "replace(property_hs_calculated_merged_vids, ';', ',')"
        ) }} as merge_item
    from live_contacts
),

renamed as (
    select
        -- ids
        id as contact_id,
        {{ dbt.safe_cast(
            "trim(" ~ dbt.split_part("trim(merge_item)", "':'", 1) ~ ")",
            dbt.type_bigint(),
        ) }} as merged_contact_id,

        -- timestamps
        _fivetran_synced as synced_at
    from merged_items
    where nullif(trim(merge_item), '') is not null
)

select * from renamed
