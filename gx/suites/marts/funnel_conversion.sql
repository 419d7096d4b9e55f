-- Frame the marts_funnel_conversion suite validates: Cohort conversion rates (windowed) by stage pair, segment, lead source and sourcing.
select
    from_stage || '>' || to_stage || ' ' || cast(cohort_month as varchar)
    || ' ' || coalesce(segment_code, '-') || ' ' || lead_source || ' ' || sourced_by as row_key,
    cast(conversion_rate as double precision) as conversion_rate,
    cast(open_share as double precision) as open_share,
    cast(entered as bigint) as entered,
    cast(converted as bigint) as converted,
    cast(converted_after_window as bigint) as converted_after_window,
    cast(window_days as bigint) as window_days
from {marts}.mart_funnel_conversion
