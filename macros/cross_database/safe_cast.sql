{#- dbt.safe_cast promises null for a value that doesn't convert. DuckDB has try_cast and Spark
    (ANSI mode off, as dbt-spark sets it) casts a bad value to null, but dbt-postgres' safe_cast
    is a plain cast that fails the whole query on the first bad value, and PostgreSQL 15 has no
    try_cast. So on PostgreSQL the project defines one small conversion function per target type
    (define_safe_casts, run on-run-start) and dbt.safe_cast dispatches here first (see
    `dispatch` in dbt_project.yml). -#}
{% macro safe_cast_functions() -%}
    {{ return({
        "integer": ["integer", "int", "int4"],
        "bigint": ["bigint", "int8"],
        "double precision": ["double precision", "double", "float8", "float", "real", "numeric"],
        "boolean": ["boolean", "bool"],
        "date": ["date"],
        "timestamp": ["timestamp", "timestamp without time zone"],
        "timestamp with time zone": ["timestamp with time zone", "timestamptz"],
    }) }}
{%- endmacro %}


{% macro safe_cast_function_name(type_name) -%}
    {%- set schema = generate_schema_name("staging", none) | trim -%}
    {{ return(adapter.quote(schema) ~ ".funnel_try_" ~ type_name | replace(" ", "_")) }}
{%- endmacro %}


{% macro postgres__safe_cast(field, type) -%}
    {%- set spelled = type | lower | trim -%}
    {%- for type_name, spellings in revenue_funnel.safe_cast_functions().items()
        if spelled in spellings -%}
        {%- if type_name == "double precision" and spelled != "double precision" -%}
            cast({{ revenue_funnel.safe_cast_function_name(type_name) }}(cast({{ field }} as text))
                as {{ type }})
        {%- else -%}
            {{ revenue_funnel.safe_cast_function_name(type_name) }}(cast({{ field }} as text))
        {%- endif -%}
    {%- else -%}
        cast({{ field }} as {{ type }})
    {%- endfor -%}
{%- endmacro %}


{#- On-run-start: create the conversion functions where the engine needs them. -#}
{% macro define_safe_casts() -%}
    {{ return(adapter.dispatch("define_safe_casts", "revenue_funnel")()) }}
{%- endmacro %}

{% macro default__define_safe_casts() -%}
    {{ return("") }}
{%- endmacro %}

{% macro postgres__define_safe_casts() -%}
    {%- if not execute -%}
        {{ return("") }}
    {%- endif -%}
    {%- set schema = generate_schema_name("staging", none) | trim -%}
    {%- do adapter.create_schema(api.Relation.create(database=target.database, schema=schema)) -%}
    {%- for type_name in revenue_funnel.safe_cast_functions() -%}
        {%- set definition -%}
            create or replace function {{ revenue_funnel.safe_cast_function_name(type_name) }}(
                value text
            ) returns {{ type_name }} language plpgsql immutable as $$
            begin
                return cast(value as {{ type_name }});
            exception when others then
                return null;
            end
            $$
        {%- endset -%}
        {%- do run_query(definition) -%}
    {%- endfor -%}
    {{ return("") }}
{%- endmacro %}
