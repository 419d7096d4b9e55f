{#- Pre-hook of int_marketing_activities_attributed on incremental runs: remove the rows synced
    within the window, rows without an activity id, every row whose activity version is no longer
    the current one in int_marketing_activities (updated, or deleted at the source), and every row
    of the person records whose person changed or is gone (identity resolution re-links records
    retroactively: merges, new CRM ids, email matches, a system that lands and takes a role). The
    model then appends the current rows of the window and every row of the records left without
    rows here. Each check is computed once into a small set the delete matches, instead of
    correlated checks per row. Rows stored before the model had one of its columns (the model
    adds the column, null in them) are all removed and attributed again. -#}
{% macro delete_reattributed_marketing_activities() -%}
    {%- if is_incremental() -%}
        {%- set cutoff = revenue_funnel.incremental_cutoff("synced_at") -%}
        {%- set stored_columns = adapter.get_columns_in_relation(this)
            | map(attribute="name") | map("lower") | list -%}
        {%- if "old_value" not in stored_columns or "new_value" not in stored_columns
            or "campaign_run_id" not in stored_columns %}
        delete from {{ this }}
        {%- else %}
        delete from {{ this }} as current_rows
        where
            current_rows.synced_at >= {{ cutoff }}
            or current_rows.activity_id is null
            or current_rows.activity_type is null
            or current_rows.synced_at is null
            or current_rows.record_id is null
            or exists (
                select 1
                from (
                    select
                        attributed.source_system,
                        attributed.source_activity_type,
                        attributed.activity_id,
                        attributed.synced_at
                    from {{ this }} as attributed
                    left join {{ ref("int_marketing_activities") }} as activities
                        on
                            attributed.source_system = activities.source_system
                            and attributed.source_activity_type = activities.source_activity_type
                            and attributed.activity_id = activities.activity_id
                            and attributed.synced_at = activities.synced_at
                    where activities.activity_id is null
                ) as superseded
                where
                    superseded.source_system = current_rows.source_system
                    and superseded.source_activity_type = current_rows.source_activity_type
                    and superseded.activity_id = current_rows.activity_id
                    and superseded.synced_at = current_rows.synced_at
            )
            or exists (
                select 1
                from (
                    select
                        attributed.source_system,
                        attributed.record_type,
                        attributed.record_id
                    from (
                        select distinct
                            source_system,
                            record_type,
                            record_id,
                            person_key
                        from {{ this }}
                    ) as attributed
                    left join (
                        {{ revenue_funnel.system_role_words(ref("int_source_system_roles")) }}
                    ) as role_words
                        on attributed.source_system = role_words.source_system
                    left join {{ ref("int_persons_resolved") }} as persons
                        on
                            persons.source_system
                            = role_words.role_word || '_' || attributed.record_type
                            and attributed.record_id = persons.source_record_id
                            and attributed.person_key = persons.person_key
                    where persons.person_key is null
                ) as relinked
                where
                    relinked.source_system = current_rows.source_system
                    and relinked.record_type = current_rows.record_type
                    and relinked.record_id = current_rows.record_id
            )
        {%- endif %}
    {%- endif -%}
{%- endmacro %}
