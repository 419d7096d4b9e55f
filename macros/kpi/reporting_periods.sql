{#- The months and quarters that overlap [first_date, as_of_date] of the one-row relation
    `bounds`: period_grain, period_start_date, period_end_date (the next period's first day). -#}
{% macro reporting_periods(bounds) -%}
    {%- for grain, start_column, months in [("month", "month_start_date", 1),
                                            ("quarter", "quarter_start_date", 3)] %}
        select distinct
            '{{ grain }}' as period_grain,
            dim_date.{{ start_column }} as period_start_date,
            cast({{ dbt.dateadd('month', months, 'dim_date.' ~ start_column) }} as date)
                as period_end_date
        from {{ ref('int_calendar_days') }} as dim_date
        inner join {{ bounds }}
            on dim_date.date_day between {{ bounds }}.first_date and {{ bounds }}.as_of_date
        {% if not loop.last %}union all{% endif %}
    {%- endfor %}
{%- endmacro %}
