-- Every CRM lead resolves to exactly one person.
{{ config(meta={"dagster": {"ref": {"name": "int_persons_resolved"}}}) }}
with

leads as (
    select lead_id from {{ ref('stg_salesforce__leads') }}
),

persons as (
    select
        source_record_id,
        person_key
    from {{ ref('int_persons_resolved') }}
    where source_system = 'crm_lead'
)

select
    leads.lead_id,
    count(persons.person_key) as persons
from leads
left join persons
    on leads.lead_id = persons.source_record_id
group by leads.lead_id
having count(persons.person_key) <> 1
