{#- The governed person attributes each source record system holds, by the source_system of
    int_persons_resolved: what int_person_attribute_candidates unpivots. -#}
{% macro person_attribute_sources() -%}
    {{ return({
        "crm_lead": ["email", "first_name", "last_name", "company", "country", "title", "owner_id",
                     "lead_source", "number_of_employees", "industry"],
        "crm_contact": ["email", "first_name", "last_name", "company", "country", "title",
                        "owner_id", "lead_source", "number_of_employees", "industry"],
        "mas_lead": ["email", "first_name", "last_name", "company", "country", "title",
                     "lead_source", "is_unsubscribed", "lead_score", "number_of_employees",
                     "industry"],
    }) }}
{%- endmacro %}


{#- One source's records as int_person_attribute_candidates reads them: record_id,
    source_system ('crm' or 'mas'), updated_at and the source's attributes
    (person_attribute_sources), each a column of the record table of the same name, except a
    contact's company, size and industry, which are its account's (a contact has none of its
    own). -#}
{% macro person_attribute_records(source) -%}
    {%- set attributes = revenue_funnel.person_attribute_sources()[source] -%}
    {%- if source == "crm_contact" -%}
        {%- set from_account = {
            "company": "crm_accounts.account_name",
            "number_of_employees": "crm_accounts.number_of_employees",
            "industry": "crm_accounts.industry",
        } -%}
        select
            crm_contacts.contact_id as record_id,
            'crm' as source_system,
            crm_contacts.last_modified_at as updated_at,
            {%- for attribute in attributes %}
            {{ from_account.get(attribute, "crm_contacts." ~ attribute) }} as {{ attribute }}
            {{- "," if not loop.last }}
            {%- endfor %}
        from {{ ref('stg_salesforce__contacts') }} as crm_contacts
        left join {{ ref('stg_salesforce__accounts') }} as crm_accounts
            on crm_contacts.account_id = crm_accounts.account_id
    {%- elif source == "crm_lead" -%}
        select
            lead_id as record_id,
            'crm' as source_system,
            last_modified_at as updated_at,
            {{ attributes | join(", ") }}
        from {{ ref('stg_salesforce__leads') }}
    {%- elif source == "mas_lead" -%}
        select
            cast(lead_id as {{ dbt.type_string() }}) as record_id,
            'mas' as source_system,
            updated_at,
            {{ attributes | join(", ") }}
        from {{ ref('stg_marketo__leads') }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("person_attribute_records: unknown source " ~ source) }}
    {%- endif -%}
{%- endmacro %}


{#- One source's records with the person each belongs to (`persons`: rows of
    int_persons_resolved, a relation or a CTE name). -#}
{% macro person_attribute_records_of_persons(source, persons) -%}
    select
        persons.person_key,
        records.*
    from ({{ revenue_funnel.person_attribute_records(source) }}) as records
    inner join {{ persons }} as persons
        on
            persons.source_system = '{{ source }}'
            and records.record_id = persons.source_record_id
{%- endmacro %}
