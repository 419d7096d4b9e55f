with

source as (
    {{ contract_source('hubspot', 'contact_form_submission') }}
),

latest as (
    {{ deduplicate_latest('source', ['conversion_id']) }}
),

renamed as (
    select
        -- ids
        conversion_id,
        -- Landed as text by the connector; a contact id everywhere else.
        {{ dbt.safe_cast('trim(contact_id)', dbt.type_bigint()) }} as contact_id,
        form_id,
        page_id,

        -- strings
        page_url,
        title as page_title,

        -- timestamps
        timestamp as submitted_at,
        _fivetran_synced as synced_at
    from latest
)

select * from renamed
