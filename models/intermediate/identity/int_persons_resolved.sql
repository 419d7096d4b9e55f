{#- One row per source record (Marketo lead, CRM lead, CRM contact) with the one person it is.
    Rules, strongest first: a CRM lead and the contact it converted into are one person; a
    Marketo lead is the person of the CRM lead or contact whose id it carries, else of the CRM
    record with the same normalised email; merged-away Marketo leads are their survivor's person;
    records no rule links are people of their own (MAS-only, CRM-only). -#}
with

crm_leads as (
    select
        lead_id,
        email,
        created_at,
        converted_contact_id
    from {{ ref('stg_salesforce__leads') }}
),

crm_contacts as (
    select
        contact_id,
        email,
        created_at
    from {{ ref('stg_salesforce__contacts') }}
),

mas_leads as (
    select
        lead_id,
        email,
        crm_lead_id,
        crm_contact_id,
        created_at
    from {{ ref('stg_marketo__leads') }}
),

mas_merged as (
    select * from {{ ref('int_marketo_leads_merged') }}
),

-- CRM leads sharing an email are one person: the earliest lead anchors them.
lead_anchors as (
    select
        lead_id,
        email,
        'crm_lead:' || {{ earliest_with_same_email('lead_id', 'email', 'created_at') }} as anchor
    from crm_leads
),

lead_anchor_by_email as (
    select
        email,
        min(anchor) as anchor
    from lead_anchors
    where email is not null
    group by email
),

converted_contact_anchors as (
    select
        crm_leads.converted_contact_id as contact_id,
        min(lead_anchors.anchor) as anchor
    from crm_leads
    inner join lead_anchors
        on crm_leads.lead_id = lead_anchors.lead_id
    where crm_leads.converted_contact_id is not null
    group by crm_leads.converted_contact_id
),

contact_anchors as (
    select
        crm_contacts.contact_id,
        crm_contacts.email,
        coalesce(
            converted_contact_anchors.anchor,
            lead_anchor_by_email.anchor,
            'crm_contact:' || {{ earliest_with_same_email(
                'crm_contacts.contact_id', 'crm_contacts.email', 'crm_contacts.created_at'
            ) }}
        ) as anchor,
        case
            when converted_contact_anchors.anchor is not null then 'converted_lead'
            when lead_anchor_by_email.anchor is not null then 'email'
            else 'own_record'
        end as match_rule
    from crm_contacts
    left join converted_contact_anchors
        on crm_contacts.contact_id = converted_contact_anchors.contact_id
    left join lead_anchor_by_email
        on crm_contacts.email = lead_anchor_by_email.email
),

contact_anchor_by_email as (
    select
        email,
        min(anchor) as anchor
    from contact_anchors
    where email is not null
    group by email
),

survivors as (
    select
        mas_leads.lead_id,
        mas_leads.email,
        mas_leads.created_at,
        coalesce(
            lead_anchors.anchor,
            contact_anchors.anchor,
            lead_anchor_by_email.anchor,
            contact_anchor_by_email.anchor
        ) as crm_anchor,
        case
            when lead_anchors.anchor is not null then 'crm_lead_id'
            when contact_anchors.anchor is not null then 'crm_contact_id'
            when lead_anchor_by_email.anchor is not null then 'email'
            when contact_anchor_by_email.anchor is not null then 'email'
            else 'own_record'
        end as match_rule
    from mas_leads
    left join lead_anchors
        on mas_leads.crm_lead_id = lead_anchors.lead_id
    left join contact_anchors
        on mas_leads.crm_contact_id = contact_anchors.contact_id
    left join lead_anchor_by_email
        on mas_leads.email = lead_anchor_by_email.email
    left join contact_anchor_by_email
        on mas_leads.email = contact_anchor_by_email.email
),

survivor_anchors as (
    select
        lead_id,
        match_rule,
        coalesce(
            crm_anchor,
            'mas_lead:' || {{ earliest_with_same_email('lead_id', 'email', 'created_at') }}
        ) as anchor
    from survivors
),

mas_records as (
    select
        'mas_lead' as source_system,
        cast(mas_merged.lead_id as {{ dbt.type_string() }}) as source_record_id,
        coalesce(survivor_anchors.anchor, 'mas_lead:' || cast(mas_merged.survivor_lead_id as {{ dbt.type_string() }})) as anchor,
        case when mas_merged.is_merged_away then 'merged_into_survivor' else survivor_anchors.match_rule end as match_rule
    from mas_merged
    left join survivor_anchors
        on mas_merged.survivor_lead_id = survivor_anchors.lead_id
),

unioned as (
    select
        'crm_lead' as source_system,
        lead_id as source_record_id,
        anchor,
        case when anchor = 'crm_lead:' || lead_id then 'own_record' else 'email' end as match_rule
    from lead_anchors

    union all

    select
        'crm_contact' as source_system,
        contact_id as source_record_id,
        anchor,
        match_rule
    from contact_anchors

    union all

    select * from mas_records
),

final as (
    select
        {{ dbt.hash('anchor') }} as person_key,
        source_system,
        source_record_id,
        anchor as person_anchor,
        match_rule
    from unioned
)

select * from final
