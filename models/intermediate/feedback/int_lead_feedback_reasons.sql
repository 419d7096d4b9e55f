{#- One row per reason recorded on a person: sales' verdict in the CRM lead reason field
    (var salesforce_lead_reason_field) or the reason of a Marketo Lead Status change into a
    recycled or disqualified status, with the category the feedback_reasons agreement gives it.
    - crm: every field-history change of the reason field to a non-blank value; a lead without
      any history of that field (field history tracking off) gives its current reason instead,
      at the lead's last modification.
    - mas: Lead Status changes into a status status_stage_map maps to recycled or disqualified
      that carry a non-blank reason.
    Nothing is dropped: a value missing from the agreement is category 'unmapped' (a steward's
    finding at the mart gate), and system text that is no verdict (`not_a_reason`) stays with
    is_verdict false. Which reason a cycle ends with is chosen in fct_lead_cycles. -#}
with

lead_history as (
    select * from {{ ref('stg_salesforce__lead_history') }}
),

crm_leads as (
    select * from {{ ref('stg_salesforce__leads') }}
),

activities as (
    select * from {{ ref('int_marketo_activities_attributed') }}
    where
        activity_type = 'change_data_value'
        and primary_attribute_value = 'Lead Status'
),

crm_persons as (
    select
        person_key,
        source_record_id as lead_id
    from {{ ref('int_persons_resolved') }}
    where source_system = 'crm_lead'
),

ending_statuses as (
    select status_value from {{ ref('status_stage_map') }}
    where
        system = 'mas'
        and field = 'Lead Status'
        and stage_code in ('recycled', 'disqualified')
),

agreed_reasons as (
    select * from {{ ref('feedback_reasons') }}
    where system in ('crm', 'mas')
),

leads_with_reason_history as (
    select distinct lead_id
    from lead_history
    where is_feedback_reason_change
),

crm_history_reasons as (
    select
        crm_persons.person_key,
        lead_history.changed_at as reason_at,
        'crm' as source_system,
        lead_history.lead_history_id as source_record_id,
        trim(lead_history.new_value) as reason_value
    from lead_history
    inner join crm_persons
        on lead_history.lead_id = crm_persons.lead_id
    where
        lead_history.is_feedback_reason_change
        and nullif(trim(lead_history.new_value), '') is not null
),

crm_current_reasons as (
    select
        crm_persons.person_key,
        crm_leads.last_modified_at as reason_at,
        'crm' as source_system,
        crm_leads.lead_id as source_record_id,
        trim(crm_leads.disqualification_reason) as reason_value
    from crm_leads
    inner join crm_persons
        on crm_leads.lead_id = crm_persons.lead_id
    left join leads_with_reason_history
        on crm_leads.lead_id = leads_with_reason_history.lead_id
    where
        leads_with_reason_history.lead_id is null
        and nullif(trim(crm_leads.disqualification_reason), '') is not null
),

mas_reasons as (
    select
        activities.person_key,
        activities.activity_at as reason_at,
        'mas' as source_system,
        cast(activities.activity_id as {{ dbt.type_string() }}) as source_record_id,
        trim(activities.reason) as reason_value
    from activities
    inner join ending_statuses
        on activities.new_value = ending_statuses.status_value
    where nullif(trim(activities.reason), '') is not null
),

unioned as (
    select * from crm_history_reasons
    union all
    select * from crm_current_reasons
    union all
    select * from mas_reasons
),

final as (
    select
        unioned.person_key,
        unioned.reason_at,
        unioned.source_system,
        unioned.source_record_id,
        unioned.reason_value,
        coalesce(agreed_reasons.category_code, 'unmapped') as category_code,
        coalesce(agreed_reasons.category_name, 'Unmapped reason') as category_name,
        agreed_reasons.owning_team,
        agreed_reasons.marketing_can_act,
        coalesce(agreed_reasons.category_code <> 'not_a_reason', true) as is_verdict
    from unioned
    left join agreed_reasons
        on
            unioned.source_system = agreed_reasons.system
            and unioned.reason_value = agreed_reasons.reason_value
)

select * from final
