{#- The stalled-deal worklist: open New Business and Expansion opportunities whose
    stalled_opportunity SLA is open and past due at as-of, i.e. the deal has neither moved to
    another stage nor closed within the policy's window of entering its stage, or its expected
    close date (the one it carried into the stage) has passed. One row per opportunity: its
    current stage's instance. -#}
with

stalled as (
    select * from {{ ref('fct_sla_instances') }}
    where policy_key = 'stalled_opportunity' and status = 'open_breached'
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

accounts as (
    select * from {{ ref('dim_account') }}
),

users as (
    select * from {{ ref('dim_user') }}
),

current_stages as (
    select
        stalled.*,
        row_number() over (
            partition by stalled.opportunity_id
            order by stalled.started_at desc, stalled.sla_key asc
        ) as recency_rank
    from stalled
),

stage_windows as (
    select
        current_stages.*,
        {{ dbt.dateadd('minute', 'current_stages.target_minutes', 'current_stages.started_at') }}
            as stage_window_ends_at
    from current_stages
    where current_stages.recency_rank = 1
),

judged as (
    select
        stage_windows.*,
        stage_windows.stage_window_ends_at <= stage_windows.as_of_at as is_past_stage_window,
        stage_windows.expected_close_date < cast(stage_windows.as_of_at as date)
            as is_past_close_date
    from stage_windows
),

final as (
    select
        judged.opportunity_id,
        opportunities.opportunity_name,
        opportunities.opportunity_type,
        opportunities.crm_account_id,
        accounts.account_name,
        opportunities.segment_code,
        judged.owner_user_id,
        users.user_name as owner_name,
        judged.owner_team,
        judged.opportunity_stage_name as stage_name,
        opportunities.amount,
        opportunities.forecast_category,
        judged.started_at as stage_entered_at,
        {{ rounded_ratio(dbt.datediff('judged.started_at', 'judged.as_of_at', 'hour'), 24, 1) }}
            as days_in_stage,
        judged.due_at,
        judged.expected_close_date,
        opportunities.close_date as current_close_date,
        case
            when judged.is_past_close_date
                then {{ dbt.datediff('judged.expected_close_date',
                                     'cast(judged.as_of_at as date)', 'day') }}
            else 0
        end as days_past_close_date,
        judged.is_past_stage_window,
        judged.is_past_close_date,
        case
            when judged.is_past_stage_window and judged.is_past_close_date
                then 'no_stage_change_and_past_close_date'
            when judged.is_past_close_date then 'past_close_date'
            else 'no_stage_change'
        end as stalled_reason,
        judged.person_key,
        judged.cycle_number,
        judged.as_of_at
    from judged
    inner join opportunities
        on judged.opportunity_id = opportunities.opportunity_id
    left join accounts
        on opportunities.crm_account_id = accounts.crm_account_id
    left join users
        on judged.owner_user_id = users.user_id
    where not opportunities.is_closed
)

select * from final
