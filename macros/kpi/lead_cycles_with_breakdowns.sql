{#- Every lifecycle cycle (fct_lead_cycles) with what the KPIs break it down by: the person's
    segment and lead source, who sourced it, the team of the cycle's owner (null owner or team
    stay null; kpi_breakdown_columns names them), and who the buyer is: the person's industry
    (dim_person, survived from their own records), else their CRM account's; their company size
    band and persona (dim_person). Industry is null with neither. The person's own comes first:
    most persons have an account only once converted, so the account's industry alone would be
    known mostly for cycles that already succeeded. The body of a CTE. -#}
{% macro lead_cycles_with_breakdowns() -%}
    select
        lead_cycles.*,
        persons.segment_code,
        coalesce(persons.lead_source, 'unknown') as lead_source,
        case when lead_cycles.is_marketing_sourced then 'marketing' else 'sales' end
            as sourced_by,
        users.team as owner_team,
        coalesce(persons.industry, accounts.industry) as industry,
        persons.company_size_code,
        persons.persona_code
    from {{ ref('int_lead_cycles') }} as lead_cycles
    inner join {{ ref('int_persons') }} as persons
        on lead_cycles.person_key = persons.person_key
    left join {{ ref('int_users') }} as users
        on lead_cycles.owner_id = users.user_id
    left join {{ ref('int_accounts') }} as accounts
        on persons.crm_account_id = accounts.crm_account_id
{%- endmacro %}
