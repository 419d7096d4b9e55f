with

source as (
    {{ contract_source('salesforce', 'lead') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

renamed as (
    select
        -- ids
        id as lead_id,
        owner_id,
        converted_account_id,
        converted_contact_id,
        converted_opportunity_id,

        -- strings
        {{ normalize_email('email') }} as email,
        first_name,
        last_name,
        company,
        title,
        phone,
        country,
        industry,
        lead_source,
        status as lead_status,
        disqualification_reason_c as disqualification_reason,
        rating,

        -- numerics
        number_of_employees,
        annual_revenue,

        -- booleans
        coalesce(is_converted, false) as is_converted,

        -- dates and timestamps
        converted_date,
        created_date as created_at,
        last_modified_date as last_modified_at,
        _fivetran_synced as synced_at
    from latest
    where not ({{ is_deleted_row() }})
)

select * from renamed
