-- An opportunity a lead converted into is the opportunity of one of that person's cycles.
{{ config(meta={"dagster": {"ref": {"name": "fct_lead_cycles"}}}) }}
with

converted as (
    select
        leads.lead_id,
        leads.converted_opportunity_id
    from {{ ref('stg_salesforce__leads') }} as leads
    inner join {{ ref('stg_salesforce__opportunities') }} as opportunities
        on leads.converted_opportunity_id = opportunities.opportunity_id
),

persons as (
    select
        source_record_id,
        person_key
    from {{ ref('int_persons_resolved') }}
    where source_system = 'crm_lead'
),

cycles as (
    select
        person_key,
        opportunity_id
    from {{ ref('fct_lead_cycles') }}
    where opportunity_id is not null
)

select converted.lead_id
from converted
inner join persons
    on converted.lead_id = persons.source_record_id
left join cycles
    on
        persons.person_key = cycles.person_key
        and converted.converted_opportunity_id = cycles.opportunity_id
where cycles.person_key is null
