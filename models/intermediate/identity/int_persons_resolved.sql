{#- One row per person record (the CRM of record's leads and contacts, the other systems' records,
    e.g. MAS leads) with the one person it is. Reads only the conformed person records; which
    system is the CRM of record is int_source_system_roles. Rules, strongest first: a record merged
    away within its system (int_person_records_merged, any system) is its survivor's person; a CRM
    lead and the contact it converted into are one person; a MAS record is the person of the CRM
    lead or contact whose id it carries (linked_lead_id / linked_contact_id), else of the CRM
    record with the same normalised email; records no rule links are people of their own
    (MAS-only, CRM-only). A merged-away record that still carries an email counts, like any
    record, when finding the earliest record of that email.
    Records are named `<role>_<record type>` (crm_lead, crm_contact, mas_lead): the role word of
    their system (system_role_words), so person keys stay the same whichever system plays the
    role. -#}
with

role_words as (
    {{ revenue_funnel.system_role_words(ref('int_source_system_roles')) }}
),

records as (
    select
        person_records.source_system,
        person_records.record_type,
        person_records.record_id,
        person_records.email,
        person_records.created_at,
        person_records.converted_to_record_id,
        person_records.linked_lead_id,
        person_records.linked_contact_id,
        role_words.role_word || '_' || person_records.record_type as record_kind,
        role_words.is_crm_of_record,
        coalesce(merged.survivor_record_id, person_records.record_id) as survivor_record_id,
        coalesce(merged.is_merged_away, false) as is_merged_away
    from {{ ref('int_person_records') }} as person_records
    inner join role_words
        on person_records.source_system = role_words.source_system
    left join {{ ref('int_person_records_merged') }} as merged
        on
            person_records.source_system = merged.source_system
            and person_records.record_type = merged.record_type
            and person_records.record_id = merged.record_id
),

crm_leads as (
    select
        record_id as lead_id,
        email,
        created_at,
        converted_to_record_id as converted_contact_id
    from records
    where is_crm_of_record and record_type = 'lead'
),

crm_contacts as (
    select
        record_id as contact_id,
        email,
        created_at
    from records
    where is_crm_of_record and record_type = 'contact'
),

mas_leads as (
    select
        source_system,
        record_kind,
        record_id as lead_id,
        email,
        linked_lead_id as crm_lead_id,
        linked_contact_id as crm_contact_id,
        created_at
    from records
    where not is_crm_of_record
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

mas_matches as (
    select
        mas_leads.source_system,
        mas_leads.record_kind,
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

mas_anchors as (
    select
        record_kind,
        lead_id,
        match_rule,
        coalesce(
            crm_anchor,
            record_kind || ':' || {{ earliest_with_same_email('lead_id', 'email', 'created_at') }}
        ) as anchor
    from mas_matches
),

-- Each record's own anchor by the rules above, before merges.
own_anchors as (
    select
        'crm_lead' as record_kind,
        lead_id as record_id,
        anchor,
        case when anchor = 'crm_lead:' || lead_id then 'own_record' else 'email' end as match_rule
    from lead_anchors

    union all

    select
        'crm_contact' as record_kind,
        contact_id as record_id,
        anchor,
        match_rule
    from contact_anchors

    union all

    select
        record_kind,
        lead_id as record_id,
        anchor,
        match_rule
    from mas_anchors
),

-- A merged-away record takes its survivor's anchor; a survivor that is not landed anchors its
-- merged-away records itself.
unioned as (
    select
        records.record_kind as source_system,
        records.record_id as source_record_id,
        records.source_system as record_system,
        records.record_type,
        case
            when records.is_merged_away
                then coalesce(
                    survivor_anchors_of_record.anchor,
                    records.record_kind || ':' || records.survivor_record_id
                )
            else own_anchors.anchor
        end as anchor,
        case
            when records.is_merged_away then 'merged_into_survivor'
            else own_anchors.match_rule
        end as match_rule
    from records
    inner join own_anchors
        on
            records.record_kind = own_anchors.record_kind
            and records.record_id = own_anchors.record_id
    left join own_anchors as survivor_anchors_of_record
        on
            records.record_kind = survivor_anchors_of_record.record_kind
            and records.survivor_record_id = survivor_anchors_of_record.record_id
),

final as (
    select
        {{ dbt.hash('anchor') }} as person_key,
        source_system,
        source_record_id,
        record_system,
        record_type,
        anchor as person_anchor,
        match_rule
    from unioned
)

select * from final
