{#- Bookings and the start-of-period pipeline against each agreed quota: per quota row (a team,
    or one rep) and per period, the amount closed won on the opportunities the quota owner owns
    (quota attainment), and the New Business and Expansion amount the owner had open at the
    period's first instant with a close date inside the period (pipeline coverage, from the
    period's own snapshot in fct_pipeline_snapshots). The company line adds up the team quotas
    (rep quotas sit inside their team's, so adding them would count twice), and the teams'
    bookings and pipeline with them, so both KPIs share one denominator. -#}
with

quotas as (
    select
        period_grain,
        cast(period_start_date as date) as period_start_date,
        case
            when period_grain = 'quarter'
                then cast({{ dbt.dateadd('month', 3, 'period_start_date') }} as date)
            else cast({{ dbt.dateadd('month', 1, 'period_start_date') }} as date)
        end as period_end_date,
        quota_owner_type,
        quota_owner,
        quota_amount
    from {{ ref('quotas') }}
),

won_opportunities as (
    select * from {{ ref('int_opportunities') }}
    where is_won
),

expected_pipeline as (
    select * from {{ ref('int_pipeline_snapshots') }}
    where is_pipeline and is_expected_to_close_in_period
),

owner_bookings as (
    select
        quotas.period_grain,
        quotas.period_start_date,
        quotas.quota_owner_type,
        quotas.quota_owner,
        coalesce(sum(won_opportunities.amount), 0) as booked_amount
    from quotas
    left join won_opportunities
        on
            (
                (
                    quotas.quota_owner_type = 'team'
                    and quotas.quota_owner = won_opportunities.owner_team
                )
                or (
                    quotas.quota_owner_type = 'rep'
                    and quotas.quota_owner = won_opportunities.owner_id
                )
            )
            and quotas.period_start_date <= won_opportunities.close_date
            and quotas.period_end_date > won_opportunities.close_date
    group by
        quotas.period_grain,
        quotas.period_start_date,
        quotas.quota_owner_type,
        quotas.quota_owner
),

owner_pipeline as (
    select
        quotas.period_grain,
        quotas.period_start_date,
        quotas.quota_owner_type,
        quotas.quota_owner,
        coalesce(sum(expected_pipeline.amount), 0) as expected_pipeline_amount
    from quotas
    left join expected_pipeline
        on
            (
                (
                    quotas.quota_owner_type = 'team'
                    and quotas.quota_owner = expected_pipeline.owner_team
                )
                or (
                    quotas.quota_owner_type = 'rep'
                    and quotas.quota_owner = expected_pipeline.owner_id
                )
            )
            and quotas.period_grain = expected_pipeline.period_grain
            and quotas.period_start_date = expected_pipeline.period_start_date
    group by
        quotas.period_grain,
        quotas.period_start_date,
        quotas.quota_owner_type,
        quotas.quota_owner
),

owner_attainment as (
    select
        quotas.period_grain,
        quotas.period_start_date,
        quotas.quota_owner_type as breakdown,
        quotas.quota_owner as breakdown_value,
        cast(owner_bookings.booked_amount as {{ type_double() }}) as booked_amount,
        cast(owner_pipeline.expected_pipeline_amount as {{ type_double() }})
            as expected_pipeline_amount,
        cast(quotas.quota_amount as {{ type_double() }}) as quota_amount
    from quotas
    inner join owner_bookings
        on
            quotas.period_grain = owner_bookings.period_grain
            and quotas.period_start_date = owner_bookings.period_start_date
            and quotas.quota_owner_type = owner_bookings.quota_owner_type
            and quotas.quota_owner = owner_bookings.quota_owner
    inner join owner_pipeline
        on
            quotas.period_grain = owner_pipeline.period_grain
            and quotas.period_start_date = owner_pipeline.period_start_date
            and quotas.quota_owner_type = owner_pipeline.quota_owner_type
            and quotas.quota_owner = owner_pipeline.quota_owner
),

company_attainment as (
    select
        period_grain,
        period_start_date,
        'total' as breakdown,
        'all' as breakdown_value,
        sum(booked_amount) as booked_amount,
        sum(expected_pipeline_amount) as expected_pipeline_amount,
        sum(quota_amount) as quota_amount
    from owner_attainment
    where breakdown = 'team'
    group by period_grain, period_start_date
),

final as (
    select * from owner_attainment
    union all
    select * from company_attainment
)

select * from final
