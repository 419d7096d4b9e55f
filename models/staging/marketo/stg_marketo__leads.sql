with

source as (
    {{ contract_source('marketo', 'lead') }}
),

deletions as (
    {{ contract_source('marketo', 'activity_delete_lead') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

deleted_leads as (
    select distinct lead_id
    from deletions
    where not ({{ is_deleted_row(has_is_deleted=false) }})
),

renamed as (
    select
        -- ids
        latest.id as lead_id,
        latest.sfdc_lead_id as crm_lead_id,
        latest.sfdc_contact_id as crm_contact_id,
        latest.sfdc_account_id as crm_account_id,

        -- strings
        {{ normalize_email('latest.email') }} as email,
        latest.first_name,
        latest.last_name,
        latest.company,
        latest.title,
        latest.country,
        latest.industry,
        latest.lead_source,
        latest.lead_status,
        latest.sfdc_type as crm_sync_type,

        -- numerics
        latest.number_of_employees,
        latest.lead_score,

        -- booleans
        coalesce(latest.unsubscribed, false) as is_unsubscribed,

        -- timestamps
        latest.created_at,
        latest.updated_at,
        latest._fivetran_synced as synced_at
    from latest
    left join deleted_leads
        on latest.id = deleted_leads.lead_id
    where
        deleted_leads.lead_id is null
        and not ({{ is_deleted_row(has_is_deleted=false) }})
)

select * from renamed
