{#- Marketo leads in the conformed `person_records` interface: one row per live lead, merged-away
    leads included (merged_into_record_id: the lead a merge folded it into, one hop; merges chain
    and int_person_records_merged follows them). The CRM lead / contact / account ids the CRM sync
    wrote are the linked ids. -#}
with

leads as (
    select * from {{ ref('stg_marketo__leads') }}
),

-- A lead merged more than once (a merge re-synced) folds into its latest survivor.
latest_merges as (
    select
        merged_lead_id,
        lead_id as surviving_lead_id,
        row_number() over (
            partition by merged_lead_id
            order by merged_at desc, merge_activity_id desc
        ) as merge_rank
    from {{ ref('stg_marketo__lead_merges') }}
),

final as (
    select
        'marketo' as source_system,
        'lead' as record_type,
        cast(leads.lead_id as {{ dbt.type_string() }}) as record_id,
        leads.email,
        leads.first_name,
        leads.last_name,
        leads.company,
        leads.title,
        cast(null as {{ dbt.type_string() }}) as phone,
        leads.country,
        leads.industry,
        cast(leads.number_of_employees as {{ dbt.type_int() }}) as number_of_employees,
        cast(null as {{ dbt.type_string() }}) as employee_band,
        leads.lead_source,
        leads.lead_status as status,
        cast(null as {{ dbt.type_string() }}) as lifecycle_stage,
        cast(null as {{ dbt.type_string() }}) as owner_id,
        cast(leads.crm_account_id as {{ dbt.type_string() }}) as account_id,
        cast(leads.lead_score as {{ dbt.type_int() }}) as lead_score,
        leads.is_unsubscribed,
        cast(null as {{ dbt.type_string() }}) as current_reason,
        cast(null as {{ dbt.type_string() }}) as converted_to_record_id,
        cast(null as {{ dbt.type_string() }}) as converted_account_id,
        cast(null as {{ dbt.type_string() }}) as converted_opportunity_id,
        cast(null as {{ dbt.type_timestamp() }}) as converted_at,
        false as is_converted,
        cast(leads.crm_lead_id as {{ dbt.type_string() }}) as linked_lead_id,
        cast(leads.crm_contact_id as {{ dbt.type_string() }}) as linked_contact_id,
        cast(latest_merges.surviving_lead_id as {{ dbt.type_string() }}) as merged_into_record_id,
        coalesce(latest_merges.surviving_lead_id is not null, false) as is_merged_away,
        leads.created_at,
        leads.updated_at,
        leads.synced_at
    from leads
    left join latest_merges
        on
            leads.lead_id = latest_merges.merged_lead_id
            and latest_merges.merge_rank = 1
)

select * from final
