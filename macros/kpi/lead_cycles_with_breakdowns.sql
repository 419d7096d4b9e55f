{#- Every lifecycle cycle (fct_lead_cycles) with what the KPIs break it down by: the person's
    segment and lead source, who sourced it, the team of the cycle's owner (null owner or team
    stay null; kpi_breakdown_columns names them), and who the buyer is: the industry of the
    person's CRM account, the person's company size band and persona (dim_person; industry null
    without an account or industry). The body of a CTE. -#}
{% macro lead_cycles_with_breakdowns() -%}
    select
        lead_cycles.*,
        persons.segment_code,
        coalesce(persons.lead_source, 'unknown') as lead_source,
        case when lead_cycles.is_marketing_sourced then 'marketing' else 'sales' end
            as sourced_by,
        users.team as owner_team,
        accounts.industry,
        persons.company_size_code,
        persons.persona_code
    from {{ ref('fct_lead_cycles') }} as lead_cycles
    inner join {{ ref('dim_person') }} as persons
        on lead_cycles.person_key = persons.person_key
    left join {{ ref('dim_user') }} as users
        on lead_cycles.owner_id = users.user_id
    left join {{ ref('dim_account') }} as accounts
        on persons.crm_account_id = accounts.crm_account_id
{%- endmacro %}
