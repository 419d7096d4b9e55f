{#- One row per lead merged away: `merge_ids` (`[12]`, `[12,13]`) lists the leads the merge
    folded into the surviving `lead_id`. Merges chain; int_person_records_merged follows them. -#}
with

source as (
    {{ contract_source('marketo', 'activity_merge_leads') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
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
        {{ dbt.safe_cast("trim(merged_lead_id_text)", dbt.type_bigint()) }} as merged_lead_id,
        lead_id,
        id as merge_activity_id,

        -- booleans
        coalesce(master_updated, false) as is_master_updated,

        -- timestamps
        activity_date as merged_at
    from merged_ids
    where trim(merged_lead_id_text) <> ''
)

select * from renamed
