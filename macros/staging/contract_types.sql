{#- The contract's generic type names (see the sources yml) in the target's dialect. -#}
{% macro contract_type(data_type) -%}
    {%- set types = {
        "varchar": dbt.type_string(),
        "integer": dbt.type_int(),
        "bigint": dbt.type_bigint(),
        "double": revenue_funnel.type_double(),
        "boolean": dbt.type_boolean(),
        "timestamp": dbt.type_timestamp(),
        "date": "date",
    } -%}
    {%- if data_type not in types -%}
        {{ exceptions.raise_compiler_error("Unknown contract data_type '" ~ data_type ~ "'") }}
    {%- endif -%}
    {{ return(types[data_type]) }}
{%- endmacro %}


{#- A 64-bit float. Not dbt.type_float(): that is `float`, a 32-bit REAL on DuckDB and Spark,
    which would round amounts and revenues. -#}
{% macro type_double() -%}
    {{ return(adapter.dispatch("type_double", "revenue_funnel")()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    {{ return("double precision") }}
{%- endmacro %}

{% macro duckdb__type_double() -%}
    {{ return("double") }}
{%- endmacro %}

{% macro spark__type_double() -%}
    {{ return("double") }}
{%- endmacro %}


{#- True when a landed column already has the contract type (no cast needed). -#}
{% macro landed_type_matches(column, data_type) -%}
    {%- set landed = column.dtype | lower -%}
    {%- set spellings = {
        "integer": ["integer", "int", "int4", "int32"],
        "bigint": ["bigint", "int8", "int64", "long"],
        "double": ["double", "double precision", "float8", "float64"],
        "boolean": ["boolean", "bool"],
        "timestamp": ["timestamp", "timestamp without time zone", "datetime", "timestamp_ntz"],
        "date": ["date"],
    } -%}
    {%- if data_type == "varchar" -%}
        {{ return(column.is_string()) }}
    {%- endif -%}
    {#- Spark's `timestamp` is its instant type; a timestamp_ntz column is cast to it (in the
        UTC session), so every timestamp downstream has the one type. -#}
    {%- if target.type == "spark" and landed == "timestamp_ntz" -%}
        {{ return(false) }}
    {%- endif -%}
    {{ return(landed.split("(")[0] | trim in spellings.get(data_type, [])) }}
{%- endmacro %}


{% macro is_timestamptz(column) -%}
    {%- set landed = column.dtype | lower -%}
    {{ return(
        landed.startswith("timestamp with time zone")
        or landed in ("timestamptz", "timestamp_tz")
    ) }}
{%- endmacro %}


{#- Cast a landed column to its contract type. Strings are parsed leniently: a value that
    doesn't parse becomes null (the loader's problem report counts those). -#}
{% macro cast_to_contract(expression, column, data_type) -%}
    {%- if revenue_funnel.landed_type_matches(column, data_type) -%}
        {{ expression }}
    {%- elif data_type == "timestamp" -%}
        {%- if revenue_funnel.is_timestamptz(column) -%}
            {{ revenue_funnel.utc_timestamp_from_timestamptz(expression) }}
        {%- elif column.is_string() -%}
            {{ revenue_funnel.parse_utc_timestamp(expression) }}
        {%- else -%}
            cast({{ expression }} as {{ dbt.type_timestamp() }})
        {%- endif -%}
    {%- elif data_type == "date" -%}
        {%- if revenue_funnel.is_timestamptz(column) -%}
            cast({{ revenue_funnel.utc_timestamp_from_timestamptz(expression) }} as date)
        {%- elif column.is_string() -%}
            cast({{ revenue_funnel.parse_utc_timestamp(expression) }} as date)
        {%- else -%}
            cast({{ expression }} as date)
        {%- endif -%}
    {%- elif data_type == "boolean" -%}
        {{ revenue_funnel.parse_boolean(expression) }}
    {%- elif data_type == "varchar" -%}
        cast({{ expression }} as {{ dbt.type_string() }})
    {%- elif column.is_number() -%}
        cast({{ expression }} as {{ revenue_funnel.contract_type(data_type) }})
    {%- else -%}
        {{ revenue_funnel.parse_number(expression, data_type) }}
    {%- endif -%}
{%- endmacro %}


{#- Text -> number; `' 250 '` and `'250.0'` both give 250 for integer types. -#}
{% macro parse_number(expression, data_type) -%}
    {%- set target_type = revenue_funnel.contract_type(data_type) -%}
    {%- set text = "nullif(trim(" ~ expression ~ "), '')" -%}
    {%- if data_type in ("integer", "bigint") -%}
        coalesce(
            {{ dbt.safe_cast(text, target_type) }},
            cast({{ dbt.safe_cast(text, revenue_funnel.type_double()) }} as {{ target_type }})
        )
    {%- else -%}
        {{ dbt.safe_cast(text, target_type) }}
    {%- endif -%}
{%- endmacro %}


{#- A signed number as a MAS writes score changes: `+10` -> 10, `-5` -> -5, ` 3 ` -> 3. -#}
{% macro parse_signed_number(expression, data_type="double") -%}
    {{ revenue_funnel.parse_number("replace(" ~ expression ~ ", '+', '')", data_type) }}
{%- endmacro %}


{#- Any of the contract's timestamp spellings -> a UTC timestamp without time zone:
    `2020-05-13 23:43:24.000`, `2020-05-13 23:43:24 UTC`, ISO 8601 with `T`, `Z` or an offset.
    A value without a zone is UTC (the contract's rule), whatever the session time zone is. -#}
{% macro parse_utc_timestamp(expression) -%}
    {{ return(adapter.dispatch("parse_utc_timestamp", "revenue_funnel")(expression)) }}
{%- endmacro %}

{% macro default__parse_utc_timestamp(expression) -%}
    {%- set text = "replace(nullif(trim(" ~ expression ~ "), ''), ' UTC', 'Z')" -%}
    case
        when {{ revenue_funnel.has_zone_suffix(text) }}
            then cast(cast({{ text }} as timestamp with time zone) at time zone 'UTC' as timestamp)
        else cast({{ text }} as timestamp)
    end
{%- endmacro %}

{#- PostgreSQL: the same, through the null-on-failure casts (macros/cross_database). -#}
{% macro postgres__parse_utc_timestamp(expression) -%}
    {%- set text = "replace(nullif(trim(" ~ expression ~ "), ''), ' UTC', 'Z')" -%}
    case
        when {{ revenue_funnel.has_zone_suffix(text) }}
            then {{ dbt.safe_cast(text, "timestamp with time zone") }} at time zone 'UTC'
        else {{ dbt.safe_cast(text, "timestamp") }}
    end
{%- endmacro %}

{#- Spark's cast reads every contract spelling, zone suffixes included, and gives null for
    text that isn't a timestamp (ANSI mode off, as dbt-spark sets it). A value without a zone is
    read in the session time zone, which the project's Spark profiles set to UTC. -#}
{% macro spark__parse_utc_timestamp(expression) -%}
    cast(nullif(trim({{ expression }}), '') as timestamp)
{%- endmacro %}

{% macro duckdb__parse_utc_timestamp(expression) -%}
    {%- set text = "nullif(trim(" ~ expression ~ "), '')" -%}
    case
        when {{ revenue_funnel.has_zone_suffix(text) }}
            then timezone('UTC', try_cast({{ text }} as timestamptz))
        else try_cast({{ text }} as timestamp)
    end
{%- endmacro %}


{#- True when a timestamp text ends in a zone: `Z`, `UTC`, `+02:00`, `-0400`, `+02`. -#}
{% macro has_zone_suffix(text) -%}
    {{ return(adapter.dispatch("has_zone_suffix", "revenue_funnel")(text)) }}
{%- endmacro %}

{% macro default__has_zone_suffix(text) -%}
    {{ text }} ~ '\d:\d\d(:\d\d([.,]\d*)?)?\s*([zZ]|UTC|[+-]\d\d(:?\d\d)?)$'
{%- endmacro %}

{% macro duckdb__has_zone_suffix(text) -%}
    regexp_matches({{ text }}, '\d:\d\d(:\d\d([.,]\d*)?)?\s*([zZ]|UTC|[+-]\d\d(:?\d\d)?)$')
{%- endmacro %}

{% macro spark__has_zone_suffix(text) -%}
    {{ text }} rlike '\\d:\\d\\d(:\\d\\d([.,]\\d*)?)?\\s*([zZ]|UTC|[+-]\\d\\d(:?\\d\\d)?)$'
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


{#- true/false, t/f, 1/0, yes/no, y/n in any case -> boolean; anything else -> null. -#}
{% macro parse_boolean(expression) -%}
    {%- set text = "lower(trim(cast(" ~ expression ~ " as " ~ dbt.type_string() ~ ")))" -%}
    case
        when {{ text }} in ('true', 't', '1', 'yes', 'y') then true
        when {{ text }} in ('false', 'f', '0', 'no', 'n') then false
    end
{%- endmacro %}
