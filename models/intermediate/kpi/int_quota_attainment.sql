{#- Bookings against each agreed quota: per quota row (a team, or one rep) and per period, the
    amount closed won on the opportunities the quota owner owns; the company line adds up the
    team quotas (rep quotas sit inside their team's, so adding them would count twice). -#}
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
    select * from {{ ref('fct_opportunities') }}
    where is_won
),

owner_attainment as (
    select
        quotas.period_grain,
        quotas.period_start_date,
        quotas.quota_owner_type as breakdown,
        quotas.quota_owner as breakdown_value,
        cast(coalesce(sum(won_opportunities.amount), 0) as {{ type_double() }}) as booked_amount,
        cast(max(quotas.quota_amount) as {{ type_double() }}) as quota_amount
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

company_attainment as (
    select
        period_grain,
        period_start_date,
        'total' as breakdown,
        'all' as breakdown_value,
        sum(booked_amount) as booked_amount,
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
