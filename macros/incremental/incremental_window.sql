{#- Incremental runs reprocess every row landed since a cutoff: the latest `column` value already
    in this model minus `incremental_lookback_days` (a dbt var, default 3), which covers rows a
    connector lands late and records it re-lands with a newer `_fivetran_synced`. The cutoff is a
    timestamp literal computed when the model and its pre-hook are rendered, before the hook
    deletes anything, so the hook and the model's select see the same window. -#}
{% macro incremental_cutoff(column) -%}
    {%- set lookback_days = var("incremental_lookback_days", 3) | int -%}
    {%- set latest = none -%}
    {%- if execute -%}
        {%- set latest = run_query(
            "select max(" ~ column ~ ") from " ~ this
        ).columns[0].values()[0] -%}
    {%- endif -%}
    {%- if latest is none -%}
        cast('1900-01-01 00:00:00' as {{ dbt.type_timestamp() }})
    {%- else -%}
        {{ dbt.dateadd(
            "day",
            -1 * lookback_days,
            "cast('" ~ latest ~ "' as " ~ dbt.type_timestamp() ~ ")",
        ) }}
    {%- endif -%}
{%- endmacro %}


{#- Strategy of the incremental models: each deletes what it reprocesses in a pre-hook and
    appends the reprocessed rows, which every engine supports (on Spark the tables must be Delta
    or Iceberg for the delete). -#}
{% macro reprocessing_strategy() -%}
    append
{%- endmacro %}
