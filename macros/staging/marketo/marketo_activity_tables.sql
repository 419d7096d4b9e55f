{#- The Marketo activity tables staged into stg_marketo__activities, each with the contract
    columns it maps to the output columns (the others are null). -#}
{% macro marketo_activity_tables() -%}
    {{ return({
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
    }) }}
{%- endmacro %}


{#- The (activity_type, id) of every Marketo activity version landed since `cutoff`, read from the
    raw tables: the only activities whose staged row a run can change or remove. -#}
{% macro marketo_activities_landed_since(cutoff) -%}
    {%- for activity_type in revenue_funnel.marketo_activity_tables() %}
        select
            '{{ activity_type }}' as activity_type,
            id
        from ({{ revenue_funnel.contract_source("marketo", "activity_" ~ activity_type) }}) as landed
        where _fivetran_synced >= {{ cutoff }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}


{#- Pre-hook of stg_marketo__activities on incremental runs: remove every row the run
    reprocesses, i.e. the rows synced within the window and every activity (type, id) with a
    version landed within it (updated or deleted at the source); the model then appends the
    latest live version of each. -#}
{% macro delete_reprocessed_marketo_activities() -%}
    {%- if is_incremental() -%}
        {%- set cutoff = revenue_funnel.incremental_cutoff("synced_at") -%}
        delete from {{ this }} as current_rows
        where
            current_rows.synced_at >= {{ cutoff }}
            or exists (
                select 1
                from ({{ revenue_funnel.marketo_activities_landed_since(cutoff) }}) as reprocessed
                where
                    reprocessed.activity_type = current_rows.activity_type
                    and reprocessed.id = current_rows.activity_id
            )
    {%- endif -%}
{%- endmacro %}
