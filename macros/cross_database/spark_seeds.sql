{#- Seeds on Spark: dbt-spark inserts seed rows through `%s` bindings, which session mode
    substitutes with Python's `%` unescaped, so a value with an apostrophe ("New Year's Day")
    breaks the insert. Write escaped literals instead; otherwise as dbt-spark does. -#}
{% macro spark__load_csv_rows(model, agate_table) %}
    {%- set column_override = model["config"].get("column_types", {}) -%}
    {%- set statements = [] -%}
    {%- for chunk in agate_table.rows | batch(get_batch_size()) -%}
        {%- set sql -%}
            insert into {{ this.render() }} values
            {% for row in chunk -%}
                (
                {%- for column_name in agate_table.column_names -%}
                    {%- set inferred_type = adapter.convert_type(agate_table, loop.index0) -%}
                    {%- set value = row[loop.index0] -%}
                    cast(
                        {%- if value is none -%}
                            null
                        {%- else -%}
                            {{ dbt.string_literal(dbt.escape_single_quotes(value | string)) }}
                        {%- endif %} as {{ column_override.get(column_name, inferred_type) }})
                    {{- "," if not loop.last }}
                {%- endfor -%}
                ){{ "," if not loop.last }}
            {% endfor %}
        {%- endset -%}
        {%- do adapter.add_query(sql, abridge_sql_log=True) -%}
        {%- if loop.first -%}
            {%- do statements.append(sql) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(statements[0]) }}
{% endmacro %}
