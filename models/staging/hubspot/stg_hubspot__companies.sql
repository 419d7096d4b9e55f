with

source as (
    {{ contract_source('hubspot', 'company') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

renamed as (
    select
        -- ids
        id as company_id,
        property_hubspot_owner_id as owner_id,

        -- strings
        property_name as company_name,
        lower(trim(property_domain)) as company_domain,
        property_industry as industry,
        property_country as country,

        -- numerics
        property_numberofemployees as number_of_employees,
        property_annualrevenue as annual_revenue,

        -- timestamps
        property_createdate as created_at,
        property_hs_lastmodifieddate as last_modified_at,
        _fivetran_synced as synced_at
    from latest
    where not ({{ is_deleted_row() }})
)

select * from renamed
