{#- Cohort conversion: for each stage pair of the conversion_windows seed, the cycles that entered
    the from-stage in a month (the cohort), by segment, lead source and sourcing, how many reached
    the to-stage within the pair's window (converted: the agreed conversion), how many only after
    it, how fast, and how many are still open. The semantics (handoff stages MQL and SAL need a
    recorded entry; SQL, opportunity and won allow pass-through) live in
    int_cycle_conversions_windowed. A cohort month is mature once its end plus the window lies
    before as-of: its rate can no longer change. -#}
with

conversions as (
    select * from {{ ref('int_cycle_conversions_windowed') }}
),

as_of as (
    select {{ as_of_timestamp() }} as as_of_at
),

cohorts as (
    select
        from_stage,
        to_stage,
        cast({{ dbt.date_trunc('month', 'entered_at') }} as date) as cohort_month,
        segment_code,
        lead_source,
        sourced_by,
        window_days,
        is_converted,
        is_converted_within_window,
        is_still_open,
        days_to_convert
    from conversions
),

aggregated as (
    select
        from_stage,
        to_stage,
        cohort_month,
        segment_code,
        lead_source,
        sourced_by,
        max(window_days) as window_days,
        count(*) as entered,
        sum(case when is_converted_within_window then 1 else 0 end) as converted_within_window,
        sum(case when is_converted and not is_converted_within_window then 1 else 0 end)
            as converted_after_window,
        sum(case when is_still_open then 1 else 0 end) as still_open,
        {{ percentile('days_to_convert', 0.5) }} as median_days_to_convert,
        {{ percentile('days_to_convert', 0.75) }} as p75_days_to_convert,
        {{ percentile('days_to_convert', 0.9) }} as p90_days_to_convert
    from cohorts
    group by 1, 2, 3, 4, 5, 6
),

final as (
    select
        aggregated.from_stage,
        aggregated.to_stage,
        aggregated.cohort_month,
        aggregated.segment_code,
        aggregated.lead_source,
        aggregated.sourced_by,
        aggregated.window_days,
        aggregated.entered,
        aggregated.converted_within_window as converted,
        aggregated.converted_within_window,
        aggregated.converted_after_window,
        aggregated.still_open,
        cast(aggregated.converted_within_window as {{ type_double() }}) / aggregated.entered
            as conversion_rate,
        cast(aggregated.still_open as {{ type_double() }}) / aggregated.entered as open_share,
        {{ dbt.dateadd('day', 'aggregated.window_days',
                       dbt.dateadd('month', 1, 'aggregated.cohort_month')) }}
        < as_of.as_of_at as is_mature,
        {{ dbt.dateadd('day', 'aggregated.window_days',
                       dbt.dateadd('month', 1, 'aggregated.cohort_month')) }}
        >= as_of.as_of_at as is_immature,
        aggregated.median_days_to_convert,
        aggregated.p75_days_to_convert,
        aggregated.p90_days_to_convert
    from aggregated
    cross join as_of
)

select * from final
