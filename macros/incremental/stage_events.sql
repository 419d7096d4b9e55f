{#- Pre-hook of int_stage_events_unioned on incremental runs. It removes the events of every
    source record that changed, moved to another person or is gone; the model then stages every
    record left without events (new ones included), so no event is derived twice:
    - a CRM lead's events (creation, status changes, conversion, converted opportunity) all go
      when the lead, its field history, its converted opportunity or that opportunity's history
      has a raw row landed since the cutoff (deletions included), or when the lead no longer
      belongs to the person its events carry;
    - a Marketo lead's creation event goes when the lead's latest version or its person differs;
    - a Marketo status-change event goes when its attributed activity's version or person differs.
    An edited agreement (another agreements_version on the stored rows) removes everything. -#}
{% macro delete_restaged_events(agreement_seeds) -%}
    {%- if is_incremental() -%}
        {%- set agreements = revenue_funnel.agreements_version(agreement_seeds) -%}
        {%- if revenue_funnel.agreements_changed(agreements) -%}
            delete from {{ this }}
        {%- else -%}
            {%- set cutoff = revenue_funnel.incremental_cutoff("synced_at") -%}
            {%- set persons = ref("int_persons_resolved") -%}
            delete from {{ this }} as staged
            where
                (
                    staged.source_system = 'crm'
                    and (
                        staged.crm_lead_id in (
                            {{ revenue_funnel.crm_leads_landed_since(cutoff) }}
                        )
                        or not exists (
                            select 1
                            from {{ persons }} as persons
                            where
                                persons.source_system = 'crm_lead'
                                and persons.source_record_id = staged.crm_lead_id
                                and persons.person_key = staged.person_key
                        )
                    )
                )
                or (
                    staged.event_type = 'mas_lead_created'
                    and not exists (
                        select 1
                        from {{ ref("stg_marketo__leads") }} as mas_leads
                        inner join {{ persons }} as persons
                            on
                                persons.source_system = 'mas_lead'
                                and persons.source_record_id
                                = cast(mas_leads.lead_id as {{ dbt.type_string() }})
                        where
                            persons.source_record_id = staged.source_record_id
                            and persons.person_key = staged.person_key
                            and mas_leads.synced_at = staged.synced_at
                    )
                )
                or (
                    staged.event_type = 'mas_status_change'
                    and not exists (
                        select 1
                        from {{ ref("int_marketo_activities_attributed") }} as activities
                        where
                            activities.activity_type = 'change_data_value'
                            and cast(activities.activity_id as {{ dbt.type_string() }})
                            = staged.source_record_id
                            and activities.person_key = staged.person_key
                            and activities.synced_at = staged.synced_at
                    )
                )
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- CRM lead ids with a raw row landed at or after `cutoff` in the lead, its field history, its
    converted opportunity or that opportunity's history (deleted rows too: raw, not staging). -#}
{% macro crm_leads_landed_since(cutoff) -%}
    select id as lead_id
    from ({{ revenue_funnel.contract_source("salesforce", "lead") }}) as landed_leads
    where _fivetran_synced >= {{ cutoff }}
    union all
    select lead_id
    from ({{ revenue_funnel.contract_source("salesforce", "lead_history") }}) as landed_history
    where _fivetran_synced >= {{ cutoff }}
    union all
    select leads.lead_id
    from {{ ref("stg_salesforce__leads") }} as leads
    inner join (
        select id as opportunity_id
        from ({{ revenue_funnel.contract_source("salesforce", "opportunity") }}) as landed
        where _fivetran_synced >= {{ cutoff }}
        union all
        select opportunity_id
        from (
            {{ revenue_funnel.contract_source("salesforce", "opportunity_history") }}
        ) as landed_opportunity_history
        where _fivetran_synced >= {{ cutoff }}
    ) as landed_opportunities
        on leads.converted_opportunity_id = landed_opportunities.opportunity_id
{%- endmacro %}
