-- Frame the marts_lead_feedback_reconciles suite validates: mart_lead_feedback per touch model next to fct_lead_cycles (MQL cycles per cohort month and outcome) and mart_funnel_conversion (mql->sal MQLs and acceptances per cohort month, segment and lead source).
with

touch_models as (
    select 'first_touch' as touch_model
    union all
    select 'last_touch' as touch_model
),

feedback_outcomes as (
    select
        touch_model,
        cohort_month,
        outcome,
        sum(cycles) as feedback_cycles
    from {marts}.mart_lead_feedback
    group by 1, 2, 3
),

fact_outcomes as (
    select
        touch_models.touch_model,
        cast(date_trunc('month', cycles.mql_at) as date) as cohort_month,
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
        count(*) as fact_cycles
    from {marts}.fct_lead_cycles as cycles
    cross join touch_models
    where cycles.mql_at is not null
    group by 1, 2, 3
),

feedback_groups as (
    select distinct
        touch_model,
        cohort_month,
        campaign_key,
        coalesce(segment_code, '(none)') as segment_code,
        lead_source,
        mqls,
        accepted_within_window
    from {marts}.mart_lead_feedback
),

feedback_cohorts as (
    select
        touch_model,
        cohort_month,
        segment_code,
        lead_source,
        sum(mqls) as feedback_mqls,
        sum(accepted_within_window) as feedback_accepted
    from feedback_groups
    group by 1, 2, 3, 4
),

conversion_cohorts as (
    select
        touch_models.touch_model,
        conversion.cohort_month,
        coalesce(conversion.segment_code, '(none)') as segment_code,
        conversion.lead_source,
        sum(conversion.entered) as conversion_mqls,
        sum(conversion.converted_within_window) as conversion_accepted
    from {marts}.mart_funnel_conversion as conversion
    cross join touch_models
    where conversion.from_stage = 'mql' and conversion.to_stage = 'sal'
    group by 1, 2, 3, 4
)

select
    coalesce(feedback_outcomes.touch_model, fact_outcomes.touch_model) || ' '
    || cast(coalesce(feedback_outcomes.cohort_month, fact_outcomes.cohort_month) as varchar)
    || ' outcome ' || coalesce(feedback_outcomes.outcome, fact_outcomes.outcome) as row_key,
    cast(coalesce(feedback_outcomes.feedback_cycles, 0) as bigint) as feedback_cycles,
    cast(coalesce(fact_outcomes.fact_cycles, 0) as bigint) as fact_cycles,
    cast(0 as bigint) as feedback_mqls,
    cast(0 as bigint) as conversion_mqls,
    cast(0 as bigint) as feedback_accepted,
    cast(0 as bigint) as conversion_accepted
from feedback_outcomes
full outer join fact_outcomes
    on
        feedback_outcomes.touch_model = fact_outcomes.touch_model
        and feedback_outcomes.cohort_month = fact_outcomes.cohort_month
        and feedback_outcomes.outcome = fact_outcomes.outcome

union all

select
    coalesce(feedback_cohorts.touch_model, conversion_cohorts.touch_model) || ' '
    || cast(coalesce(feedback_cohorts.cohort_month, conversion_cohorts.cohort_month) as varchar)
    || ' segment ' || coalesce(feedback_cohorts.segment_code, conversion_cohorts.segment_code)
    || ' source ' || coalesce(feedback_cohorts.lead_source, conversion_cohorts.lead_source)
    as row_key,
    cast(0 as bigint) as feedback_cycles,
    cast(0 as bigint) as fact_cycles,
    cast(coalesce(feedback_cohorts.feedback_mqls, 0) as bigint) as feedback_mqls,
    cast(coalesce(conversion_cohorts.conversion_mqls, 0) as bigint) as conversion_mqls,
    cast(coalesce(feedback_cohorts.feedback_accepted, 0) as bigint) as feedback_accepted,
    cast(coalesce(conversion_cohorts.conversion_accepted, 0) as bigint) as conversion_accepted
from feedback_cohorts
full outer join conversion_cohorts
    on
        feedback_cohorts.touch_model = conversion_cohorts.touch_model
        and feedback_cohorts.cohort_month = conversion_cohorts.cohort_month
        and feedback_cohorts.segment_code = conversion_cohorts.segment_code
        and feedback_cohorts.lead_source = conversion_cohorts.lead_source
