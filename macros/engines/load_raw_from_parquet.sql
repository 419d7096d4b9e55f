{#- Land raw tables from parquet files (for example written by DuckDB from a generated or loaded
    warehouse) as managed tables of the target, each column cast to its landed type. This is how
    the raw tables get into a Spark session's metastore; run with
    `dbt run-operation load_raw_from_parquet --args '{tables: [...]}'`, where each table is
    {schema, name, path, columns: [[name, type], ...]} (orchestration/engines/spark.py). -#}
{% macro load_raw_from_parquet(tables) -%}
    {{ return(adapter.dispatch("load_raw_from_parquet", "revenue_funnel")(tables)) }}
{%- endmacro %}

{% macro default__load_raw_from_parquet(tables) -%}
    {{ exceptions.raise_compiler_error(
        "load_raw_from_parquet is for Spark; PostgreSQL is loaded with COPY and DuckDB by "
        ~ "`funnel generate` or `funnel load`."
    ) }}
{%- endmacro %}

{% macro spark__load_raw_from_parquet(tables) -%}
    {%- for table in tables -%}
        {%- set relation = adapter.quote(table.schema) ~ "." ~ adapter.quote(table.name) -%}
        {%- set columns = [] -%}
        {%- for name, data_type in table.columns -%}
            {%- do columns.append(
                "cast(" ~ adapter.quote(name) ~ " as " ~ data_type ~ ") as " ~ adapter.quote(name)
            ) -%}
        {%- endfor -%}
        {%- do run_query("create schema if not exists " ~ adapter.quote(table.schema)) -%}
        {%- do run_query("drop table if exists " ~ relation) -%}
        {%- do run_query(
            "create table " ~ relation ~ " using parquet as select " ~ columns | join(", ")
            ~ " from parquet.`" ~ table.path ~ "`"
        ) -%}
        {%- do log("Loaded " ~ relation ~ " from " ~ table.path, info=true) -%}
    {%- endfor -%}
{%- endmacro %}
