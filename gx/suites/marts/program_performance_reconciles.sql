-- Frame the marts_program_performance_reconciles suite validates: mart_program_performance next to the facts it counts: per program and month (and all time) its email columns equal the totals of fct_email_sends, its influenced MQLs are at most the MQLs of the period in fct_lead_cycles, its influenced opportunities at most the opportunities mart_attribution credits in the period, and the month rows add up to the all-time row.
with

performance as (
    select * from {marts}.mart_program_performance
),

send_facts as (
    select
        campaign_key,
        sent_month as month_start,
        is_bounced,
        is_opened,
        is_clicked,
        is_unsubscribed
    from {marts}.fct_email_sends
),

send_periods as (
    select
        campaign_key,
        'month' as period_grain,
        month_start,
        is_bounced,
        is_opened,
        is_clicked,
        is_unsubscribed
    from send_facts
    union all
    select
        campaign_key,
        'all_time' as period_grain,
        cast(null as date) as month_start,
        is_bounced,
        is_opened,
        is_clicked,
        is_unsubscribed
    from send_facts
),

send_totals as (
    select
        campaign_key,
        period_grain,
        month_start,
        count(*) as fact_sends,
        count(*) - sum(case when is_bounced then 1 else 0 end) as fact_delivered,
        sum(case when is_opened then 1 else 0 end) as fact_opened,
        sum(case when is_clicked then 1 else 0 end) as fact_clicked,
        sum(case when is_unsubscribed then 1 else 0 end) as fact_unsubscribed
    from send_periods
    group by 1, 2, 3
),

mql_facts as (
    select cast(date_trunc('month', mql_at) as date) as month_start
    from {marts}.fct_lead_cycles
    where mql_at is not null
),

period_mqls as (
    select
        'month' as period_grain,
        month_start,
        count(*) as period_mqls
    from mql_facts
    group by 1, 2
    union all
    select
        'all_time' as period_grain,
        cast(null as date) as month_start,
        count(*) as period_mqls
    from mql_facts
),

opportunity_facts as (
    select distinct
        opportunity_id,
        cast(date_trunc('month', opportunity_created_at) as date) as month_start
    from {marts}.mart_attribution
),

period_opportunities as (
    select
        'month' as period_grain,
        month_start,
        count(*) as period_opportunities
    from opportunity_facts
    group by 1, 2
    union all
    select
        'all_time' as period_grain,
        cast(null as date) as month_start,
        count(*) as period_opportunities
    from opportunity_facts
),

-- Programs with sends but no row of their own would be missed by a left join: a full join.
compared as (
    select
        coalesce(performance.campaign_key, send_totals.campaign_key) as campaign_key,
        coalesce(performance.period_grain, send_totals.period_grain) as period_grain,
        coalesce(performance.month_start, send_totals.month_start) as month_start,
        performance.program_name,
        coalesce(performance.sends, 0) as sends,
        coalesce(performance.delivered, 0) as delivered,
        coalesce(performance.unique_opens, 0) as unique_opens,
        coalesce(performance.unique_clicks, 0) as unique_clicks,
        coalesce(performance.unsubscribes, 0) as unsubscribes,
        coalesce(performance.mqls_influenced, 0) as mqls_influenced,
        coalesce(performance.opportunities_influenced, 0) as opportunities_influenced,
        coalesce(send_totals.fact_sends, 0) as fact_sends,
        coalesce(send_totals.fact_delivered, 0) as fact_delivered,
        coalesce(send_totals.fact_opened, 0) as fact_opened,
        coalesce(send_totals.fact_clicked, 0) as fact_clicked,
        coalesce(send_totals.fact_unsubscribed, 0) as fact_unsubscribed
    from performance
    full outer join send_totals
        on
            performance.campaign_key = send_totals.campaign_key
            and performance.period_grain = send_totals.period_grain
            and coalesce(performance.month_start, date '1900-01-01')
            = coalesce(send_totals.month_start, date '1900-01-01')
    -- Sends of campaigns that are not programs of the MAS of record are not the mart's.
    where
        performance.campaign_key is not null
        or send_totals.campaign_key in (select campaign_key from performance)
),

