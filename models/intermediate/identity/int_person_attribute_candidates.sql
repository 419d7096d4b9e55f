{#- Every value each system holds for each governed person attribute, with when it was last
    updated: the input to survivorship. -#}
{%- set sources = {
    "crm_lead": ["email", "first_name", "last_name", "company", "country", "title", "owner_id",
                 "lead_source", "number_of_employees"],
    "crm_contact": ["email", "first_name", "last_name", "company", "country", "title", "owner_id",
                    "lead_source", "number_of_employees"],
    "mas_lead": ["email", "first_name", "last_name", "company", "country", "title", "lead_source",
                 "is_unsubscribed", "lead_score", "number_of_employees"],
} -%}

with

persons as (
    select * from {{ ref('int_persons_resolved') }}
),

crm_lead as (
    select
        lead_id as record_id,
        'crm' as source_system,
        last_modified_at as updated_at,
        email,
        first_name,
        last_name,
        company,
        country,
        title,
        owner_id,
        lead_source,
        number_of_employees
    from {{ ref('stg_salesforce__leads') }}
),

crm_contact as (
    select
        crm_contacts.contact_id as record_id,
        'crm' as source_system,
        crm_contacts.last_modified_at as updated_at,
        crm_contacts.email,
        crm_contacts.first_name,
        crm_contacts.last_name,
        crm_accounts.account_name as company,
        crm_contacts.country,
        crm_contacts.title,
        crm_contacts.owner_id,
        crm_contacts.lead_source,
        crm_accounts.number_of_employees
    from {{ ref('stg_salesforce__contacts') }} as crm_contacts
    left join {{ ref('stg_salesforce__accounts') }} as crm_accounts
        on crm_contacts.account_id = crm_accounts.account_id
),

mas_lead as (
    select
        cast(lead_id as {{ dbt.type_string() }}) as record_id,
        'mas' as source_system,
        updated_at,
        email,
        first_name,
        last_name,
        company,
        country,
        title,
        lead_source,
        number_of_employees,
        cast(is_unsubscribed as {{ dbt.type_string() }}) as is_unsubscribed,
        cast(lead_score as {{ dbt.type_string() }}) as lead_score
    from {{ ref('stg_marketo__leads') }}
),

-- One pass over each record table: a cross join with its attribute names, not one scan per
-- attribute (the record tables are staging views, re-read on every reference).
{% for source, attributes in sources.items() %}
    {{ source }}_attribute_names as (
        {%- for attribute in attributes %}
            select '{{ attribute }}' as attribute_name
            {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    ),

    {{ source }}_unpivoted as (
        select
            persons.person_key,
            attribute_names.attribute_name,
            {{ source }}.source_system,
            case attribute_names.attribute_name
                {%- for attribute in attributes %}
                    when '{{ attribute }}'
                        then cast({{ source }}.{{ attribute }} as {{ dbt.type_string() }})
                {%- endfor %}
            end as attribute_value,
            {{ source }}.updated_at
        from {{ source }}
        inner join persons
            on
                persons.source_system = '{{ source }}'
                and {{ source }}.record_id = persons.source_record_id
        cross join {{ source }}_attribute_names as attribute_names
    ),
{% endfor %}

unpivoted as (
    {% for source in sources %}
        select * from {{ source }}_unpivoted
        where attribute_value is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from unpivoted
