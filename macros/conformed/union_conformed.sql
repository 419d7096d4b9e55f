{#- The conformed layer: one interface per kind of record every source system fills, one model
    per system (models/intermediate/conformed/<system>/int_<system>__<interface>.sql, reading only
    that system's staging models and seeds) and one union model per interface
    (models/intermediate/conformed/int_<interface>.sql) that is just
    `{{ revenue_funnel.union_conformed('<interface>') }}`.

    Which systems fill which interface is the var `source_systems` (dbt_project.yml):
    `{<system>: [<interface>, ...]}`. Every listed system is always built: a system that isn't
    landed has empty staging relations (contract_source), so it contributes no rows. The refs are
    real refs, so lineage runs system model -> union model -> the neutral models that read it.

    Columns are selected by name in the interface's order (conformed_columns): a system model that
    lacks one fails to compile with a message naming the model and the column, instead of a union
    that silently shifts values between columns. -#}
{% macro union_conformed(interface) -%}
    {%- set columns = revenue_funnel.conformed_columns(interface) -%}
    {%- set systems = revenue_funnel.systems_filling(interface) -%}
    {%- if not systems -%}
        {{ exceptions.raise_compiler_error(
            "No source system fills the conformed interface '" ~ interface ~ "': list it under a "
            ~ "system in the source_systems var (dbt_project.yml)."
        ) }}
    {%- endif -%}
    {%- for system in systems %}
select
    {%- for column in columns %}
    {{ column }}{{ "," if not loop.last }}
    {%- endfor %}
from {{ ref('int_' ~ system ~ '__' ~ interface) }}
{%- if not loop.last %}

union all
{% endif -%}
    {%- endfor %}
{%- endmacro %}


{#- The systems that fill an interface, in the order the var lists them. -#}
{% macro systems_filling(interface) -%}
    {%- set systems = [] -%}
    {%- for system, interfaces in var('source_systems').items() -%}
        {%- if interface in (interfaces or []) -%}
            {%- do systems.append(system) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(systems) }}
{%- endmacro %}


{#- The columns of each interface, in order. All ids are varchar (cast in the system models),
    timestamps are UTC, and every row carries source_system (the system's name). -#}
{% macro conformed_columns(interface) -%}
    {%- set interfaces = {
        "person_records": [
            "source_system", "record_type", "record_id", "email", "first_name", "last_name",
            "company", "title", "phone", "country", "industry", "number_of_employees",
            "employee_band", "lead_source", "status", "lifecycle_stage", "owner_id", "account_id",
            "lead_score", "is_unsubscribed", "current_reason", "converted_to_record_id",
            "converted_account_id", "converted_opportunity_id", "converted_at", "is_converted",
            "linked_lead_id", "linked_contact_id", "merged_into_record_id", "is_merged_away",
            "created_at", "updated_at", "synced_at",
        ],
        "status_changes": [
            "source_system", "record_type", "record_id", "status_change_id", "changed_at",
            "status_field", "old_value", "new_value", "reason", "is_reason_change",
            "changed_by_user_id", "is_system_change", "synced_at",
        ],
        "marketing_activities": [
            "source_system", "activity_id", "record_type", "record_id", "activity_type",
            "source_activity_type", "campaign_id", "program_id", "campaign_run_id", "asset_id",
            "asset_name", "url", "score_change", "old_value", "new_value", "is_success",
            "activity_at", "synced_at",
        ],
        "email_templates": [
            "source_system", "template_id", "template_name", "subject", "program_id", "version",
            "valid_from", "valid_to", "synced_at",
        ],
        "campaigns": [
            "source_system", "campaign_id", "parent_campaign_id", "campaign_name",
            "campaign_type", "channel", "campaign_status", "is_active", "budgeted_cost",
            "actual_cost", "start_date", "end_date", "created_at", "synced_at",
        ],
        "sales_touches": [
            "source_system", "touch_id", "touch_kind", "record_type", "record_id",
            "opportunity_id", "account_id", "owner_id", "subject", "touch_status",
            "is_completed", "due_at", "occurred_at", "created_at", "synced_at",
        ],
        "opportunities": [
            "source_system", "opportunity_id", "account_id", "owner_id", "campaign_id",
            "opportunity_name", "opportunity_type", "stage_field", "stage_name",
            "forecast_category", "loss_reason", "lead_source", "amount", "probability", "is_closed", "is_won",
            "close_date", "created_at", "last_modified_at", "primary_record_type",
            "primary_record_id", "synced_at",
        ],
        "opportunity_stage_changes": [
            "source_system", "stage_change_id", "opportunity_id", "changed_at", "stage_field",
            "stage_name", "forecast_category", "amount", "probability", "close_date", "changed_by_user_id",
            "synced_at",
        ],
        "accounts": [
            "source_system", "account_id", "parent_account_id", "account_name", "industry",
            "country", "state", "account_type", "number_of_employees", "annual_revenue",
            "owner_id", "created_at", "last_modified_at", "synced_at",
        ],
        "users": [
            "source_system", "user_id", "user_name", "email", "manager_id", "role_id", "role_name",
            "team_name", "department", "title", "time_zone", "is_active", "is_integration_user",
            "created_at", "synced_at",
        ],
        "record_landings": [
            "source_system", "record_type", "record_id", "is_deleted", "synced_at",
        ],
    } -%}
    {%- if interface not in interfaces -%}
        {{ exceptions.raise_compiler_error(
            "Unknown conformed interface '" ~ interface ~ "'. Known interfaces: "
            ~ (interfaces.keys() | list | join(", ")) ~ " (macros/conformed/union_conformed.sql)."
        ) }}
    {%- endif -%}
    {{ return(interfaces[interface]) }}
{%- endmacro %}


{#- A system is landed when any of its raw contract tables exists in the warehouse (the source
    of the same name in models/staging/<system>/). Checked at run time; at parse time, and in
    unit tests, every configured system counts as landed. -#}
{% macro is_system_landed(system) -%}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {%- for source_node in graph.sources.values() if source_node.source_name == system -%}
        {%- set existing = adapter.get_relation(
            database=source_node.database,
            schema=source_node.schema,
            identifier=source_node.identifier,
        ) -%}
        {%- if existing is not none -%}
            {{ return(true) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}


{#- One row per configured system with the role word its records are known by in identity keys
    and in the published `source_system` values of marts (crm, mas): the role the system is of
    record for, the CRM role first (a system playing both, landed alone, is `crm`); a system of
    record for neither is known by its preferred role. `roles` is a relation like
    int_source_system_roles. -#}
{% macro system_role_words(roles) -%}
    select
        source_system,
        case
            when max(case when role = 'crm' and is_of_record then 1 else 0 end) = 1 then 'crm'
            when max(case when role = 'mas' and is_of_record then 1 else 0 end) = 1 then 'mas'
            -- A landed system that plays no role of record (a third system beside a CRM and a
            -- MAS of record) keeps a role word of its own, so its records still resolve.
            else min(role)
        end as role_word,
        max(case when role = 'crm' and is_of_record then 1 else 0 end) = 1 as is_crm_of_record
    from {{ roles }}
    group by source_system
{%- endmacro %}
