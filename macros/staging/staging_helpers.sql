{#- The latest version of each row by `_fivetran_synced`: connectors re-land a row when it
    changes, and history-mode or re-synced tables can carry an id more than once. Portable
    (`row_number()` in a subquery, no `qualify`). Ties are broken by `tie_breaker` so a rebuild
    picks the same row. Rows with a null key are all kept (not collapsed into one), so the
    staging not_null tests count every such row. -#}
{% macro deduplicate_latest(
    relation, key_columns, order_by="_fivetran_synced desc", tie_breaker=none
) -%}
    {%- set keys = [key_columns] if key_columns is string else key_columns -%}
    select ranked.*
    from (
        select
            {{ relation }}.*,
            row_number() over (
                partition by {{ keys | join(", ") }}
                order by
                    {{ order_by }} nulls last
                    {%- if tie_breaker %}, {{ tie_breaker }}{% endif %}
            ) as row_number_in_key
        from {{ relation }}
    ) as ranked
    where
        ranked.row_number_in_key = 1
        {%- for key in keys %}
        or ranked.{{ key }} is null
        {%- endfor %}
{%- endmacro %}


{#- True for rows deleted at the source (`is_deleted`, a CRM's soft delete) or seen
    deleted by the connector (`_fivetran_deleted`). Use as `where not (...)`. -#}
{% macro is_deleted_row(has_is_deleted=true) -%}
    coalesce(_fivetran_deleted, false)
    {%- if has_is_deleted %} or coalesce(is_deleted, false){% endif %}
{%- endmacro %}


{#- Emails compared across systems: trimmed, lowercased, empty -> null. -#}
{% macro normalize_email(expression) -%}
    nullif(lower(trim({{ expression }})), '')
{%- endmacro %}
