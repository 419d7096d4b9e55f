{#- Every raw row landed for a lead or an opportunity, deleted rows included (a deletion is a
    landing too): the lead and its field history rows as the lead's landings, the opportunity and
    its history rows as the opportunity's. Incremental models read it to find the records that
    changed since their cutoff. -#}
with

leads as (
    {{ contract_source('salesforce', 'lead') }}
),

lead_history as (
    {{ contract_source('salesforce', 'lead_history') }}
),

opportunities as (
    {{ contract_source('salesforce', 'opportunity') }}
),

opportunity_history as (
    {{ contract_source('salesforce', 'opportunity_history') }}
),

landings as (
    select
        'lead' as record_type,
        id as record_id,
        {{ is_deleted_row() }} as is_deleted,
        _fivetran_synced as synced_at
    from leads

    union all

    select
        'lead' as record_type,
        lead_id as record_id,
        {{ is_deleted_row() }} as is_deleted,
        _fivetran_synced as synced_at
    from lead_history

    union all

    select
        'opportunity' as record_type,
        id as record_id,
        {{ is_deleted_row() }} as is_deleted,
        _fivetran_synced as synced_at
    from opportunities

    union all

    select
        'opportunity' as record_type,
        opportunity_id as record_id,
        {{ is_deleted_row() }} as is_deleted,
        _fivetran_synced as synced_at
    from opportunity_history
)

select * from landings