measures as (
    select
        performance.campaign_key,
        performance.program_name,
        performance.period_grain,
        measure_names.measure,
        case measure_names.measure
            when 'sends' then performance.sends
            when 'delivered' then performance.delivered
            when 'unique_opens' then performance.unique_opens
            when 'unique_clicks' then performance.unique_clicks
            when 'unsubscribes' then performance.unsubscribes
            when 'mqls_influenced' then performance.mqls_influenced
            when 'opportunities_influenced' then performance.opportunities_influenced
        end as measured
    from performance
    cross join (
        values
        ('sends'), ('delivered'), ('unique_opens'), ('unique_clicks'), ('unsubscribes'),
        ('mqls_influenced'), ('opportunities_influenced')
    ) as measure_names (measure)
),

additive as (
    select
        campaign_key,
        program_name,
        measure,
        sum(case when period_grain = 'all_time' then measured else 0 end) as additive_total,
        sum(case when period_grain = 'month' then measured else 0 end) as months_additive_total
    from measures
    group by 1, 2, 3
)

select
    coalesce(compared.program_name, '(no row)') || ' (' || compared.campaign_key || ') '
    || coalesce(cast(compared.month_start as varchar), 'all time') as row_key,
    cast(compared.sends as bigint) as sends,
    cast(compared.fact_sends as bigint) as fact_sends,
    cast(compared.delivered as bigint) as delivered,
    cast(compared.fact_delivered as bigint) as fact_delivered,
    cast(compared.unique_opens as bigint) as unique_opens,
    cast(compared.fact_opened as bigint) as fact_opened,
    cast(compared.unique_clicks as bigint) as unique_clicks,
    cast(compared.fact_clicked as bigint) as fact_clicked,
    cast(compared.unsubscribes as bigint) as unsubscribes,
    cast(compared.fact_unsubscribed as bigint) as fact_unsubscribed,
    cast(compared.mqls_influenced as bigint) as mqls_influenced,
    cast(coalesce(period_mqls.period_mqls, 0) as bigint) as period_mqls,
    cast(compared.opportunities_influenced as bigint) as opportunities_influenced,
    cast(coalesce(period_opportunities.period_opportunities, 0) as bigint)
        as period_attributed_opportunities,
    cast(0 as bigint) as additive_total,
    cast(0 as bigint) as months_additive_total
from compared
left join period_mqls
    on
        compared.period_grain = period_mqls.period_grain
        and coalesce(compared.month_start, date '1900-01-01')
            = coalesce(period_mqls.month_start, date '1900-01-01')
left join period_opportunities
    on
        compared.period_grain = period_opportunities.period_grain
        and coalesce(compared.month_start, date '1900-01-01')
            = coalesce(period_opportunities.month_start, date '1900-01-01')

union all

select
    additive.program_name || ' (' || additive.campaign_key || ') ' || additive.measure
    || ': all time vs the sum of its months' as row_key,
    cast(0 as bigint) as sends,
    cast(0 as bigint) as fact_sends,
    cast(0 as bigint) as delivered,
    cast(0 as bigint) as fact_delivered,
    cast(0 as bigint) as unique_opens,
    cast(0 as bigint) as fact_opened,
    cast(0 as bigint) as unique_clicks,
    cast(0 as bigint) as fact_clicked,
    cast(0 as bigint) as unsubscribes,
    cast(0 as bigint) as fact_unsubscribed,
    cast(0 as bigint) as mqls_influenced,
    cast(0 as bigint) as period_mqls,
    cast(0 as bigint) as opportunities_influenced,
    cast(0 as bigint) as period_attributed_opportunities,
    cast(additive.additive_total as bigint) as additive_total,
    cast(additive.months_additive_total as bigint) as months_additive_total
from additive
