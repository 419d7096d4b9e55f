{#- `[12,13]` -> one row per item (as text). Connectors land Marketo list fields as strings. -#}
{% macro split_list_items(expression) -%}
    {{ return(adapter.dispatch("split_list_items", "revenue_funnel")(expression)) }}
{%- endmacro %}

{% macro default__split_list_items(expression) -%}
    unnest(string_split(trim({{ expression }}, '[] '), ','))
{%- endmacro %}

{% macro postgres__split_list_items(expression) -%}
    unnest(string_to_array(trim(both '[] ' from {{ expression }}), ','))
{%- endmacro %}

{% macro spark__split_list_items(expression) -%}
    explode(split(regexp_replace({{ expression }}, '[\\[\\] ]', ''), ','))
{%- endmacro %}
