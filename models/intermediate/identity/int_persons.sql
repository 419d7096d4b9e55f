{#- One row per real person across the source systems, with survived attributes and which system
    supplied each governed attribute (by its role word, system_role_words: crm or mas), the
    person's record ids in the CRM of record (lead, contact, account) and in the MAS of record,
    and who they are as a buyer: the industry of their company (survived from any of their
    records, a contact's from its account, so every person has one whether or not they became a
    contact), the persona their title maps to (seed personas: the matching pattern of lowest
    priority; `unclassified` when none matches, `unknown` without a title) and the size band of
    their company (seed company_sizes). Reads only conformed models. -#}
{%- set governed = ["email", "first_name", "last_name", "company", "country", "title",
                    "owner_id", "lead_source", "is_unsubscribed", "lead_score",
                    "number_of_employees", "industry"] -%}

with

persons as (
    select * from {{ ref('int_persons_resolved') }}
),

survived as (
    select * from {{ ref('int_person_attributes_survived') }}
),

role_words as (
    {{ revenue_funnel.system_role_words(ref('int_source_system_roles')) }}
),

-- Which system is the CRM of record and which the MAS of record (one system may be both).
systems_of_record as (
    select
        source_system,
        max(case when role = 'crm' and is_of_record then 1 else 0 end) = 1 as is_crm_of_record,
        max(case when role = 'mas' and is_of_record then 1 else 0 end) = 1 as is_mas_of_record
    from {{ ref('int_source_system_roles') }}
    group by source_system
),

person_records as (
    select * from {{ ref('int_person_records') }}
),

merged as (
    select * from {{ ref('int_person_records_merged') }}
),

segments as (
    select * from {{ ref('segments') }}
),

personas as (
    select * from {{ ref('personas') }}
),

company_sizes as (
    select * from {{ ref('company_sizes') }}
),

records as (
    select
        persons.person_key,
        persons.source_system,
        persons.source_record_id,
        person_records.record_type,
        person_records.created_at,
        case
            when systems_of_record.is_crm_of_record
                then coalesce(person_records.account_id, person_records.converted_account_id)
        end as account_id,
        coalesce(systems_of_record.is_crm_of_record, false) as is_crm_record,
        coalesce(systems_of_record.is_mas_of_record, false) as is_mas_record,
        coalesce(merged.is_merged_away, false) as is_merged_away
    from persons
    left join person_records
        on
            persons.record_system = person_records.source_system
            and persons.record_type = person_records.record_type
            and persons.source_record_id = person_records.record_id
    left join systems_of_record
        on persons.record_system = systems_of_record.source_system
    left join merged
        on
            persons.record_system = merged.source_system
            and persons.record_type = merged.record_type
            and persons.source_record_id = merged.record_id
),

ranked_records as (
    select
        *,
        row_number() over (
            partition by person_key, source_system, is_merged_away
            order by created_at, source_record_id
        ) as record_rank,
        row_number() over (
            partition by person_key, is_mas_record, is_merged_away
            order by created_at, source_record_id
        ) as mas_record_rank
    from records
),

-- The person's record ids in the CRM of record (its lead, its contact) and in the MAS of record:
-- the earliest created of each that was not merged away. A system playing both roles gives its
-- record's id to both.
identities as (
    select
        person_key,
        max(
            case
                when is_crm_record and record_type = 'lead' and not is_merged_away and record_rank = 1
                    then source_record_id
            end
        ) as crm_lead_id,
        max(
            case
                when
                    is_crm_record and record_type = 'contact' and not is_merged_away
                    and record_rank = 1
                    then source_record_id
            end
        ) as crm_contact_id,
        max(
            case
                when is_mas_record and not is_merged_away and mas_record_rank = 1
                    then source_record_id
            end
        ) as mas_lead_id,
        max(account_id) as crm_account_id,
        count(*) as source_record_count,
        min(created_at) as first_seen_at
    from ranked_records
    group by person_key
),

-- The supplying system is published as the role word it plays (crm, mas).
attributes as (
    select
        survived.person_key,
        {% for attribute in governed %}
            max(
                case
                    when survived.attribute_name = '{{ attribute }}' then survived.attribute_value
                end
            ) as {{ attribute }}_value,
            max(
                case when survived.attribute_name = '{{ attribute }}' then role_words.role_word end
            ) as {{ attribute }}_source_system,
        {% endfor %}
        count(*) as governed_attribute_count
    from survived
    left join role_words
        on survived.source_system = role_words.source_system
    group by survived.person_key
),

-- Titles are matched once each, not once per person.
titles as (
    select distinct lower(trim(title_value)) as title_key
    from attributes
    where trim(title_value) <> ''
),

title_matches as (
    select
        titles.title_key,
        personas.persona_code,
        personas.persona_name,
        row_number() over (
            partition by titles.title_key
            order by cast(personas.priority as {{ dbt.type_int() }}), personas.persona_code
        ) as match_rank
    from titles
    inner join personas
        on titles.title_key like lower(personas.title_pattern)
),

title_personas as (
    select * from title_matches
    where match_rank = 1
),

final as (
    select
        identities.person_key,
        identities.crm_lead_id,
        identities.crm_contact_id,
        {{ dbt.safe_cast('identities.mas_lead_id', dbt.type_bigint()) }} as mas_lead_id,
        identities.crm_account_id,
        attributes.email_value as email,
        attributes.first_name_value as first_name,
        attributes.last_name_value as last_name,
        attributes.company_value as company,
        attributes.country_value as country,
        attributes.title_value as title,
        attributes.owner_id_value as owner_id,
        attributes.lead_source_value as lead_source,
        {{ dbt.safe_cast('attributes.is_unsubscribed_value', dbt.type_boolean()) }}
            as is_unsubscribed,
        {{ dbt.safe_cast('attributes.lead_score_value', dbt.type_int()) }} as lead_score,
        {{ dbt.safe_cast('attributes.number_of_employees_value', dbt.type_int()) }}
            as number_of_employees,
        attributes.industry_value as industry,
        coalesce(segments.segment_code, 'unknown') as segment_code,
        coalesce(company_sizes.company_size_code, 'unknown') as company_size_code,
        case
            when coalesce(trim(attributes.title_value), '') = '' then 'unknown'
            else coalesce(title_personas.persona_code, 'unclassified')
        end as persona_code,
        case
            when coalesce(trim(attributes.title_value), '') = '' then 'Unknown'
            else coalesce(title_personas.persona_name, 'Unclassified')
        end as persona_name,
        {% for attribute in governed %}
            attributes.{{ attribute }}_source_system,
        {% endfor %}
        identities.crm_lead_id is not null or identities.crm_contact_id is not null
            as is_known_to_crm,
        identities.mas_lead_id is not null as is_known_to_mas,
        identities.source_record_count,
        identities.first_seen_at
    from identities
    left join attributes
        on identities.person_key = attributes.person_key
    left join segments
        on
            {{ dbt.safe_cast('attributes.number_of_employees_value', dbt.type_int()) }}
            >= segments.min_employees
            and (
                segments.max_employees is null
                or {{ dbt.safe_cast('attributes.number_of_employees_value', dbt.type_int()) }}
                <= segments.max_employees
            )
    left join company_sizes
        on
            {{ dbt.safe_cast('attributes.number_of_employees_value', dbt.type_int()) }}
            >= company_sizes.min_employees
            and (
                company_sizes.max_employees is null
                or {{ dbt.safe_cast('attributes.number_of_employees_value', dbt.type_int()) }}
                <= company_sizes.max_employees
            )
    left join title_personas
        on lower(trim(attributes.title_value)) = title_personas.title_key
)

select * from final
