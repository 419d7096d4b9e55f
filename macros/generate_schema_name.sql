{#- Models land in the schema their folder names (staging, intermediate, marts), with no target
    prefix: BI and the governance gates read fixed schema names whatever the target. -#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
