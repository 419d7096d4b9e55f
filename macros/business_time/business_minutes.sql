{#- Business-time arithmetic over the business-clock day spine (int_sla_clock_days): each clock
    day carries its business interval in UTC and the business minutes of all earlier days, so
    "business minutes since the clock's origin" at any instant is one equality join away
    (clock, local date) and no row-by-row walking is needed.

    business_minutes_at(instant, day): minutes of business time before `instant`, where `day`
    is the spine row of the instant's local date on that clock. Elapsed business minutes between
    two instants is the difference of two such values. -#}
{% macro business_minutes_at(instant, day) -%}
    ({{ day }}.cumulative_minutes_before + case
        when {{ day }}.business_minutes = 0 or {{ instant }} <= {{ day }}.opens_at_utc then 0
        when {{ instant }} >= {{ day }}.closes_at_utc then {{ day }}.business_minutes
        else {{ dbt.datediff(day ~ ".opens_at_utc", instant, "second") }} / 60.0
    end)
{%- endmacro %}


{#- The instant at which `target_minutes` of business time is reached, where `day` is the spine
    row whose business interval contains that minute (cumulative_minutes_before < target <=
    cumulative_minutes_before + business_minutes). -#}
{% macro business_instant_at(target_minutes, day) -%}
    {{ dbt.dateadd(
        "second",
        "cast(round((" ~ target_minutes ~ " - " ~ day ~ ".cumulative_minutes_before) * 60) as "
        ~ dbt.type_bigint() ~ ")",
        day ~ ".opens_at_utc"
    ) }}
{%- endmacro %}


{#- SLA status at as-of: satisfied in time (met), satisfied late (breached), not yet satisfied
    and not yet due (open), not satisfied past due (open_breached). A satisfaction after as-of has
    not happened yet. -#}
{% macro sla_status(satisfied_at, due_at, as_of) -%}
    case
        when {{ satisfied_at }} is not null and {{ satisfied_at }} <= {{ as_of }}
            then case when {{ satisfied_at }} <= {{ due_at }} then 'met' else 'breached' end
        when {{ as_of }} <= {{ due_at }} then 'open'
        else 'open_breached'
    end
{%- endmacro %}


{#- Continuous percentile of an expression within a group. -#}
{% macro percentile(expression, fraction) -%}
    {{ return(adapter.dispatch("percentile", "revenue_funnel")(expression, fraction)) }}
{%- endmacro %}

{% macro default__percentile(expression, fraction) -%}
    percentile_cont({{ fraction }}) within group (order by {{ expression }})
{%- endmacro %}

{% macro duckdb__percentile(expression, fraction) -%}
    quantile_cont({{ expression }}, {{ fraction }})
{%- endmacro %}

{% macro spark__percentile(expression, fraction) -%}
    percentile({{ expression }}, {{ fraction }})
{%- endmacro %}


{#- Join condition: `day` is the clock-spine row of the local date of `instant` on `clock_id`. -#}
{% macro on_clock_day(day, clock_id, instant, time_zone) -%}
    {{ clock_id }} = {{ day }}.clock_id
    and cast({{ utc_to_local(instant, time_zone) }} as date) = {{ day }}.local_date
{%- endmacro %}
