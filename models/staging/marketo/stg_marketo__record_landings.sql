{#- Every raw row landed for a lead, deleted rows included (a deletion is a landing too): the
    lead itself and its Lead Status change activities (change_data_value). Incremental models
    read it to find the records that changed since their cutoff. -#}
with

leads as (
    {{ contract_source('marketo', 'lead') }}
),

data_value_changes as (
    {{ contract_source('marketo', 'activity_change_data_value') }}
),

landings as (
    select
        'lead' as record_type,
        id as record_id,
        {{ is_deleted_row(has_is_deleted=false) }} as is_deleted,
        _fivetran_synced as synced_at
    from leads

    union all

    select
        'lead' as record_type,
        lead_id as record_id,
        {{ is_deleted_row(has_is_deleted=false) }} as is_deleted,
        _fivetran_synced as synced_at
    from data_value_changes
)

select * from landings
