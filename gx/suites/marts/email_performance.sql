-- Frame the marts_email_performance suite validates: Email performance per template, campaign, program and total by sent month.
select
    rollup_level || ' ' || coalesce(rollup_id, '-') || ' ' || cast(month_start as varchar) as row_key,
    cast(sends as bigint) as sends,
    cast(delivered as bigint) as delivered,
    cast(bounces as bigint) as bounces,
    cast(unique_opens as bigint) as unique_opens,
    cast(unique_clicks as bigint) as unique_clicks,
    cast(delivery_rate as double precision) as delivery_rate,
    cast(bounce_rate as double precision) as bounce_rate,
    cast(open_rate as double precision) as open_rate,
    cast(click_rate as double precision) as click_rate,
    cast(click_to_open_rate as double precision) as click_to_open_rate,
    cast(unsubscribe_rate as double precision) as unsubscribe_rate
from {marts}.mart_email_performance
