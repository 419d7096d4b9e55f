{#- dbt's datediff and dateadd, where the adapters' own versions disagree with DuckDB's (dispatch
    order in dbt_project.yml puts these first). All engines then count unit boundaries crossed
    (DuckDB's date_diff semantics) and keep sub-second precision. -#}

{#- PostgreSQL: dbt-postgres builds datediff from date_part, which is double precision, and
    PostgreSQL has no round(double precision, integer): a whole number of units is a bigint. -#}
{% macro postgres__datediff(first_date, second_date, datepart) -%}
    cast({{ dbt.postgres__datediff(first_date, second_date, datepart) }} as {{ dbt.type_bigint() }})
{%- endmacro %}


{#- Spark: dbt-spark's datediff for hours, minutes and seconds rounds the elapsed time up
    (10:00:10 -> 10:00:50 is "1 minute") instead of counting boundaries, and its dateadd goes
    through whole unix seconds, dropping fractions. -#}
{% macro spark__datediff(first_date, second_date, datepart) -%}
    {%- set unit_micros = {"hour": 3600000000, "minute": 60000000, "second": 1000000} -%}
    {%- if datepart in unit_micros -%}
        (floor(unix_micros(cast({{ second_date }} as timestamp)) / {{ unit_micros[datepart] }})
            - floor(unix_micros(cast({{ first_date }} as timestamp)) / {{ unit_micros[datepart] }}))
    {%- else -%}
        {{ dbt.spark__datediff(first_date, second_date, datepart) }}
    {%- endif -%}
{%- endmacro %}

{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) -%}
    timestampadd(
        {{ datepart | upper }},
        cast({{ interval }} as {{ dbt.type_bigint() }}),
        cast({{ from_date_or_timestamp }} as timestamp)
    )
{%- endmacro %}
