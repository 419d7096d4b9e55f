{#- The raw table of the contract, as a select with exactly the contract's columns, each in its
    contract type. Real connector syncs differ from the contract: optional tables may be absent
    (an empty relation stands in), columns an instance doesn't sync are typed nulls (with a
    warning naming them), extra columns are ignored, and string-typed columns are parsed. -#}
{% macro contract_source(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute or "__dbt__cte__" in (relation | string) -%}
        {#- parsing, or a unit test whose fixture rows already carry the contract columns -#}
        select * from {{ relation }}
    {%- else -%}
        {%- set node = revenue_funnel.contract_node(source_name, table_name) -%}
        {%- set contract_columns = node.columns.values() | list -%}
        {%- set existing = adapter.get_relation(
            database=relation.database,
            schema=relation.schema,
            identifier=relation.identifier,
        ) -%}
        {%- if existing is none -%}
            {{ revenue_funnel.empty_contract_relation(contract_columns) }}
        {%- else -%}
            {%- set actual = {} -%}
            {%- for column in adapter.get_columns_in_relation(existing) -%}
                {%- do actual.update({column.name | lower: column}) -%}
            {%- endfor -%}
            {%- set missing = [] -%}
            {%- for column in contract_columns -%}
                {%- if column.name not in actual -%}
                    {%- do missing.append(column.name) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- set key_columns = node.config.meta.get('key_columns', ['id']) -%}
            {%- for key in key_columns if key in missing -%}
                {{ exceptions.raise_compiler_error(
                    "Raw table " ~ relation ~ " (" ~ source_name ~ "." ~ table_name ~ ") has no key column '"
                    ~ key ~ "': rows can't be identified without it. Check the connector sync or "
                    ~ "the " ~ source_name ~ "_" ~ table_name ~ "_identifier var."
                ) }}
            {%- endfor -%}
            {%- if missing -%}
                {%- do exceptions.warn(
                    "Raw table " ~ source_name ~ "." ~ table_name ~ " lacks contract column(s) "
                    ~ missing | join(", ") ~ ": they are null in staging."
                ) -%}
            {%- endif %}
            select
            {%- for column in contract_columns %}
                {% if column.name in missing -%}
                    cast(null as {{ revenue_funnel.contract_type(column.data_type) }})
                {%- else -%}
                    {{ revenue_funnel.cast_to_contract(
                        adapter.quote(actual[column.name].name),
                        actual[column.name],
                        column.data_type,
                    ) }}
                {%- endif %} as {{ column.name }}{{ "," if not loop.last }}
            {%- endfor %}
            from {{ relation }}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{% macro contract_node(source_name, table_name) -%}
    {%- for node in graph.sources.values() -%}
        {%- if node.source_name == source_name and node.name == table_name -%}
            {{ return(node) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error(source_name ~ "." ~ table_name ~ " is not a contract table") }}
{%- endmacro %}


{% macro empty_contract_relation(contract_columns) -%}
    select
    {%- for column in contract_columns %}
        cast(null as {{ revenue_funnel.contract_type(column.data_type) }}) as {{ column.name }}
        {{- "," if not loop.last }}
    {%- endfor %}
    where 1 = 0
{%- endmacro %}
