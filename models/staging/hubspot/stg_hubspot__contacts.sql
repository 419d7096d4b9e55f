with

source as (
    {{ contract_source('hubspot', 'contact') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

renamed as (
    select
        -- ids
        id as contact_id,
        property_hubspot_owner_id as owner_id,
        property_associatedcompanyid as company_id,
        nullif(trim(property_salesforceleadid), '') as salesforce_lead_id,
        nullif(trim(property_salesforcecontactid), '') as salesforce_contact_id,

        -- strings
        {{ normalize_email('property_email') }} as email,
        property_firstname as first_name,
        property_lastname as last_name,
        property_company as company,
        property_jobtitle as title,
        property_phone as phone,
        property_country as country,
        property_industry as industry,
        property_numemployees as employee_band,
        nullif(trim(property_lifecyclestage), '') as lifecycle_stage,
        nullif(trim(property_hs_lead_status), '') as lead_status,
        property_hs_analytics_source as analytics_source,
        property_disqualification_reason as disqualification_reason,

        -- numerics
        property_hubspotscore as hubspot_score,

        -- booleans
        coalesce(property_hs_email_optout, false) as is_email_opted_out,

        -- timestamps
        property_createdate as created_at,
        property_lastmodifieddate as last_modified_at,
        _fivetran_synced as synced_at
    from latest
    where not ({{ is_deleted_row(has_is_deleted=false) }})
)

select * from renamed
