{#- `whole_units / units_per_result` rounded half up to `digits` decimals, the same on every
    engine. round(x / 1440.0, 2) is not: DuckDB divides in binary floating point, where 1.005 is
    1.00499..., and PostgreSQL and Spark in decimal, where it is 1.005 and rounds up. Dividing a
    whole number and taking floor(q + 0.5) is exact in both (a quotient that is not exactly
    k + 0.5 is at least 1 / units_per_result away from it). For non-negative ratios. -#}
{% macro rounded_ratio(whole_units, units_per_result, digits) -%}
    {%- set scale = 10 ** digits -%}
    (floor(({{ whole_units }}) * {{ scale }} / {{ units_per_result }}.0 + 0.5) / {{ scale }}.0)
{%- endmacro %}
