{#- The breakdowns a KPI can be cut by, and the column of the measured relation each reads: the
    segment, who sourced it, and the owner (the opportunity owner for deals, the cycle owner for
    lead cycles) and the owner's team; and who buys (the ideal customer profile): the account's
    industry, the company size band and the persona of the person's title. A missing owner,
    industry, size or persona is a value of its own, so breakdowns of counts and amounts still
    add up to the total. -#}
{% macro kpi_breakdown_columns() -%}
    {{ return({
        "segment": "segment_code",
        "sourced_by": "sourced_by",
        "team": "coalesce(owner_team, 'unknown')",
        "rep": "coalesce(owner_id, 'unassigned')",
        "industry": "coalesce(industry, 'unknown')",
        "company_size": "coalesce(company_size_code, 'unknown')",
        "persona": "coalesce(persona_code, 'unknown')",
    }) }}
{%- endmacro %}


{#- One KPI measured at month and quarter grain, for the whole company and for each breakdown.
    Rows: period_grain, period_start_date, breakdown, breakdown_value, kpi_code, numerator,
    denominator (null for counts and amounts), window_days (the conversion window of a cohort
    KPI, else null), pending_count (rows of the period whose outcome is still open and can still
    change the value, for KPIs judged by as-of; else null). `numerator`, `denominator`,
    `window_days` and `pending` are aggregate expressions over `relation`, bucketed by
    `date_column`. -#}
{% macro kpi_rollup(relation, kpi_code, date_column, numerator, denominator=none,
                    breakdowns=["segment", "sourced_by"], window_days=none, pending=none) -%}
    {%- set columns = kpi_breakdown_columns() -%}
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
                    as denominator,
                cast({{ window_days if window_days else "null" }} as {{ dbt.type_int() }})
                    as window_days,
                cast({{ pending if pending else "null" }} as {{ dbt.type_bigint() }})
                    as pending_count
            from {{ relation }}
            where {{ date_column }} is not null
            group by {{ period_start }}{{ ", " ~ columns[breakdown] if breakdown != "total" }}
            {% if not loop.last %}union all{% endif %}
        {%- endfor %}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}


{#- The same rows for a KPI measured on a relation that already has one row per period
    (period_grain, period_start_date), such as the pipeline snapshots taken at each period's
    first instant. -#}
{% macro kpi_snapshot_rollup(relation, kpi_code, numerator, denominator=none,
                             breakdowns=["segment", "sourced_by", "team", "rep"]) -%}
    {%- set columns = kpi_breakdown_columns() -%}
    {%- for breakdown in ["total"] + breakdowns %}
        select
            period_grain,
            period_start_date,
            '{{ breakdown }}' as breakdown,
            {{ "'all'" if breakdown == "total" else columns[breakdown] }} as breakdown_value,
            '{{ kpi_code }}' as kpi_code,
            cast({{ numerator }} as {{ type_double() }}) as numerator,
            cast({{ denominator if denominator else "null" }} as {{ type_double() }})
                as denominator,
            cast(null as {{ dbt.type_int() }}) as window_days,
            cast(null as {{ dbt.type_bigint() }}) as pending_count
        from {{ relation }}
        group by
            period_grain,
            period_start_date{{ ", " ~ columns[breakdown] if breakdown != "total" }}
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
