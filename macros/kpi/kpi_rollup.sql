{#- One KPI measured at month and quarter grain, for the whole company and for each breakdown.
    Rows: period_grain, period_start_date, breakdown, breakdown_value, kpi_code, numerator,
    denominator (null for counts and amounts). `numerator` and `denominator` are aggregate
    expressions over `relation`, bucketed by `date_column`. -#}

{% macro kpi_rollup(relation, kpi_code, date_column, numerator, denominator=none,
                    breakdowns=["segment", "sourced_by"]) -%}
    {%- set columns = {"segment": "segment_code", "sourced_by": "sourced_by",
                       "team": "owner_team"} -%}
    {%- for grain in ["month", "quarter"] -%}
        {%- set period_start = "cast(" ~ dbt.date_trunc(grain, date_column) ~ " as date)" -%}
        {%- for breakdown in ["total"] + breakdowns %}
            select
                '{{ grain }}' as period_grain,
                {{ period_start }} as period_start_date,
                '{{ breakdown }}' as breakdown,
                {{ "'all'" if breakdown == "total" else columns[breakdown] }} as breakdown_value,
                '{{ kpi_code }}' as kpi_code,
                cast({{ numerator }} as {{ type_double() }}) as numerator,
                cast({{ denominator if denominator else "null" }} as {{ type_double() }})
                    as denominator
            from {{ relation }}
            where {{ date_column }} is not null
            group by {{ period_start }}{{ ", " ~ columns[breakdown] if breakdown != "total" }}
            {% if not loop.last %}union all{% endif %}
        {%- endfor %}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
