{{ config(
    materialized="incremental",
    incremental_strategy=revenue_funnel.reprocessing_strategy(),
    on_schema_change="append_new_columns",
    pre_hook="{{ revenue_funnel.delete_reprocessed_marketo_activities() }}",
    partition_by=(["activity_type"] if target.type == "spark" else none),
) }}

{#- One row per Marketo activity of any type. Each activity table keeps the columns it has;
    the others are null. `old_value`/`new_value` carry score, field or program-status changes.
    Email activities carry the campaign run (a batch campaign's one sending) and the email
    template (the email asset). Incremental: a run reads only the rows landed since the cutoff
    (incremental_window.sql) and replaces the activities they update or delete (the pre-hook
    removes them first); a stored table that predates a column is staged again whole. Rows are
    written by activity type, so readers of one type skip the others' row groups. -#}
{%- set activity_tables = revenue_funnel.marketo_activity_tables() -%}
{%- set restaged = revenue_funnel.marketo_activities_restaged() -%}
{%- set output_columns = {
    "campaign_id": dbt.type_bigint(),
    "campaign_run_id": dbt.type_bigint(),
    "email_template_id": dbt.type_bigint(),
    "program_id": dbt.type_bigint(),
    "primary_attribute_value": dbt.type_string(),
    "primary_attribute_value_id": dbt.type_bigint(),
    "old_value": dbt.type_string(),
    "new_value": dbt.type_string(),
    "change_value": dbt.type_string(),
    "reason": dbt.type_string(),
    "webpage_url": dbt.type_string(),
    "referrer_url": dbt.type_string(),
    "link": dbt.type_string(),
    "success": dbt.type_boolean(),
    "is_mobile_device": dbt.type_boolean(),
    "device": dbt.type_string(),
} -%}

with

{% for activity_type in activity_tables %}
    {{ activity_type }} as (
        {{ contract_source('marketo', 'activity_' ~ activity_type) }}
    ),
{% endfor %}

unioned as (
    {% for activity_type, columns in activity_tables.items() %}
        select
            id,
            '{{ activity_type }}' as activity_type,
            lead_id,
            activity_date,
            {% for output_column, output_type in output_columns.items() -%}
                {%- if output_column in columns -%}
                    cast({{ columns[output_column] }} as {{ output_type }})
                {%- else -%}
                    cast(null as {{ output_type }})
                {%- endif %} as {{ output_column }},
            {% endfor -%}
            _fivetran_synced,
            _fivetran_deleted
        from {{ activity_type }}
        {% if is_incremental() and not restaged -%}
            where _fivetran_synced >= {{ revenue_funnel.incremental_cutoff("synced_at") }}
        {% endif -%}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

latest as (
    {{ deduplicate_latest('unioned', ['activity_type', 'id']) }}
),

renamed as (
    select
        -- ids
        id as activity_id,
        lead_id,
        campaign_id,
        campaign_run_id,
        email_template_id,
        program_id,
        primary_attribute_value_id,

        -- strings
        activity_type,
        primary_attribute_value,
        old_value,
        new_value,
        reason,
        webpage_url,
        referrer_url,
        link,
        device,

        -- numerics
        {{ revenue_funnel.parse_signed_number('change_value') }} as score_change,

        -- booleans
        success as is_success,
        is_mobile_device,

        -- timestamps
        activity_date as activity_at,
        _fivetran_synced as synced_at
    from latest
    where not ({{ is_deleted_row(has_is_deleted=false) }})
)

select * from renamed
order by activity_type
