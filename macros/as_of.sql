{#- The instant "now" means for open stages and SLA clocks: dbt var `as_of` (UTC) when given, else
    the environment variable FUNNEL_AS_OF, so a rebuild with the same data and as-of gives the same
    answer; else the current UTC time. Pipeline runs pass the environment variable: a var that
    changes every day would make dbt re-parse the whole project on every run, an environment
    variable only the files that read it. -#}
{% macro as_of_timestamp() -%}
    {%- set as_of = var("as_of", none) or env_var("FUNNEL_AS_OF", "") -%}
    {%- if as_of -%}
        cast('{{ as_of }}' as {{ dbt.type_timestamp() }})
    {%- else -%}
        {{ adapter.dispatch("current_utc_timestamp", "revenue_funnel")() }}
    {%- endif -%}
{%- endmacro %}

{% macro default__current_utc_timestamp() -%}
    cast(current_timestamp at time zone 'UTC' as {{ dbt.type_timestamp() }})
{%- endmacro %}

{% macro duckdb__current_utc_timestamp() -%}
    timezone('UTC', now())
{%- endmacro %}

{% macro spark__current_utc_timestamp() -%}
    to_utc_timestamp(current_timestamp(), current_timezone())
{%- endmacro %}


{#- Elapsed days between two timestamps, with minute precision, to two decimals. -#}
{% macro days_between(start_at, end_at) -%}
    {{ rounded_ratio(dbt.datediff(start_at, end_at, "minute"), 1440, 2) }}
{%- endmacro %}


{#- ISO day of week: Monday = 1 ... Sunday = 7. -#}
{% macro iso_day_of_week(date_expression) -%}
    {{ return(adapter.dispatch("iso_day_of_week", "revenue_funnel")(date_expression)) }}
{%- endmacro %}

{% macro default__iso_day_of_week(date_expression) -%}
    cast(extract(isodow from {{ date_expression }}) as {{ dbt.type_int() }})
{%- endmacro %}

{% macro spark__iso_day_of_week(date_expression) -%}
    ((dayofweek({{ date_expression }}) + 5) % 7) + 1
{%- endmacro %}
