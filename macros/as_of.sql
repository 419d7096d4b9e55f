{#- The instant "now" means for open stages and SLA clocks: dbt var `as_of` (UTC) when given, so a
    rebuild with the same data and as_of gives the same answer; else the current UTC time. -#}
{% macro as_of_timestamp() -%}
    {%- set as_of = var("as_of", none) -%}
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


{#- Elapsed days between two timestamps, with minute precision. -#}
{% macro days_between(start_at, end_at) -%}
    round({{ dbt.datediff(start_at, end_at, "minute") }} / 1440.0, 2)
{%- endmacro %}
