{#- The latest version of each row by `_fivetran_synced` (portable: no `qualify`). -#}
{% macro latest_rows(relation, key_columns, order_by="_fivetran_synced desc nulls last") -%}
    select ranked.*
    from (
        select
            {{ relation }}.*,
            row_number() over (
                partition by {{ key_columns | join(", ") }}
                order by {{ order_by }}
            ) as row_rank_in_key
        from {{ relation }}
    ) as ranked
    where ranked.row_rank_in_key = 1
{%- endmacro %}


{#- True for rows the connector or the source system marked deleted. -#}
{% macro is_deleted_row(has_is_deleted=true) -%}
    coalesce(_fivetran_deleted, false)
    {%- if has_is_deleted %} or coalesce(is_deleted, false){% endif %}
{%- endmacro %}


{#- Emails compared across systems: trimmed, lowercased, empty -> null. -#}
{% macro normalize_email(expression) -%}
    nullif(lower(trim({{ expression }})), '')
{%- endmacro %}


{#- Salesforce polymorphic `who_id`: lead ids start with 00Q, contact ids with 003. -#}
{% macro who_type(expression) -%}
    case
        when {{ expression }} like '00Q%' then 'lead'
        when {{ expression }} like '003%' then 'contact'
    end
{%- endmacro %}
