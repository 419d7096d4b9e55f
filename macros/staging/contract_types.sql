{#- The contract's generic type names (see the sources yml) in the target's dialect. -#}
{% macro contract_type(data_type) -%}
    {%- set types = {
        "varchar": dbt.type_string(),
        "integer": dbt.type_int(),
        "bigint": dbt.type_bigint(),
        "double": dbt.type_float(),
        "boolean": dbt.type_boolean(),
        "timestamp": dbt.type_timestamp(),
        "date": "date",
    } -%}
    {%- if data_type not in types -%}
        {{ exceptions.raise_compiler_error("Unknown contract data_type '" ~ data_type ~ "'") }}
    {%- endif -%}
    {{ return(types[data_type]) }}
{%- endmacro %}


{#- Cast a landed column to its contract type. A column already of the right type passes
    through untouched, so typed connector tables cost nothing; strings are parsed leniently
    (a value that doesn't parse becomes null; the governance gates count those). -#}
{% macro cast_to_contract(expression, column, data_type) -%}
    {%- set landed = column.dtype | lower -%}
    {%- if data_type == "timestamp" -%}
        {%- if landed.startswith("timestamp with time zone") or landed == "timestamptz" -%}
            {{ revenue_funnel.utc_timestamp_from_timestamptz(expression) }}
        {%- elif landed.startswith("timestamp") or landed == "datetime" -%}
            {{ expression }}
        {%- else -%}
            {{ revenue_funnel.parse_utc_timestamp(expression) }}
        {%- endif -%}
    {%- elif data_type == "date" -%}
        {%- if landed == "date" -%}
            {{ expression }}
        {%- elif landed.startswith("timestamp") -%}
            cast({{ expression }} as date)
        {%- else -%}
            cast({{ revenue_funnel.parse_utc_timestamp(expression) }} as date)
        {%- endif -%}
    {%- elif data_type == "boolean" -%}
        {%- if landed in ("boolean", "bool") -%}
            {{ expression }}
        {%- else -%}
            {{ revenue_funnel.parse_boolean(expression) }}
        {%- endif -%}
    {%- elif data_type == "varchar" -%}
        {%- if column.is_string() -%}
            {{ expression }}
        {%- else -%}
            cast({{ expression }} as {{ dbt.type_string() }})
        {%- endif -%}
    {%- else -%}
        {%- set target_type = revenue_funnel.contract_type(data_type) -%}
        {%- if landed == target_type | lower -%}
            {{ expression }}
        {%- elif column.is_number() -%}
            cast({{ expression }} as {{ target_type }})
        {%- else -%}
            {{ dbt.safe_cast("nullif(trim(" ~ expression ~ "), '')", target_type) }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- Any of the contract's timestamp spellings -> a UTC timestamp without time zone:
    `2020-05-13 23:43:24.000`, `2020-05-13 23:43:24 UTC`, ISO 8601 with `T`, `Z` or an offset. -#}
{% macro parse_utc_timestamp(expression) -%}
    {{ return(adapter.dispatch("parse_utc_timestamp", "revenue_funnel")(expression)) }}
{%- endmacro %}

{% macro default__parse_utc_timestamp(expression) -%}
    cast({{ dbt.safe_cast("replace(trim(" ~ expression ~ "), ' UTC', '+00:00')", "timestamp") }} as timestamp)
{%- endmacro %}

{% macro duckdb__parse_utc_timestamp(expression) -%}
    timezone('UTC', try_cast(nullif(trim({{ expression }}), '') as timestamptz))
{%- endmacro %}


{% macro utc_timestamp_from_timestamptz(expression) -%}
    {{ return(adapter.dispatch("utc_timestamp_from_timestamptz", "revenue_funnel")(expression)) }}
{%- endmacro %}

{% macro default__utc_timestamp_from_timestamptz(expression) -%}
    cast({{ expression }} at time zone 'UTC' as timestamp)
{%- endmacro %}

{% macro duckdb__utc_timestamp_from_timestamptz(expression) -%}
    timezone('UTC', {{ expression }})
{%- endmacro %}


{% macro parse_boolean(expression) -%}
    case
        when lower(trim(cast({{ expression }} as {{ dbt.type_string() }})))
            in ('true', 't', '1', 'yes', 'y') then true
        when lower(trim(cast({{ expression }} as {{ dbt.type_string() }})))
            in ('false', 'f', '0', 'no', 'n') then false
    end
{%- endmacro %}
