{#- The raw table of the contract, as a select with exactly the contract's columns, each in its
    contract type (the sources yml is the contract: `columns[].data_type`, `meta.key_columns`).
    Real connector syncs differ from the contract:
    - an absent table (optional tables often are) -> an empty relation with the contract columns;
    - an absent non-key column -> a typed null, and a warning naming table and columns;
    - an absent key column (`meta.key_columns`) -> a compile error naming table and column;
    - extra columns -> ignored;
    - a column landed in another type (text from CSV exports) -> parsed; a column already in its
      contract type passes through untouched, so typed connector tables cost nothing.
    `source()` is always called, so lineage and `dbt build --select source:...+` keep working. -#}
{% macro contract_source(source_name, table_name) -%}
    {%- set relation = source(source_name, table_name) -%}
    {%- if not execute -%}
        select * from {{ relation }}
    {%- elif revenue_funnel.is_unit_test_fixture(relation) -%}
        {{ revenue_funnel.contract_select_from_fixture(source_name, table_name, relation) }}
    {%- else -%}
        {{ revenue_funnel.contract_select_from_warehouse(source_name, table_name, relation) }}
    {%- endif -%}
{%- endmacro %}


{% macro contract_select_from_warehouse(source_name, table_name, relation) -%}
    {%- set node = revenue_funnel.contract_node(source_name, table_name) -%}
    {%- set contract_columns = node.columns.values() | list -%}
    {%- set existing = adapter.get_relation(
        database=relation.database,
        schema=relation.schema,
        identifier=relation.identifier,
    ) -%}
    {%- if existing is none -%}
        {%- set message = "Raw table " ~ source_name ~ "." ~ table_name ~ " (" ~ relation
            ~ ") is absent: staging treats it as empty." -%}
        {%- if node.config.meta.get("contract") == "required" -%}
            {%- do exceptions.warn(message ~ " It is a required table of the contract.") -%}
        {%- else -%}
            {%- do log(message, info=true) -%}
        {%- endif -%}
        {{ revenue_funnel.empty_contract_relation(contract_columns) }}
    {%- else -%}
        {%- set landed = {} -%}
        {%- for column in adapter.get_columns_in_relation(existing) -%}
            {%- do landed.update({column.name | lower: column}) -%}
        {%- endfor -%}
        {%- set landed_names = {} -%}
        {%- for column in contract_columns -%}
            {%- do landed_names.update({column.name: revenue_funnel.landed_column_name(column)}) -%}
        {%- endfor -%}
        {%- set missing = [] -%}
        {%- for column in contract_columns if landed_names[column.name] not in landed -%}
            {%- do missing.append(column.name) -%}
        {%- endfor -%}
        {%- for key in node.config.meta.get("key_columns", ["id"]) if key in missing -%}
            {{ exceptions.raise_compiler_error(
                "Raw table " ~ source_name ~ "." ~ table_name ~ " (" ~ relation ~ ") has no key "
                ~ "column '" ~ key ~ "': its rows can't be identified without it. Check the "
                ~ "connector sync, or the " ~ source_name ~ "_" ~ table_name ~ "_identifier var."
            ) }}
        {%- endfor -%}
        {%- if missing -%}
            {%- set described = [] -%}
            {%- for name in missing -%}
                {%- set column = node.columns[name] -%}
                {%- set field_var = revenue_funnel.custom_field_var(column) -%}
                {%- set field = var(field_var, column.config.meta.get("custom_field_default"))
                    if field_var else none -%}
                {%- do described.append(landed_names[name] ~ (
                    " (custom field " ~ field ~ ", set by the " ~ field_var ~ " var)"
                    if field_var else "")) -%}
            {%- endfor -%}
            {%- do exceptions.warn(
                "Raw table " ~ source_name ~ "." ~ table_name ~ " lacks contract column(s) "
                ~ described | join(", ") ~ ": they are null in staging."
            ) -%}
        {%- endif %}
    select
        {%- for column in contract_columns %}
        {% if column.name in missing -%}
            cast(null as {{ revenue_funnel.contract_type(column.data_type) }})
        {%- else -%}
            {{ revenue_funnel.cast_to_contract(
                adapter.quote(landed[landed_names[column.name]].name),
                landed[landed_names[column.name]],
                column.data_type,
            ) }}
        {%- endif %} as {{ column.name }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ relation }}
    {%- endif -%}
{%- endmacro %}


{#- Under unit tests `source()` is the fixture CTE and `graph` is empty. Contract fixtures are
    text (see get_fixture_sql), so they go through the same parsing as a CSV-landed table: a unit
    test can give timestamps in any contract spelling. -#}
{% macro contract_select_from_fixture(source_name, table_name, relation) -%}
    {%- set text_column = api.Column.create("fixture_value", dbt.type_string()) %}
    {%- set columns = revenue_funnel.published_contract_columns(source_name, table_name) %}
    select
        {%- for column in columns %}
        {{ revenue_funnel.cast_to_contract(
            "cast(" ~ adapter.quote(column.name) ~ " as " ~ dbt.type_string() ~ ")",
            text_column,
            column.data_type,
        ) }} as {{ column.name }}{{ "," if not loop.last }}
        {%- endfor %}
    from {{ relation }}
{%- endmacro %}


{% macro is_unit_test_fixture(relation) -%}
    {{ return("__dbt__cte__" in (relation | string)) }}
{%- endmacro %}


{#- The contract of one raw table: its source node (columns with data_type, meta). -#}
{% macro contract_node(source_name, table_name) -%}
    {%- for node in graph.sources.values() -%}
        {%- if node.source_name == source_name and node.name == table_name
            and node.package_name == project_name -%}
            {{ return(node) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error(
        source_name ~ "." ~ table_name ~ " is not a contract table"
    ) }}
{%- endmacro %}


{% macro empty_contract_relation(contract_columns) %}
    select
        {%- for column in contract_columns %}
        cast(null as {{ revenue_funnel.contract_type(column.data_type) }}) as {{ column.name }}
        {{- "," if not loop.last }}
        {%- endfor %}
    where 1 = 0
{%- endmacro %}


{#- The column a contract column is landed as. A custom field (column meta `custom_field_var`) is
    named per org by a var holding its API (or property) name, which the connector lands in snake
    case (`Loss_Reason__c` -> `loss_reason_c`); every other column lands under its own name. -#}
{% macro landed_column_name(column) -%}
    {%- set field_var = revenue_funnel.custom_field_var(column) -%}
    {%- if not field_var -%}
        {{ return(column.name) }}
    {%- endif -%}
    {%- set meta = column.get("config", {}).get("meta", {}) or column.get("meta", {}) -%}
    {{ return(meta.get("custom_field_prefix", "") ~ revenue_funnel.connector_column_name(
        var(field_var, meta.get("custom_field_default")))) }}
{%- endmacro %}


{% macro custom_field_var(column) -%}
    {%- set meta = column.get("config", {}).get("meta", {}) or column.get("meta", {}) -%}
    {{ return(meta.get("custom_field_var")) }}
{%- endmacro %}


{#- An API name as the connector lands it: `LastModifiedDate` -> `last_modified_date`,
    `Loss_Reason__c` -> `loss_reason_c` (the loader's snake_case, discovery.py). -#}
{% macro connector_column_name(api_name) -%}
    {%- set re = modules.re -%}
    {%- set name = re.sub("(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", api_name | trim) -%}
    {%- set name = re.sub("[^0-9a-zA-Z]+", "_", name) -%}
    {{ return(name.strip("_") | lower) }}
{%- endmacro %}
