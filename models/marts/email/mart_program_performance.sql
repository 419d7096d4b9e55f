{#- Program performance joins the funnel: one row per program of the MAS of record x month, and
    one all-time row per program (period_grain 'all_time', month_start null), with
    - persons_touched: distinct persons with any marketing activity of the program
      (int_marketing_activities_attributed: the program an activity names, else its smart
      campaign's) in the period;
    - mqls_influenced: lead cycles whose MQL falls in the period and whose person had a marketing
      touch of the program (int_marketing_touches, the touches attribution credits) at or before
      the MQL and at most {{ lookback_days }} days before it;
    - opportunities_influenced: opportunities created in the period with credit to the program in
      mart_attribution (a touch of the program in the {{ lookback_days }} days before creation);
      influenced_pipeline_amount: the amount of those that are pipeline (New Business and
      Expansion); attributed_pipeline_amount: their linear-model credit to the program x amount;
    - the email columns of the program's sends (fct_email_sends) sent in the period;
    - on all-time rows, the cost of the CRM campaign the program syncs to (same name, trimmed,
      case-insensitive; several such campaigns add up) and the actual cost per influenced MQL.
    A month row exists when the program touched someone, influenced an MQL or an opportunity, or
    sent an email that month. -#}
{%- set lookback_days = 365 -%}

with

role_words as (
    {{ revenue_funnel.system_role_words(ref('int_source_system_roles')) }}
),

systems_of_record as (
    select
        system_roles.role,
        role_words.role_word
    from {{ ref('int_source_system_roles') }} as system_roles
    inner join role_words
        on system_roles.source_system = role_words.source_system
    where system_roles.is_of_record
),

campaigns as (
    select * from {{ ref('dim_campaign') }}
),

programs as (
    select
        campaigns.campaign_key,
        campaigns.source_system,
        campaigns.campaign_id as program_id,
        campaigns.campaign_name as program_name,
        campaigns.channel
    from campaigns
    inner join systems_of_record
        on
            campaigns.source_system = systems_of_record.role_word
            and systems_of_record.role = 'mas'
),

crm_campaigns as (
    select
        campaigns.campaign_key,
        lower(trim(campaigns.campaign_name)) as name_key,
        campaigns.actual_cost,
        campaigns.budgeted_cost
    from campaigns
    inner join systems_of_record
        on
            campaigns.source_system = systems_of_record.role_word
            and systems_of_record.role = 'crm'
),

program_costs as (
    select
        programs.campaign_key,
        sum(crm_campaigns.actual_cost) as actual_cost,
        sum(crm_campaigns.budgeted_cost) as budgeted_cost
    from programs
    inner join crm_campaigns
        on
            lower(trim(programs.program_name)) = crm_campaigns.name_key
            -- One system as both CRM and MAS: a campaign is not its own CRM campaign.
            and programs.campaign_key != crm_campaigns.campaign_key
    group by programs.campaign_key
),

activities as (
    select
        programs.campaign_key,
        activities.person_key,
        activities.activity_at
    from {{ ref('int_marketing_activities_attributed') }} as activities
    inner join role_words
        on activities.source_system = role_words.source_system
    inner join programs
        on
            role_words.role_word = programs.source_system
            and activities.program_id = programs.program_id
),

touches as (
    select
        programs.campaign_key,
        touches.person_key,
        touches.touched_at
    from {{ ref('int_marketing_touches') }} as touches
    inner join programs
        on touches.campaign_key = programs.campaign_key
),

mqls as (
    select
        lead_cycle_key,
        person_key,
        mql_at
    from {{ ref('fct_lead_cycles') }}
    where mql_at is not null
),

influenced_mqls as (
    select distinct
        touches.campaign_key,
        mqls.lead_cycle_key,
        mqls.mql_at
    from mqls
    inner join touches
        on
            mqls.person_key = touches.person_key
            and mqls.mql_at >= touches.touched_at
            and touches.touched_at >= {{ dbt.dateadd('day', -lookback_days, 'mqls.mql_at') }}
),

opportunities as (
    select
        opportunity_id,
        is_pipeline
    from {{ ref('fct_opportunities') }}
),

influenced_opportunities as (
    select
        attribution.campaign_key,
        attribution.opportunity_id,
        max(attribution.opportunity_created_at) as created_at,
        max(case when opportunities.is_pipeline then attribution.amount end) as pipeline_amount,
        sum(
            case when opportunities.is_pipeline then attribution.linear_credit * attribution.amount end
        ) as attributed_pipeline_amount
    from {{ ref('mart_attribution') }} as attribution
    inner join programs
        on attribution.campaign_key = programs.campaign_key
    left join opportunities
        on attribution.opportunity_id = opportunities.opportunity_id
    group by attribution.campaign_key, attribution.opportunity_id
),

sends as (
    select
        sends.campaign_key,
        sends.sent_month,
        sends.is_bounced,
        sends.is_opened,
        sends.is_clicked,
        sends.is_unsubscribed
    from {{ ref('fct_email_sends') }} as sends
    inner join programs
        on sends.campaign_key = programs.campaign_key
),

-- Every measure keyed by program and month; the all-time rows count the same facts without the
-- month.
facts as (
    select
        campaign_key,
        cast({{ dbt.date_trunc('month', 'activity_at') }} as date) as month_start,
        'touch' as fact,
        person_key as counted_key,
        cast(null as {{ revenue_funnel.type_double() }}) as pipeline_amount,
        cast(null as {{ revenue_funnel.type_double() }}) as attributed_pipeline_amount,
        0 as is_send,
        0 as is_bounced,
        0 as is_opened,
        0 as is_clicked,
        0 as is_unsubscribed
    from activities
    union all
    select
        campaign_key,
        cast({{ dbt.date_trunc('month', 'mql_at') }} as date) as month_start,
        'mql' as fact,
        lead_cycle_key as counted_key,
        null as pipeline_amount,
        null as attributed_pipeline_amount,
        0 as is_send,
        0 as is_bounced,
        0 as is_opened,
        0 as is_clicked,
        0 as is_unsubscribed
    from influenced_mqls
    union all
    select
        campaign_key,
        cast({{ dbt.date_trunc('month', 'created_at') }} as date) as month_start,
        'opportunity' as fact,
        opportunity_id as counted_key,
        pipeline_amount,
        attributed_pipeline_amount,
        0 as is_send,
        0 as is_bounced,
        0 as is_opened,
        0 as is_clicked,
        0 as is_unsubscribed
    from influenced_opportunities
    union all
    select
        campaign_key,
        sent_month as month_start,
        'send' as fact,
        null as counted_key,
        null as pipeline_amount,
        null as attributed_pipeline_amount,
        1 as is_send,
        case when is_bounced then 1 else 0 end as is_bounced,
        case when is_opened then 1 else 0 end as is_opened,
        case when is_clicked then 1 else 0 end as is_clicked,
        case when is_unsubscribed then 1 else 0 end as is_unsubscribed
    from sends
),

periods as (
    select
        campaign_key,
        'month' as period_grain,
        month_start,
        fact,
        counted_key,
        pipeline_amount,
        attributed_pipeline_amount,
        is_send,
        is_bounced,
        is_opened,
        is_clicked,
        is_unsubscribed
    from facts
    union all
    select
        campaign_key,
        'all_time' as period_grain,
        cast(null as date) as month_start,
        fact,
        counted_key,
        pipeline_amount,
        attributed_pipeline_amount,
        is_send,
        is_bounced,
        is_opened,
        is_clicked,
        is_unsubscribed
    from facts
),

measured as (
    select
        campaign_key,
        period_grain,
        month_start,
        count(distinct case when fact = 'touch' then counted_key end) as persons_touched,
        count(distinct case when fact = 'mql' then counted_key end) as mqls_influenced,
        count(distinct case when fact = 'opportunity' then counted_key end)
            as opportunities_influenced,
        coalesce(sum(pipeline_amount), 0) as influenced_pipeline_amount,
        coalesce(sum(attributed_pipeline_amount), 0) as attributed_pipeline_amount,
        sum(is_send) as sends,
        sum(is_send) - sum(is_bounced) as delivered,
        sum(is_opened) as unique_opens,
        sum(is_clicked) as unique_clicks,
        sum(is_unsubscribed) as unsubscribes
    from periods
    group by campaign_key, period_grain, month_start
),

-- A program with no fact at all still has its all-time row.
quiet_programs as (
    select
        programs.campaign_key,
        'all_time' as period_grain,
        cast(null as date) as month_start,
        0 as persons_touched,
        0 as mqls_influenced,
        0 as opportunities_influenced,
        0 as influenced_pipeline_amount,
        0 as attributed_pipeline_amount,
        0 as sends,
        0 as delivered,
        0 as unique_opens,
        0 as unique_clicks,
        0 as unsubscribes
    from programs
    where
        programs.campaign_key not in (
            select measured.campaign_key from measured
        )
),

program_periods as (
    select * from measured
    union all
    select * from quiet_programs
),

final as (
    select
        {{ dbt.hash(
            "program_periods.campaign_key || ':' || program_periods.period_grain || ':' || "
            ~ "coalesce(cast(program_periods.month_start as " ~ dbt.type_string() ~ "), '')"
        ) }} as program_performance_key,
        program_periods.campaign_key,
        programs.program_id,
        programs.program_name,
        programs.channel,
        program_periods.period_grain,
        program_periods.month_start,
        cast(program_periods.persons_touched as {{ dbt.type_bigint() }}) as persons_touched,
        cast(program_periods.mqls_influenced as {{ dbt.type_bigint() }}) as mqls_influenced,
        cast(program_periods.opportunities_influenced as {{ dbt.type_bigint() }}) as opportunities_influenced,
        -- Amounts to the cent: a sum of credit x amount in another order differs in its last bits.
        cast(
            {{ revenue_funnel.rounded_ratio('program_periods.influenced_pipeline_amount', 1, 2) }}
            as {{ revenue_funnel.type_double() }}
        ) as influenced_pipeline_amount,
        cast(
            {{ revenue_funnel.rounded_ratio('program_periods.attributed_pipeline_amount', 1, 2) }}
            as {{ revenue_funnel.type_double() }}
        ) as attributed_pipeline_amount,
        cast(program_periods.sends as {{ dbt.type_bigint() }}) as sends,
        cast(program_periods.delivered as {{ dbt.type_bigint() }}) as delivered,
        cast(program_periods.unique_opens as {{ dbt.type_bigint() }}) as unique_opens,
        cast(program_periods.unique_clicks as {{ dbt.type_bigint() }}) as unique_clicks,
        cast(program_periods.unsubscribes as {{ dbt.type_bigint() }}) as unsubscribes,
        cast(program_periods.unique_opens as {{ revenue_funnel.type_double() }})
        / nullif(program_periods.delivered, 0) as open_rate,
        cast(program_periods.unique_clicks as {{ revenue_funnel.type_double() }})
        / nullif(program_periods.delivered, 0) as click_rate,
        case
            when program_periods.period_grain = 'all_time' then program_costs.actual_cost
        end as actual_cost,
        case
            when program_periods.period_grain = 'all_time' then program_costs.budgeted_cost
        end as budgeted_cost,
        case
            when program_periods.period_grain = 'all_time'
                then program_costs.actual_cost / nullif(program_periods.mqls_influenced, 0)
        end as cost_per_mql
    from program_periods
    inner join programs
        on program_periods.campaign_key = programs.campaign_key
    left join program_costs
        on program_periods.campaign_key = program_costs.campaign_key
)

select * from final
