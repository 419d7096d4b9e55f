-- Frame the marts_email_performance_reconciles suite validates: mart_email_performance per rollup level and sent month next to the same counts from fct_email_sends.
with

mart as (
    select
        rollup_level,
        month_start,
        sum(sends) as sends,
        sum(delivered) as delivered,
        sum(unique_opens) as unique_opens,
        sum(unique_clicks) as unique_clicks,
        sum(unsubscribes) as unsubscribes
    from {marts}.mart_email_performance
    group by 1, 2
),

facts as (
    select
        sent_month as month_start,
        count(*) as sends,
        sum(case when is_delivered then 1 else 0 end) as delivered,
        sum(case when is_opened then 1 else 0 end) as unique_opens,
        sum(case when is_clicked then 1 else 0 end) as unique_clicks,
        sum(case when is_unsubscribed then 1 else 0 end) as unsubscribes
    from {marts}.fct_email_sends
    group by 1
),

levels as (
    select 'template' as rollup_level
    union all
    select 'campaign' as rollup_level
    union all
    select 'program' as rollup_level
    union all
    select 'total' as rollup_level
),

expected as (
    select
        levels.rollup_level,
        facts.*
    from facts
    cross join levels
)

select
    coalesce(mart.rollup_level, expected.rollup_level) || ' '
    || cast(coalesce(mart.month_start, expected.month_start) as varchar) as row_key,
    cast(coalesce(mart.sends, 0) as bigint) as mart_sends,
    cast(coalesce(expected.sends, 0) as bigint) as fact_sends,
    cast(coalesce(mart.delivered, 0) as bigint) as mart_delivered,
    cast(coalesce(expected.delivered, 0) as bigint) as fact_delivered,
    cast(coalesce(mart.unique_opens, 0) as bigint) as mart_unique_opens,
    cast(coalesce(expected.unique_opens, 0) as bigint) as fact_unique_opens,
    cast(coalesce(mart.unique_clicks, 0) as bigint) as mart_unique_clicks,
    cast(coalesce(expected.unique_clicks, 0) as bigint) as fact_unique_clicks,
    cast(coalesce(mart.unsubscribes, 0) as bigint) as mart_unsubscribes,
    cast(coalesce(expected.unsubscribes, 0) as bigint) as fact_unsubscribes
from mart
full outer join expected
    on mart.rollup_level = expected.rollup_level and mart.month_start = expected.month_start
