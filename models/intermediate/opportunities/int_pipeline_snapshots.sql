{#- The open pipeline as it stood at the first instant of each month and quarter, reconstructed
    from opportunity history: one row per period x opportunity open at that instant, with the
    stage, forecast category, amount and close date it had then, and what became of it. The
    committed forecast of a period is the Commit rows expected to close inside the period; a row
    whose expected close date already lay before the snapshot instant is past its close date. -#}
with

opportunity_history as (
    {{ revenue_funnel.records_of_record(ref('int_opportunity_stage_changes')) }}
),

closed_stages as (
    select
        system as source_system,
        field as stage_field,
        status_value as stage_name
    from {{ ref('status_stage_map') }}
    where stage_code in ('customer', 'lost')
),

opportunities as (
    select * from {{ ref('int_opportunities') }}
),

history_intervals as (
    select
        source_system,
        opportunity_id,
        stage_field,
        stage_name,
        forecast_category,
        amount,
        close_date,
        changed_at as valid_from,
        lead(changed_at) over (
            partition by source_system, opportunity_id
            order by changed_at, stage_change_id
        ) as valid_to
    from opportunity_history
),

bounds as (
    select
        min(cast(created_at as date)) as first_date,
        cast({{ as_of_timestamp() }} as date) as as_of_date
    from opportunities
),

periods as (
    {{ reporting_periods('bounds') }}
),

open_at_period_start as (
    select
        periods.period_grain,
        periods.period_start_date,
        periods.period_end_date,
        history_intervals.opportunity_id,
        history_intervals.stage_name,
        history_intervals.forecast_category,
        history_intervals.amount,
        history_intervals.close_date
    from history_intervals
    inner join periods
        on
            history_intervals.valid_from < cast(periods.period_start_date as {{ dbt.type_timestamp() }})
            and (
                history_intervals.valid_to is null
                or history_intervals.valid_to
                >= cast(periods.period_start_date as {{ dbt.type_timestamp() }})
            )
    left join closed_stages
        on
            history_intervals.source_system = closed_stages.source_system
            and history_intervals.stage_field = closed_stages.stage_field
            and history_intervals.stage_name = closed_stages.stage_name
    where closed_stages.stage_name is null
),

final as (
    select
        {{ dbt.hash(dbt.concat(["open_at_period_start.period_grain", "':'",
                                dbt.cast("open_at_period_start.period_start_date", dbt.type_string()),
                                "':'", "open_at_period_start.opportunity_id"])) }}
            as pipeline_snapshot_key,
        open_at_period_start.period_grain,
        open_at_period_start.period_start_date,
        open_at_period_start.period_end_date,
        opportunities.opportunity_key,
        open_at_period_start.opportunity_id,
        opportunities.opportunity_type,
        opportunities.is_pipeline,
        opportunities.crm_account_id,
        opportunities.segment_code,
        opportunities.owner_id,
        opportunities.owner_team,
        opportunities.sourced_by,
        open_at_period_start.stage_name,
        open_at_period_start.forecast_category,
        open_at_period_start.amount,
        open_at_period_start.close_date as expected_close_date,
        open_at_period_start.close_date >= open_at_period_start.period_start_date
        and open_at_period_start.close_date < open_at_period_start.period_end_date
            as is_expected_to_close_in_period,
        open_at_period_start.forecast_category = 'Commit'
        and open_at_period_start.close_date >= open_at_period_start.period_start_date
        and open_at_period_start.close_date < open_at_period_start.period_end_date
            as is_committed,
        open_at_period_start.close_date < open_at_period_start.period_start_date
            as is_past_close_date,
        coalesce(
            opportunities.is_won
            and opportunities.close_date >= open_at_period_start.period_start_date
            and opportunities.close_date < open_at_period_start.period_end_date,
            false
        ) as is_won_in_period,
        case
            when
                opportunities.is_won
                and opportunities.close_date >= open_at_period_start.period_start_date
                and opportunities.close_date < open_at_period_start.period_end_date
                then opportunities.amount
            else 0
        end as won_amount_in_period
    from open_at_period_start
    inner join opportunities
        on open_at_period_start.opportunity_id = opportunities.opportunity_id
)

select * from final
