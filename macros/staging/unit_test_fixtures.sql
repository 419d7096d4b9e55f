{#- Overrides dbt's get_fixture_sql for the raw contract's sources only; every other fixture
    (refs, seeds) is dbt's own. dbt types a source fixture from the warehouse table, so a unit
    test would fail where an optional raw table is absent and would depend on how the table
    happened to land. Contract fixtures instead have every contract column as text (missing
    ones null), like a CSV-landed table: contract_source parses them exactly as it parses a real
    text table, so a test can give `2020-05-13 23:43:24 UTC`, `yes` or `+10` as-is. -#}
{% macro get_fixture_sql(rows, column_name_to_data_types) %}
    {%- set source_name = model.get("source_name") -%}
    {%- set contract_columns = revenue_funnel.published_contract_columns(source_name, model.name)
        if source_name else [] -%}
    {%- if not contract_columns -%}
        {{ return(dbt.get_fixture_sql(rows, column_name_to_data_types)) }}
    {%- endif -%}
    {%- set column_names = contract_columns | map(attribute="name") | list -%}
    {%- for row in rows -%}
        {%- for column_name in row if column_name | lower not in column_names -%}
            {{ exceptions.raise_compiler_error(
                "Invalid column name: '" ~ column_name ~ "' in unit test fixture for "
                ~ source_name ~ "." ~ model.name ~ ". Contract columns are: "
                ~ column_names | join(", ")
            ) }}
        {%- endfor -%}
    {%- endfor -%}
    {%- set lowered_rows = [] -%}
    {%- for row in rows -%}
        {%- set lowered = {} -%}
        {%- for column_name, value in row.items() -%}
            {%- do lowered.update({column_name | lower: value}) -%}
        {%- endfor -%}
        {%- do lowered_rows.append(lowered) -%}
    {%- endfor -%}
    {%- for row in (lowered_rows if rows else [{}]) %}
    select
        {%- for column_name in column_names %}
        {{ revenue_funnel.fixture_text_literal(row.get(column_name)) }}
        as {{ adapter.quote(column_name) }}{{ "," if not loop.last }}
        {%- endfor %}
    {%- if not rows %}
    where 1 = 0
    {%- endif %}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
{% endmacro %}


{% macro fixture_text_literal(value) -%}
    {%- if value is none -%}
        cast(null as {{ dbt.type_string() }})
    {%- elif value is sameas true or value is sameas false -%}
        cast({{ dbt.string_literal(value | string | lower) }} as {{ dbt.type_string() }})
    {%- else -%}
        {%- set literal = dbt.string_literal(dbt.escape_single_quotes(value | string)) -%}
        cast({{ literal }} as {{ dbt.type_string() }})
    {%- endif -%}
{%- endmacro %}
