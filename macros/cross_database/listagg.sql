{#- dbt.listagg on Spark: dbt-spark drops the order-by clause (collect_list has no order), so
    lists such as a score trajectory would come out in whatever order the shuffle left them.
    Collect (order key, value) pairs, sort them, keep the values; nulls are skipped as on the other
    engines. `order_by_clause` is `order by <expression> [asc|desc]` with one expression. -#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- if not order_by_clause -%}
        {{ return(dbt.spark__listagg(measure, delimiter_text, order_by_clause, limit_num)) }}
    {%- endif -%}
    {%- set order_expression = order_by_clause | trim -%}
    {%- set order_expression = modules.re.sub("(?i)^order\\s+by\\s+", "", order_expression) -%}
    {%- set descending = modules.re.search("(?i)\\s+desc$", order_expression) is not none -%}
    {%- set order_expression = modules.re.sub("(?i)\\s+(asc|desc)$", "", order_expression) -%}
    {%- if "," in order_expression -%}
        {{ exceptions.raise_compiler_error(
            "spark__listagg orders by one expression, got: " ~ order_by_clause
        ) }}
    {%- endif -%}
    {%- set sorted_pairs -%}
        array_sort(
            collect_list(
                case when ({{ measure }}) is not null
                    then struct({{ order_expression }} as sort_key, {{ measure }} as item)
                end
            )
        )
    {%- endset -%}
    {%- if descending -%}
        {%- set sorted_pairs = "reverse(" ~ sorted_pairs ~ ")" -%}
    {%- endif -%}
    {%- if limit_num -%}
        {%- set sorted_pairs = "slice(" ~ sorted_pairs ~ ", 1, " ~ limit_num ~ ")" -%}
    {%- endif -%}
    {#- No values: null, as string_agg gives (array_join would give ''). #}
    case
        when size({{ sorted_pairs }}) > 0
            then array_join(transform({{ sorted_pairs }}, pair -> pair.item), {{ delimiter_text }})
    end
{%- endmacro %}
