{#- One row per lead merged away: `merge_ids` lists the losing lead ids, `lead_id` survives. -#}
with

source as (
    {{ contract_source('marketo', 'activity_merge_leads') }}
),

latest as (
    {{ latest_rows('source', ['id']) }}
),

merged_ids as (
    select
        id,
        lead_id,
        activity_date,
        master_updated,
        {{ split_list_items('merge_ids') }} as merged_lead_id_text
    from latest
    where not ({{ is_deleted_row(has_is_deleted=false) }})
),

renamed as (
    select
        -- ids
        id as merge_activity_id,
        {{ dbt.safe_cast("trim(merged_lead_id_text)", dbt.type_bigint()) }} as merged_lead_id,
        lead_id as surviving_lead_id,

        -- booleans
        coalesce(master_updated, false) as is_master_updated,

        -- timestamps
        activity_date as merged_at
    from merged_ids
    where trim(merged_lead_id_text) <> ''
)

select * from renamed
