{#- Salesforce marketing activities in the conformed `marketing_activities` interface: one row per
    campaign member, on the contact it names (else its lead). A member that responded is a
    `campaign_response` (is_success) when it responded: the later of its creation and its
    first-responded day; the others a `campaign_membership` (added to a campaign's audience) when
    it joined the campaign. Campaign members record no value changes (old_value, new_value). -#}
with

campaign_members as (
    select * from {{ ref('stg_salesforce__campaign_members') }}
),

final as (
    select
        'salesforce' as source_system,
        cast(campaign_member_id as {{ dbt.type_string() }}) as activity_id,
        case when contact_id is not null then 'contact' else 'lead' end as record_type,
        cast(coalesce(contact_id, lead_id) as {{ dbt.type_string() }}) as record_id,
        case
            when has_responded then 'campaign_response' else 'campaign_membership'
        end as activity_type,
        'CampaignMember' as source_activity_type,
        cast(campaign_id as {{ dbt.type_string() }}) as campaign_id,
        cast(null as {{ dbt.type_string() }}) as program_id,
        cast(null as {{ dbt.type_string() }}) as campaign_run_id,
        cast(null as {{ dbt.type_string() }}) as asset_id,
        member_status as asset_name,
        cast(null as {{ dbt.type_string() }}) as url,
        cast(null as {{ dbt.type_int() }}) as score_change,
        cast(null as {{ dbt.type_string() }}) as old_value,
        cast(null as {{ dbt.type_string() }}) as new_value,
        has_responded as is_success,
        -- A response happens no earlier than the membership, nor before the day recorded.
        case
            when
                has_responded
                and first_responded_date is not null
                and cast(first_responded_date as {{ dbt.type_timestamp() }}) > created_at
                then cast(first_responded_date as {{ dbt.type_timestamp() }})
            else created_at
        end as activity_at,
        synced_at
    from campaign_members
)

select * from final
