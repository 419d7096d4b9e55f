{#- One row per SLA policy x person x cycle for the per-lead policies, one per policy x
    opportunity x stage entered for the per-opportunity policies, and one row per month x segment
    for the marketing volume and quality policies, judged at as-of. Business clocks run in the
    time zone of the owner at the SLA start (int_sla_clock_days); calendar clocks count every
    minute. Which instances a policy has comes from its sla_policies row (int_sla_policy_events):
    the grain of its start event, and its satisfy events (for a period policy, its measure). -#}
with

policies as (
    select
        policy_key,
        owning_team,
        clock,
        case target_unit
            when 'business_hours' then target_duration * 60
            when 'calendar_days' then target_duration * 1440
        end as target_minutes
    from {{ ref('sla_policies') }}
),

policy_events as (
    select * from {{ ref('int_sla_policy_events') }}
    where is_known
),

lead_instances as (
    select
        policy_key,
        subject_id,
        person_key,
        cycle_number,
        crm_lead_id,
        owner_id,
        owner_team,
        time_zone,
        clock_id,
        started_at,
        satisfied_at,
        satisfied_by,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        cast(null as {{ dbt.type_string() }}) as opportunity_stage_name,
        cast(null as date) as expected_close_date,
        cast(null as {{ dbt.type_timestamp() }}) as deadline_at
    from {{ ref('int_sla_lead_instances') }}

    union all

    select
        policy_key,
        subject_id,
        person_key,
        cycle_number,
        crm_lead_id,
        owner_id,
        owner_team,
        time_zone,
        clock_id,
        started_at,
        satisfied_at,
        satisfied_by,
        opportunity_id,
        opportunity_stage_name,
        expected_close_date,
        deadline_at
    from {{ ref('int_sla_opportunity_instances') }}
),

clock_days as (
    select * from {{ ref('int_sla_clock_days') }}
),

as_of as (
    select {{ as_of_timestamp() }} as as_of_at
),

timed as (
    select
        lead_instances.*,
        policies.owning_team,
        policies.clock,
        policies.target_minutes,
        as_of.as_of_at,
        case
            when lead_instances.satisfied_at <= as_of.as_of_at then lead_instances.satisfied_at
        end as satisfied_by_as_of_at,
        case
            when lead_instances.satisfied_at <= as_of.as_of_at then lead_instances.satisfied_at
            else as_of.as_of_at
        end as clock_stopped_at
    from lead_instances
    inner join policies
        on lead_instances.policy_key = policies.policy_key
    cross join as_of
    where lead_instances.started_at <= as_of.as_of_at
),

on_the_clock as (
    select
        timed.*,
        {{ business_minutes_at('timed.started_at', 'start_day') }} as started_business_minutes,
        {{ business_minutes_at('timed.clock_stopped_at', 'stop_day') }} as stopped_business_minutes
    from timed
    inner join clock_days as start_day
        on {{ on_clock_day('start_day', 'timed.clock_id', 'timed.started_at', 'timed.time_zone') }}
    inner join clock_days as stop_day
        on {{ on_clock_day(
            'stop_day', 'timed.clock_id', 'timed.clock_stopped_at', 'timed.time_zone'
        ) }}
),

business_due as (
    select
        on_the_clock.*,
        {{ business_instant_at(
            'on_the_clock.started_business_minutes + on_the_clock.target_minutes', 'due_day'
        ) }} as business_due_at
    from on_the_clock
    left join clock_days as due_day
        on
            on_the_clock.clock_id = due_day.clock_id
            and on_the_clock.started_business_minutes + on_the_clock.target_minutes
            > due_day.cumulative_minutes_before
            and on_the_clock.started_business_minutes + on_the_clock.target_minutes
            <= due_day.cumulative_minutes_before + due_day.business_minutes
),

-- A deadline of its own (an opportunity's expected close date) comes first when it is earlier.
clocked_due as (
    select
        *,
        case
            when clock = 'business' then business_due_at
            else {{ dbt.dateadd('minute', 'target_minutes', 'started_at') }}
        end as clock_due_at
    from business_due
),

instance_facts as (
    select
        policy_key,
        subject_id,
        owning_team,
        clock,
        person_key,
        crm_lead_id,
        cycle_number,
        owner_id as owner_user_id,
        owner_team,
        time_zone,
        opportunity_id,
        opportunity_stage_name,
        expected_close_date,
        started_at,
        case when deadline_at < clock_due_at then deadline_at else clock_due_at end as due_at,
        satisfied_by_as_of_at as satisfied_at,
        case when satisfied_by_as_of_at is not null then satisfied_by end as satisfied_by,
        target_minutes,
        case
            when clock = 'business'
                then round(stopped_business_minutes - started_business_minutes, 2)
            else round({{ dbt.datediff('started_at', 'clock_stopped_at', 'second') }} / 60.0, 2)
        end as business_minutes_elapsed,
        as_of_at
    from clocked_due
),

-- Marketing's side: MQL volume per segment and month against mql_targets (measure mql_count),
-- and the share of a month's MQLs sales accepted against the policy's floor (mql_to_sal_rate).
-- A month without MQLs has no rate: its quality is not_measured, neither met nor breached.
cycles as (
    select
        fct_lead_cycles.*,
        dim_person.segment_code
    from {{ ref('int_lead_cycles') }} as fct_lead_cycles
    inner join {{ ref('int_persons') }} as dim_person
        on fct_lead_cycles.person_key = dim_person.person_key
    where fct_lead_cycles.mql_at is not null
),

monthly_mqls as (
    select
        cast({{ dbt.date_trunc('month', 'mql_at') }} as date) as month_start_date,
        segment_code,
        count(*) as mqls,
        count(coalesce(sal_at, sql_at, opportunity_created_at, won_at)) as accepted_mqls
    from cycles
    group by 1, 2
),

targets as (
    select
        cast(month_start_date as date) as month_start_date,
        segment_code,
        mql_target
    from {{ ref('mql_targets') }}
),

floors as (
    select * from {{ ref('sla_floors') }}
),

owners as (
    select * from {{ ref('sla_owners') }}
),

measures as (
    select
        policy_key,
        event_code as measure_code
    from policy_events
    where policy_grain = 'period' and event_role = 'satisfy'
),

months as (
    select
        targets.month_start_date,
        targets.segment_code,
        targets.mql_target,
        coalesce(monthly_mqls.mqls, 0) as mqls,
        coalesce(monthly_mqls.accepted_mqls, 0) as accepted_mqls,
        as_of.as_of_at,
        cast({{ dbt.dateadd('month', 1, 'targets.month_start_date') }} as {{ dbt.type_timestamp() }})
            as month_end_at
    from targets
    cross join as_of
    left join monthly_mqls
        on
            targets.month_start_date = monthly_mqls.month_start_date
            and targets.segment_code = monthly_mqls.segment_code
    where
        targets.month_start_date <= cast(as_of.as_of_at as date)
        and targets.month_start_date >= (
            select min(first_month.month_start_date) from monthly_mqls as first_month
        )
),

period_facts as (
    select
        measures.policy_key,
        months.month_start_date,
        months.segment_code,
        cast(months.mqls as {{ dbt.type_float() }}) as measured_value,
        cast(months.mql_target as {{ dbt.type_float() }}) as target_value,
        case
            when months.mqls >= months.mql_target then 'met'
            when months.as_of_at >= months.month_end_at then 'breached'
            else 'open'
        end as status,
        months.month_end_at,
        months.as_of_at
    from months
    inner join measures
        on measures.measure_code = 'mql_count'

    union all

    select
        measures.policy_key,
        months.month_start_date,
        months.segment_code,
        case when months.mqls > 0 then 1.0 * months.accepted_mqls / months.mqls end
            as measured_value,
        floors.floor_rate as target_value,
        case
            when months.as_of_at < months.month_end_at then 'open'
            when months.mqls = 0 then 'not_measured'
            when 1.0 * months.accepted_mqls / months.mqls >= floors.floor_rate then 'met'
            else 'breached'
        end as status,
        months.month_end_at,
        months.as_of_at
    from months
    inner join measures
        on measures.measure_code = 'mql_to_sal_rate'
    inner join floors
        on measures.policy_key = floors.policy_key
),

final as (
    select
        {{ dbt.hash(dbt.concat(["policy_key", "'|'", "subject_id"])) }} as sla_key,
        policy_key,
        owning_team,
        clock,
        person_key,
        crm_lead_id,
        cycle_number,
        opportunity_id,
        opportunity_stage_name,
        expected_close_date,
        owner_user_id,
        owner_team,
        time_zone,
        started_at,
        due_at,
        satisfied_at,
        satisfied_by,
        {{ sla_status('satisfied_at', 'due_at', 'as_of_at') }} as status,
        business_minutes_elapsed,
        target_minutes,
        cast(null as date) as period_start_date,
        cast(null as {{ dbt.type_string() }}) as segment_code,
        cast(null as {{ dbt.type_float() }}) as measured_value,
        cast(null as {{ dbt.type_float() }}) as target_value,
        as_of_at
    from instance_facts

    union all

    select
        {{ dbt.hash(dbt.concat(["period_facts.policy_key", "'|'",
            dbt.cast("period_facts.month_start_date", dbt.type_string()), "'|'",
            "period_facts.segment_code"])) }} as sla_key,
        period_facts.policy_key,
        policies.owning_team,
        policies.clock,
        cast(null as {{ dbt.type_string() }}) as person_key,
        cast(null as {{ dbt.type_string() }}) as crm_lead_id,
        cast(null as {{ dbt.type_int() }}) as cycle_number,
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        cast(null as {{ dbt.type_string() }}) as opportunity_stage_name,
        cast(null as date) as expected_close_date,
        owners.owner_user_id,
        policies.owning_team as owner_team,
        cast(null as {{ dbt.type_string() }}) as time_zone,
        cast(period_facts.month_start_date as {{ dbt.type_timestamp() }}) as started_at,
        period_facts.month_end_at as due_at,
        cast(null as {{ dbt.type_timestamp() }}) as satisfied_at,
        cast(null as {{ dbt.type_string() }}) as satisfied_by,
        period_facts.status,
        cast(null as {{ dbt.type_float() }}) as business_minutes_elapsed,
        cast(null as {{ dbt.type_float() }}) as target_minutes,
        period_facts.month_start_date as period_start_date,
        period_facts.segment_code,
        period_facts.measured_value,
        period_facts.target_value,
        period_facts.as_of_at
    from period_facts
    inner join policies
        on period_facts.policy_key = policies.policy_key
    left join owners
        on
            period_facts.policy_key = owners.policy_key
            and period_facts.segment_code = owners.segment_code
)

select * from final
