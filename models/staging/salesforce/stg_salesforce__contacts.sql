with

source as (
    {{ contract_source('salesforce', 'contact') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

renamed as (
    select
        -- ids
        id as contact_id,
        account_id,
        owner_id,

        -- strings
        {{ normalize_email('email') }} as email,
        first_name,
        last_name,
        title,
        phone,
        mailing_country as country,
        lead_source,

        -- timestamps
        created_date as created_at,
        last_modified_date as last_modified_at,
        _fivetran_synced as synced_at
    from latest
    where not ({{ is_deleted_row() }})
)

select * from renamed
