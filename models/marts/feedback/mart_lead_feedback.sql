{#- Sales' verdicts returned to marketing: one row per cohort month (month of the cycle's MQL) x
    touch model x program or campaign x lead source x segment x outcome x reason category,
    counting the MQL cycles there, with the MQL->SAL acceptance and MQL->won conversion of the
    whole group (cohort month x touch model x program x lead source x segment) repeated on each
    of its rows. Only cycles with an MQL.
    - Program: the person's earliest (first_touch) or latest (last_touch) marketing touch
      (int_marketing_touches) at or before the MQL; none = '(no program touch)'.
    - Outcome at as-of: won, lost (the converted deal), recycled, rejected (disqualified before
      any sales stage: sales turned the MQL down), disqualified (after sales worked it),
      accepted (reached SAL or a later stage, still open), awaiting_acceptance.
    - Reason category: the cycle's end reason category (fct_lead_cycles) for recycled, rejected
      and disqualified, the deal's loss reason category (fct_opportunities) for lost,
      'not_applicable' for the others.
    - mqls, accepted_within_window and won_within_window come from the mql->sal and mql->won rows
      of int_cycle_conversions_windowed, so they agree with mart_funnel_conversion. -#}
with

conversions as (
    select * from {{ ref('int_cycle_conversions_windowed') }}
    where from_stage = 'mql'
),

cycles as (
    select * from {{ ref('fct_lead_cycles') }}
    where mql_at is not null
),

opportunities as (
    select * from {{ ref('fct_opportunities') }}
),

loss_reasons as (
    select * from {{ ref('feedback_reasons') }}
    where system = 'crm_opportunity'
),

touches as (
    select * from {{ ref('int_marketing_touches') }}
),

as_of as (
    select {{ as_of_timestamp() }} as as_of_at
),

touch_models as (
    select 'first_touch' as touch_model
    union all
    select 'last_touch' as touch_model
),

acceptances as (
    select
        lead_cycle_key,
        entered_at,
        segment_code,
        lead_source,
        window_days,
        is_converted_within_window
    from conversions
    where to_stage = 'sal'
),

wins as (
    select
        lead_cycle_key,
        window_days,
        is_converted_within_window
    from conversions
    where to_stage = 'won'
),

touches_before_mql as (
    select
        cycles.lead_cycle_key,
        touches.campaign_key,
        touches.campaign_name,
        touches.channel,
        row_number() over (
            partition by cycles.lead_cycle_key
            order by touches.touched_at, touches.source_system, touches.touch_id
        ) as first_rank,
        row_number() over (
            partition by cycles.lead_cycle_key
            order by touches.touched_at desc, touches.source_system desc, touches.touch_id desc
        ) as last_rank
    from cycles
    inner join touches
        on
            cycles.person_key = touches.person_key
            and cycles.mql_at >= touches.touched_at
),

attributed_touches as (
    select
        lead_cycle_key,
        'first_touch' as touch_model,
        campaign_key,
        campaign_name,
        channel
    from touches_before_mql
    where first_rank = 1
    union all
    select
        lead_cycle_key,
        'last_touch' as touch_model,
        campaign_key,
        campaign_name,
        channel
    from touches_before_mql
    where last_rank = 1
),

outcomes as (
    select
        cycles.lead_cycle_key,
        case
            when cycles.won_at is not null then 'won'
            when cycles.lost_at is not null then 'lost'
            when cycles.recycled_at is not null then 'recycled'
            when
                cycles.disqualified_at is not null
                and coalesce(cycles.sal_at, cycles.sql_at, cycles.opportunity_created_at) is null
                then 'rejected'
            when cycles.disqualified_at is not null then 'disqualified'
            when coalesce(cycles.sal_at, cycles.sql_at, cycles.opportunity_created_at) is not null
                then 'accepted'
            else 'awaiting_acceptance'
        end as outcome,
        cycles.end_reason_category,
        cycles.end_reason_category_name,
        cycles.end_reason_marketing_can_act,
        coalesce(opportunities.loss_reason_category, 'not_recorded') as loss_reason_category,
        coalesce(opportunities.loss_reason_category_name, 'Not recorded')
            as loss_reason_category_name,
        loss_reasons.marketing_can_act as loss_reason_marketing_can_act
    from cycles
    left join opportunities
        on cycles.opportunity_id = opportunities.opportunity_id
    left join loss_reasons
        on
            trim(opportunities.loss_reason) = loss_reasons.reason_value
            and opportunities.is_lost
),

cycle_rows as (
    select
        cast({{ dbt.date_trunc('month', 'acceptances.entered_at') }} as date) as cohort_month,
        touch_models.touch_model,
        attributed_touches.campaign_key,
        coalesce(attributed_touches.campaign_name, '(no program touch)') as campaign_name,
        attributed_touches.channel,
        acceptances.lead_source,
        acceptances.segment_code,
        outcomes.outcome,
        case
            when outcomes.outcome in ('recycled', 'rejected', 'disqualified')
                then outcomes.end_reason_category
            when outcomes.outcome = 'lost' then outcomes.loss_reason_category
            else 'not_applicable'
        end as reason_category,
        case
            when outcomes.outcome in ('recycled', 'rejected', 'disqualified')
                then outcomes.end_reason_category_name
            when outcomes.outcome = 'lost' then outcomes.loss_reason_category_name
            else 'Not applicable (no verdict)'
        end as reason_category_name,
        case
            when outcomes.outcome in ('recycled', 'rejected', 'disqualified')
                then outcomes.end_reason_marketing_can_act
            when outcomes.outcome = 'lost' then outcomes.loss_reason_marketing_can_act
        end as marketing_can_act,
        case when acceptances.is_converted_within_window then 1 else 0 end as is_accepted,
        case when wins.is_converted_within_window then 1 else 0 end as is_won,
        acceptances.window_days as acceptance_window_days,
        wins.window_days as win_window_days
    from acceptances
    inner join outcomes
        on acceptances.lead_cycle_key = outcomes.lead_cycle_key
    cross join touch_models
    left join wins
        on acceptances.lead_cycle_key = wins.lead_cycle_key
    left join attributed_touches
        on
            acceptances.lead_cycle_key = attributed_touches.lead_cycle_key
            and touch_models.touch_model = attributed_touches.touch_model
),

aggregated as (
    select
        cohort_month,
        touch_model,
        campaign_key,
        campaign_name,
        channel,
        lead_source,
        segment_code,
        outcome,
        reason_category,
        max(reason_category_name) as reason_category_name,
        max(
            case when marketing_can_act then 1 when not marketing_can_act then 0 end
        ) as marketing_can_act_flag,
        cast(count(*) as {{ dbt.type_bigint() }}) as cycles,
        cast(sum(is_accepted) as {{ dbt.type_bigint() }}) as accepted,
        cast(sum(is_won) as {{ dbt.type_bigint() }}) as won,
        max(acceptance_window_days) as acceptance_window_days,
        max(win_window_days) as win_window_days
    from cycle_rows
    group by 1, 2, 3, 4, 5, 6, 7, 8, 9
),

grouped as (
    select
        *,
        cast(sum(cycles) over (
            partition by cohort_month, touch_model, campaign_key, lead_source, segment_code
        ) as {{ dbt.type_bigint() }}) as mqls,
        cast(sum(accepted) over (
            partition by cohort_month, touch_model, campaign_key, lead_source, segment_code
        ) as {{ dbt.type_bigint() }}) as accepted_within_window,
        cast(sum(won) over (
            partition by cohort_month, touch_model, campaign_key, lead_source, segment_code
        ) as {{ dbt.type_bigint() }}) as won_within_window,
        max(acceptance_window_days) over (
            partition by cohort_month, touch_model, campaign_key, lead_source, segment_code
        ) as group_acceptance_window_days,
        max(win_window_days) over (
            partition by cohort_month, touch_model, campaign_key, lead_source, segment_code
        ) as group_win_window_days
    from aggregated
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            "grouped.touch_model", "'|'",
            dbt.cast("grouped.cohort_month", dbt.type_string()), "'|'",
            "coalesce(grouped.campaign_key, '')", "'|'", "grouped.lead_source", "'|'",
            "coalesce(grouped.segment_code, '')", "'|'", "grouped.outcome", "'|'",
            "grouped.reason_category"
        ])) }} as lead_feedback_key,
        grouped.cohort_month,
        grouped.touch_model,
        grouped.campaign_key,
        grouped.campaign_name,
        grouped.channel,
        grouped.lead_source,
        grouped.segment_code,
        grouped.outcome,
        grouped.reason_category,
        grouped.reason_category_name,
        grouped.marketing_can_act_flag = 1 as marketing_can_act,
        grouped.cycles,
        grouped.accepted as cycles_accepted_within_window,
        grouped.won as cycles_won_within_window,
        grouped.mqls,
        grouped.accepted_within_window,
        grouped.won_within_window,
        cast(grouped.accepted_within_window as {{ type_double() }}) / grouped.mqls
            as mql_to_sal_rate,
        cast(grouped.won_within_window as {{ type_double() }}) / grouped.mqls
            as mql_to_won_rate,
        {{ dbt.dateadd('day', 'grouped.group_acceptance_window_days',
                       dbt.dateadd('month', 1, 'grouped.cohort_month')) }}
        < as_of.as_of_at as acceptance_is_mature,
        coalesce(
            {{ dbt.dateadd('day', 'grouped.group_win_window_days',
                           dbt.dateadd('month', 1, 'grouped.cohort_month')) }}
            < as_of.as_of_at,
            false
        ) as win_is_mature
    from grouped
    cross join as_of
)

select * from final
