{#- HubSpot contacts in the conformed `person_records` interface: one row per live contact, and
    one per contact merged away into a live one. HubSpot removes the merged-away contact (its row
    is gone or deleted), but history, engagements and form submissions may still name its id:
    its row carries only merged_into_record_id (the contact it was merged into, one hop, as the
    survivor's hs_calculated_merged_vids or the merge audit records it), so the identity models
    send those references to the survivor. The Salesforce lead / contact ids HubSpot's Salesforce
    integration wrote are the linked ids. -#}
with

contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

merge_links as (
    select
        merged_contact_id,
        contact_id as surviving_contact_id,
        cast(null as {{ dbt.type_timestamp() }}) as merged_at,
        synced_at
    from {{ ref('stg_hubspot__contact_merges') }}

    union all

    select
        merged_contact_id,
        contact_id as surviving_contact_id,
        merged_at,
        synced_at
    from {{ ref('stg_hubspot__contact_merge_audit') }}
),

-- One survivor per merged-away contact: a live survivor first, then the latest merge.
ranked_merges as (
    select
        merge_links.merged_contact_id,
        merge_links.surviving_contact_id,
        merge_links.synced_at,
        row_number() over (
            partition by merge_links.merged_contact_id
            order by
                case when contacts.contact_id is not null then 0 else 1 end asc,
                merge_links.merged_at desc nulls last,
                merge_links.surviving_contact_id asc
        ) as merge_rank
    from merge_links
    left join contacts
        on merge_links.surviving_contact_id = contacts.contact_id
    where
        merge_links.merged_contact_id is not null
        and merge_links.merged_contact_id <> merge_links.surviving_contact_id
),

surviving_merges as (
    select
        merged_contact_id,
        surviving_contact_id,
        synced_at
    from ranked_merges
    where merge_rank = 1
),

live_records as (
    select
        'hubspot' as source_system,
        'contact' as record_type,
        cast(contacts.contact_id as {{ dbt.type_string() }}) as record_id,
        contacts.email,
        contacts.first_name,
        contacts.last_name,
        contacts.company,
        contacts.title,
        contacts.phone,
        contacts.country,
        contacts.industry,
        cast(null as {{ dbt.type_int() }}) as number_of_employees,
        contacts.employee_band,
        contacts.analytics_source as lead_source,
        contacts.lead_status as status,
        contacts.lifecycle_stage,
        cast(contacts.owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(contacts.company_id as {{ dbt.type_string() }}) as account_id,
        cast(contacts.hubspot_score as {{ dbt.type_int() }}) as lead_score,
        contacts.is_email_opted_out as is_unsubscribed,
        contacts.disqualification_reason as current_reason,
        cast(null as {{ dbt.type_string() }}) as converted_to_record_id,
        cast(null as {{ dbt.type_string() }}) as converted_account_id,
        cast(null as {{ dbt.type_string() }}) as converted_opportunity_id,
        cast(null as {{ dbt.type_timestamp() }}) as converted_at,
        false as is_converted,
        cast(contacts.salesforce_lead_id as {{ dbt.type_string() }}) as linked_lead_id,
        cast(contacts.salesforce_contact_id as {{ dbt.type_string() }}) as linked_contact_id,
        cast(surviving_merges.surviving_contact_id as {{ dbt.type_string() }})
            as merged_into_record_id,
        surviving_merges.surviving_contact_id is not null as is_merged_away,
        contacts.created_at,
        contacts.last_modified_at as updated_at,
        contacts.synced_at
    from contacts
    left join surviving_merges
        on contacts.contact_id = surviving_merges.merged_contact_id
),

merged_away_records as (
    select
        'hubspot' as source_system,
        'contact' as record_type,
        cast(surviving_merges.merged_contact_id as {{ dbt.type_string() }}) as record_id,
        cast(null as {{ dbt.type_string() }}) as email,
        cast(null as {{ dbt.type_string() }}) as first_name,
        cast(null as {{ dbt.type_string() }}) as last_name,
        cast(null as {{ dbt.type_string() }}) as company,
        cast(null as {{ dbt.type_string() }}) as title,
        cast(null as {{ dbt.type_string() }}) as phone,
        cast(null as {{ dbt.type_string() }}) as country,
        cast(null as {{ dbt.type_string() }}) as industry,
        cast(null as {{ dbt.type_int() }}) as number_of_employees,
        cast(null as {{ dbt.type_string() }}) as employee_band,
        cast(null as {{ dbt.type_string() }}) as lead_source,
        cast(null as {{ dbt.type_string() }}) as status,
        cast(null as {{ dbt.type_string() }}) as lifecycle_stage,
        cast(null as {{ dbt.type_string() }}) as owner_id,
        cast(null as {{ dbt.type_string() }}) as account_id,
        cast(null as {{ dbt.type_int() }}) as lead_score,
        cast(null as {{ dbt.type_boolean() }}) as is_unsubscribed,
        cast(null as {{ dbt.type_string() }}) as current_reason,
        cast(null as {{ dbt.type_string() }}) as converted_to_record_id,
        cast(null as {{ dbt.type_string() }}) as converted_account_id,
        cast(null as {{ dbt.type_string() }}) as converted_opportunity_id,
        cast(null as {{ dbt.type_timestamp() }}) as converted_at,
        false as is_converted,
        cast(null as {{ dbt.type_string() }}) as linked_lead_id,
        cast(null as {{ dbt.type_string() }}) as linked_contact_id,
        cast(surviving_merges.surviving_contact_id as {{ dbt.type_string() }})
            as merged_into_record_id,
        true as is_merged_away,
        cast(null as {{ dbt.type_timestamp() }}) as created_at,
        cast(null as {{ dbt.type_timestamp() }}) as updated_at,
        surviving_merges.synced_at
    from surviving_merges
    left join contacts
        on surviving_merges.merged_contact_id = contacts.contact_id
    where contacts.contact_id is null
)

select * from live_records
union all
select * from merged_away_records
