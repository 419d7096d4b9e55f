{#- `[12,13]` -> one row per item (as text), in the select list. Connectors land list fields
    (e.g. a MAS lead's `merge_ids`) as strings. Items may carry spaces; callers trim and drop
    empty items. -#}
{% macro split_list_items(expression) -%}
    {{ return(adapter.dispatch("split_list_items", "revenue_funnel")(expression)) }}
{%- endmacro %}

{#- PostgreSQL and other engines with string_to_array and a set-returning unnest. -#}
{% macro default__split_list_items(expression) -%}
    unnest(string_to_array(trim(both '[] ' from {{ expression }}), ','))
{%- endmacro %}

{% macro duckdb__split_list_items(expression) -%}
    unnest(string_split(trim({{ expression }}, '[] '), ','))
{%- endmacro %}

{% macro spark__split_list_items(expression) -%}
    explode(split(regexp_replace({{ expression }}, '[\\[\\] ]', ''), ','))
{%- endmacro %}
