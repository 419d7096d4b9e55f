{#- Every raw row landed for a contact or a deal, deleted rows included (a deletion is a landing
    too): the contact, its property history and its merges (of the survivor and of the contact
    merged away) as the contact's landings; the deal, its property history and its contact
    associations as the deal's (record type `opportunity`, as the conformed layer names deals).
    Incremental models read it to find the records that changed since their cutoff. -#}
with

contacts as (
    {{ contract_source('hubspot', 'contact') }}
),

contact_property_history as (
    {{ contract_source('hubspot', 'contact_property_history') }}
),

contact_merge_audit as (
    {{ contract_source('hubspot', 'contact_merge_audit') }}
),

deals as (
    {{ contract_source('hubspot', 'deal') }}
),

deal_property_history as (
    {{ contract_source('hubspot', 'deal_property_history') }}
),

deal_contacts as (
    {{ contract_source('hubspot', 'deal_contact') }}
),

landings as (
    select
        'contact' as record_type,
        id as record_id,
        {{ is_deleted_row(has_is_deleted=false) }} as is_deleted,
        _fivetran_synced as synced_at
    from contacts

    union all

    select
        'contact' as record_type,
        contact_id as record_id,
        false as is_deleted,
        _fivetran_synced as synced_at
    from contact_property_history

    union all

    select
        'contact' as record_type,
        contact_id as record_id,
        false as is_deleted,
        _fivetran_synced as synced_at
    from contact_merge_audit

    union all

    select
        'contact' as record_type,
        vid_to_merge as record_id,
        false as is_deleted,
        _fivetran_synced as synced_at
    from contact_merge_audit

    union all

    select
        'opportunity' as record_type,
        deal_id as record_id,
        {{ is_deleted_row() }} as is_deleted,
        _fivetran_synced as synced_at
    from deals

    union all

    select
        'opportunity' as record_type,
        deal_id as record_id,
        false as is_deleted,
        _fivetran_synced as synced_at
    from deal_property_history

    union all

    select
        'opportunity' as record_type,
        deal_id as record_id,
        false as is_deleted,
        _fivetran_synced as synced_at
    from deal_contacts
)

select * from landings
