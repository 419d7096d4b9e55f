{#- The governed person attributes int_person_attribute_candidates unpivots, by the conformed
    interface they are read from (int_person_records): every system's person records offer every governed attribute
    they hold (a null is no candidate), whatever system or role they come from. -#}
{% macro person_attribute_sources() -%}
    {{ return({
        "person_records": ["email", "first_name", "last_name", "company", "country", "title",
                           "owner_id", "lead_source", "is_unsubscribed", "lead_score",
                           "number_of_employees", "industry"],
    }) }}
{%- endmacro %}


{#- One source's records as int_person_attribute_candidates reads them: source_system (the
    system's name), record_type, record_id, updated_at and the source's attributes
    (person_attribute_sources), each the conformed column of the same name, except a record's
    company, size and industry when it has none of its own: then its account's (same system),
    as a contact's firmographics are its company's. -#}
{% macro person_attribute_records(source) -%}
    {%- set attributes = revenue_funnel.person_attribute_sources().get(source) -%}
    {%- if attributes is none -%}
        {{ exceptions.raise_compiler_error(
            "person_attribute_records: unknown source '" ~ source ~ "'; known sources: "
            ~ (revenue_funnel.person_attribute_sources().keys() | list | join(", "))
            ~ " (macros/identity/person_attribute_records.sql)."
        ) }}
    {%- endif -%}
    {%- set from_account = {
        "company": "account_name",
        "number_of_employees": "number_of_employees",
        "industry": "industry",
    } -%}
        select
            person_records.source_system,
            person_records.record_type,
            person_records.record_id,
            person_records.updated_at,
            {%- for attribute in attributes %}
            {%- if attribute in from_account %}
            coalesce(
                person_records.{{ attribute }}, accounts.{{ from_account[attribute] }}
            ) as {{ attribute }}
            {%- else %}
            person_records.{{ attribute }}
            {%- endif %}
            {{- "," if not loop.last }}
            {%- endfor %}
        from {{ ref('int_person_records') }} as person_records
        left join {{ ref('int_account_records') }} as accounts
            on
                person_records.source_system = accounts.source_system
                and person_records.account_id = accounts.account_id
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
            records.source_system = persons.record_system
            and records.record_type = persons.record_type
            and records.record_id = persons.source_record_id
{%- endmacro %}
