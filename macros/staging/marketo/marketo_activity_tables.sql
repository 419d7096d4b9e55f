{#- The Marketo activity tables staged into stg_marketo__activities, each with the contract
    columns it maps to the output columns (the others are null); a quoted value is a constant.
    Marketo logs hard and soft bounces as two activity types, landed as two tables: each
    bounce's kind is its table ('hard', 'soft' in new_value), its bounce category ('1'..'4') in
    old_value and the receiving server's details in reason. -#}
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
            "campaign_run_id": "campaign_run_id", "email_template_id": "email_template_id",
        },
        "email_delivered": {
            "campaign_id": "campaign_id", "primary_attribute_value": "primary_attribute_value",
            "primary_attribute_value_id": "primary_attribute_value_id",
            "campaign_run_id": "campaign_run_id", "email_template_id": "email_template_id",
        },
        "email_bounced": {
            "campaign_id": "campaign_id", "primary_attribute_value": "primary_attribute_value",
            "primary_attribute_value_id": "primary_attribute_value_id",
            "campaign_run_id": "campaign_run_id", "email_template_id": "email_template_id",
            "old_value": "category", "new_value": "'hard'", "reason": "details",
        },
        "email_bounced_soft": {
            "campaign_id": "campaign_id", "primary_attribute_value": "primary_attribute_value",
            "primary_attribute_value_id": "primary_attribute_value_id",
            "campaign_run_id": "campaign_run_id", "email_template_id": "email_template_id",
            "old_value": "category", "new_value": "'soft'", "reason": "details",
        },
        "open_email": {
            "campaign_id": "campaign_id", "primary_attribute_value": "primary_attribute_value",
            "primary_attribute_value_id": "primary_attribute_value_id",
            "campaign_run_id": "campaign_run_id", "email_template_id": "email_template_id",
            "is_mobile_device": "is_mobile_device", "device": "device",
        },
        "click_email": {
            "campaign_id": "campaign_id", "primary_attribute_value": "primary_attribute_value",
            "primary_attribute_value_id": "primary_attribute_value_id", "link": "link",
            "campaign_run_id": "campaign_run_id", "email_template_id": "email_template_id",
            "is_mobile_device": "is_mobile_device", "device": "device",
        },
        "unsubscribe_email": {
            "campaign_id": "campaign_id", "primary_attribute_value": "primary_attribute_value",
            "primary_attribute_value_id": "primary_attribute_value_id",
            "campaign_run_id": "campaign_run_id", "email_template_id": "email_template_id",
            "referrer_url": "referrer_url",
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


{#- True on an incremental run whose stored table predates one of the model's columns (a table
    built by an older version of this project): the run removes every row and stages every
    activity again, instead of leaving the column null in the rows landed before the window. -#}
{% macro marketo_activities_restaged() -%}
    {%- if not (execute and is_incremental()) -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set stored = adapter.get_columns_in_relation(this)
        | map(attribute="name") | map("lower") | list -%}
    {%- for column in ["campaign_run_id", "email_template_id", "is_mobile_device", "device"] -%}
        {%- if column not in stored -%}
            {{ return(true) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(false) }}
{%- endmacro %}


{#- Pre-hook of stg_marketo__activities on incremental runs: remove every row the run
    reprocesses, i.e. the rows synced within the window and every activity (type, id) with a
    version landed within it (updated or deleted at the source); the model then appends the
    latest live version of each. A table that predates a column of the model is emptied (see
    marketo_activities_restaged). -#}
{% macro delete_reprocessed_marketo_activities() -%}
    {%- if is_incremental() and revenue_funnel.marketo_activities_restaged() -%}
        delete from {{ this }}
    {%- elif is_incremental() -%}
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
