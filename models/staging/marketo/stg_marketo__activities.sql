{{ config(materialized="table") }}

{#- One row per Marketo activity of any type. Each activity table keeps the columns it has;
    the others are null. `old_value`/`new_value` carry score, field or program-status changes. -#}
{%- set activity_tables = {
    "change_score": {
        "campaign_id": "campaign_id", "primary_attribute_value": "primary_attribute_value",
        "old_value": "old_value", "new_value": "new_value", "change_value": "change_value",
        "reason": "reason",
    },
    "change_data_value": {
        "campaign_id": "campaign_id", "primary_attribute_value": "primary_attribute_value",
        "old_value": "old_value", "new_value": "new_value", "reason": "reason",
    },
    "fill_out_form": {
        "campaign_id": "campaign_id", "primary_attribute_value": "primary_attribute_value",
        "primary_attribute_value_id": "primary_attribute_value_id",
        "referrer_url": "referrer_url",
    },
    "visit_webpage": {
        "campaign_id": "campaign_id", "primary_attribute_value": "primary_attribute_value",
        "webpage_url": "webpage_url", "referrer_url": "referrer_url",
    },
    "send_email": {
        "campaign_id": "campaign_id", "primary_attribute_value": "primary_attribute_value",
        "primary_attribute_value_id": "primary_attribute_value_id",
    },
    "open_email": {
        "campaign_id": "campaign_id", "primary_attribute_value": "primary_attribute_value",
        "primary_attribute_value_id": "primary_attribute_value_id",
    },
    "click_email": {
        "campaign_id": "campaign_id", "primary_attribute_value": "primary_attribute_value",
        "primary_attribute_value_id": "primary_attribute_value_id", "link": "link",
    },
    "change_status_in_progression": {
        "program_id": "program_id", "old_value": "old_status", "new_value": "new_status",
        "success": "success", "reason": "reason",
    },
    "merge_leads": {"primary_attribute_value": "merge_ids"},
    "delete_lead": {},
} -%}
{%- set output_columns = {
    "campaign_id": dbt.type_bigint(),
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

        -- numerics
        {{ revenue_funnel.parse_signed_number('change_value') }} as score_change,

        -- booleans
        success as is_success,

        -- timestamps
        activity_date as activity_at,
        _fivetran_synced as synced_at
    from latest
    where not ({{ is_deleted_row(has_is_deleted=false) }})
)

select * from renamed
