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


{#- Pre-hook of int_marketo_activities_attributed on incremental runs: remove the rows whose
    activity version is no longer the current one in staging (updated or deleted), every row of
    the Marketo leads whose person changed or is gone (identity resolution re-links records
    retroactively: merges, new CRM ids, email matches), rows without an activity id, and the rows
    synced within the window. The model then appends the current rows of the window and every
    row of the leads left without rows here.
    A staged activity changes only when a version of it lands (staging reprocesses exactly
    those), and what landed since the cutoff covers everything staging reprocessed since this
    model's last run: so the version check looks only at the activities landed since the cutoff,
    not at every stored row. The person check compares every lead with identity resolution. Each
    is computed once into a small set that the delete then matches, instead of two correlated
    checks per row. -#}
{% macro delete_reattributed_marketo_activities() -%}
    {%- if is_incremental() -%}
        {%- set cutoff = revenue_funnel.incremental_cutoff("synced_at") -%}
        delete from {{ this }} as current_rows
        where
            current_rows.synced_at >= {{ cutoff }}
            or current_rows.activity_id is null
            or current_rows.activity_type is null
            or current_rows.synced_at is null
            or current_rows.lead_id is null
            or exists (
                select 1
                from (
                    select
                        attributed.activity_type,
                        attributed.activity_id,
                        attributed.synced_at
                    from {{ this }} as attributed
                    inner join (
                        {{ revenue_funnel.marketo_activities_landed_since(cutoff) }}
                    ) as relanded
                        on
                            attributed.activity_type = relanded.activity_type
                            and attributed.activity_id = relanded.id
                    where not exists (
                        select 1
                        from {{ ref("stg_marketo__activities") }} as activities
                        where
                            activities.activity_type = attributed.activity_type
                            and activities.activity_id = attributed.activity_id
                            and activities.synced_at = attributed.synced_at
                    )
                ) as superseded
                where
                    superseded.activity_type = current_rows.activity_type
                    and superseded.activity_id = current_rows.activity_id
                    and superseded.synced_at = current_rows.synced_at
            )
            or current_rows.lead_id in (
                select attributed.lead_id
                from (
                    select distinct
                        lead_id,
                        person_key
                    from {{ this }}
                ) as attributed
                left join {{ ref("int_persons_resolved") }} as persons
                    on
                        persons.source_system = 'mas_lead'
                        and cast(attributed.lead_id as {{ dbt.type_string() }})
                        = persons.source_record_id
                        and attributed.person_key = persons.person_key
                where persons.person_key is null
            )
    {%- endif -%}
{%- endmacro %}
