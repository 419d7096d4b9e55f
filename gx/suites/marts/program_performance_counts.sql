-- Frame the marts_program_performance_counts suite validates: each row of mart_program_performance with its smallest count or amount, its email counts and rates, and what would contradict them.
select
    program_name || ' (' || campaign_key || ') '
    || coalesce(cast(month_start as varchar), 'all time') as row_key,
    least(
        persons_touched, mqls_influenced, opportunities_influenced, influenced_pipeline_amount,
        attributed_pipeline_amount, sends, delivered, unique_opens, unique_clicks, unsubscribes,
        coalesce(actual_cost, 0), coalesce(budgeted_cost, 0), coalesce(cost_per_mql, 0)
    ) as smallest_count,
    sends,
    delivered,
    unique_opens,
    unique_clicks,
    unsubscribes,
    open_rate,
    click_rate,
    case
        when
            delivered = 0 and (open_rate is not null or click_rate is not null)
            or delivered > 0 and (
                open_rate is null or click_rate is null
                or abs(open_rate - cast(unique_opens as double precision) / delivered) > 1e-9
                or abs(click_rate - cast(unique_clicks as double precision) / delivered) > 1e-9
            )
            then 'open_rate ' || coalesce(cast(open_rate as varchar), 'null')
            || ', click_rate ' || coalesce(cast(click_rate as varchar), 'null')
            || ' for ' || cast(unique_opens as varchar) || ' opens, '
            || cast(unique_clicks as varchar) || ' clicks of ' || cast(delivered as varchar)
            || ' delivered'
    end as rate_mismatch,
    influenced_pipeline_amount,
    attributed_pipeline_amount - 0.005 as attributed_pipeline_amount_floor,
    case
        when
            period_grain = 'month'
            and coalesce(actual_cost, budgeted_cost, cost_per_mql) is not null
            then 'month row with a cost'
    end as month_row_with_cost
from {marts}.mart_program_performance
