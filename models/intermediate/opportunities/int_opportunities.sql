{#- One row per opportunity of the CRM of record (int_source_system_roles), from the conformed
    opportunity interfaces, with what the shared KPIs need: the account's segment, the owner's
    team, the lifecycle cycle it came from and who sourced it, and when it closed.
    Pipeline means New Business and Expansion deals; renewals are measured by retention.
    A stage means a funnel stage through status_stage_map rows of the opportunity's system and
    stage field. The loss reason is kept as written on every row; a lost deal gets its category
    from the feedback_reasons agreement on opportunity loss reasons: 'unmapped' for a value
    missing there, 'not_recorded' for none. -#}
with

opportunities as (
    {{ revenue_funnel.records_of_record(ref('int_opportunity_records')) }}
),

opportunity_history as (
    {{ revenue_funnel.records_of_record(ref('int_opportunity_stage_changes')) }}
),

status_map as (
    select * from {{ ref('status_stage_map') }}
),

accounts as (
    select * from {{ ref('int_accounts') }}
),

users as (
    select * from {{ ref('int_users') }}
),

cycles as (
    select * from {{ ref('int_lead_cycles') }}
),

loss_reasons as (
    select * from {{ ref('feedback_reasons') }}
    where applies_to = 'opportunity'
),

source_cycles as (
    select
        opportunity_id,
        person_key,
        cycle_number,
        crm_lead_id,
        is_marketing_sourced,
        row_number() over (
            partition by opportunity_id
            order by cycle_number, person_key
        ) as cycle_rank
    from cycles
    where opportunity_id is not null
),

closings as (
    select
        opportunity_history.opportunity_id,
        max(opportunity_history.changed_at) as last_closed_at
    from opportunity_history
    inner join status_map
        on
            opportunity_history.source_system = status_map.system
            and opportunity_history.stage_field = status_map.field
            and opportunity_history.stage_name = status_map.status_value
    where status_map.stage_code in ('customer', 'lost')
    group by opportunity_history.opportunity_id
),

first_wins as (
    select
        account_id,
        opportunity_id,
        row_number() over (
            partition by account_id
            order by close_date, created_at, opportunity_id
        ) as win_rank
    from opportunities
    where is_won
),

final as (
    select
        {{ dbt.hash("'crm_opportunity:' || opportunities.opportunity_id") }} as opportunity_key,
        opportunities.opportunity_id,
        opportunities.opportunity_name,
        opportunities.opportunity_type,
        opportunities.opportunity_type in ('New Business', 'Expansion') as is_pipeline,
        opportunities.opportunity_type = 'Renewal' as is_renewal,
        accounts.account_key,
        opportunities.account_id as crm_account_id,
        coalesce(accounts.segment_code, 'unknown') as segment_code,
        opportunities.owner_id,
        coalesce(users.team, 'unknown') as owner_team,
        source_cycles.person_key,
        source_cycles.cycle_number,
        source_cycles.crm_lead_id,
        case
            when source_cycles.is_marketing_sourced then 'marketing'
            when source_cycles.opportunity_id is not null then 'sales'
            else 'customer_base'
        end as sourced_by,
        opportunities.lead_source,
        opportunities.campaign_id,
        opportunities.stage_name,
        status_map.stage_code,
        opportunities.forecast_category,
        opportunities.loss_reason,
        case
            when not opportunities.is_closed or opportunities.is_won then null
            when nullif(trim(opportunities.loss_reason), '') is null then 'not_recorded'
            else coalesce(loss_reasons.category_code, 'unmapped')
        end as loss_reason_category,
        case
            when not opportunities.is_closed or opportunities.is_won then null
            when nullif(trim(opportunities.loss_reason), '') is null then 'Not recorded'
            else coalesce(loss_reasons.category_name, 'Unmapped reason')
        end as loss_reason_category_name,
        opportunities.amount,
        opportunities.probability,
        opportunities.is_closed,
        opportunities.is_won,
        opportunities.is_closed and not opportunities.is_won as is_lost,
        case when opportunities.is_won then opportunities.amount else 0 end as won_amount,
        first_wins.opportunity_id is not null as is_first_win_of_account,
        opportunities.created_at,
        cast(opportunities.created_at as date) as created_date,
        opportunities.close_date,
        case when opportunities.is_closed then closings.last_closed_at end as closed_at,
        case
            when opportunities.is_closed
                then {{ dbt.datediff('cast(opportunities.created_at as date)',
                                     'opportunities.close_date', 'day') }}
        end as days_to_close
    from opportunities
    left join accounts
        on opportunities.account_id = accounts.crm_account_id
    left join users
        on opportunities.owner_id = users.user_id
    left join source_cycles
        on
            opportunities.opportunity_id = source_cycles.opportunity_id
            and source_cycles.cycle_rank = 1
    left join status_map
        on
            opportunities.source_system = status_map.system
            and opportunities.stage_field = status_map.field
            and opportunities.stage_name = status_map.status_value
    left join closings
        on opportunities.opportunity_id = closings.opportunity_id
    left join loss_reasons
        on
            opportunities.source_system = loss_reasons.system
            and trim(opportunities.loss_reason) = loss_reasons.reason_value
    left join first_wins
        on
            opportunities.opportunity_id = first_wins.opportunity_id
            and first_wins.win_rank = 1
)

select * from final
