{#- Unit tests can't see the raw contract: dbt compiles them against a manifest of their own, in
    which `graph` is empty. So every dbt invocation first publishes the contract (the sources
    yml's columns and types) as a small table, `staging.raw_contract_columns`, from which
    unit-test fixtures and contract_source read it. Run as an on-run-start hook. -#}
{% macro raw_contract_relation() -%}
    {{ return(api.Relation.create(
        database=target.database if target.database is defined else none,
        schema=generate_schema_name("staging", none) | trim,
        identifier="raw_contract_columns",
        type="table",
    )) }}
{%- endmacro %}


{% macro publish_raw_contract() -%}
    {%- if not execute or not graph.get("sources") -%}
        {{ return("") }}
    {%- endif -%}
    {%- set rows = [] -%}
    {%- for node in graph.sources.values()
        if node.package_name == project_name and node.config.meta.get("contract") -%}
        {%- set key_columns = node.config.meta.get("key_columns", ["id"]) -%}
        {%- for column in node.columns.values() -%}
            {%- do rows.append("('" ~ node.source_name ~ "', '" ~ node.name ~ "', " ~ loop.index
                ~ ", '" ~ column.name ~ "', '" ~ column.data_type ~ "', "
                ~ ("true" if column.name in key_columns else "false") ~ ")") -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set relation = revenue_funnel.raw_contract_relation() -%}
    {%- do adapter.create_schema(relation) -%}
    {%- do adapter.drop_relation(relation) -%}
    {%- set contract_sql -%}
        select * from (
            values
            {{ rows | join(",\n            ") }}
        ) as contract (source_name, table_name, column_position, column_name, data_type, is_key)
    {%- endset -%}
    {%- do run_query(get_create_table_as_sql(false, relation, contract_sql)) -%}
    {%- do adapter.cache_added(relation) -%}
    {{ return("") }}
{%- endmacro %}


{#- [{name, data_type}] of one contract table, read back from the published contract. -#}
{% macro published_contract_columns(source_name, table_name) -%}
    {%- set relation = revenue_funnel.raw_contract_relation() -%}
    {%- if load_relation(relation) is none -%}
        {{ exceptions.raise_compiler_error(
            relation ~ " is missing: the on-run-start hook publish_raw_contract writes it. "
            ~ "Unit tests of staging models need it; run them with dbt build or dbt test."
        ) }}
    {%- endif -%}
    {%- set query -%}
        select column_name, data_type
        from {{ relation }}
        where source_name = '{{ source_name }}' and table_name = '{{ table_name }}'
        order by column_position
    {%- endset -%}
    {%- set columns = [] -%}
    {%- for row in run_query(query).rows -%}
        {%- do columns.append({"name": row[0], "data_type": row[1]}) -%}
    {%- endfor -%}
    {{ return(columns) }}
{%- endmacro %}
