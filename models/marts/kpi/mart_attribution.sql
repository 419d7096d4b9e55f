{#- Touch-level credit for each opportunity of the CRM of record under six attribution models.
    Touches are the marketing touches (MAS program engagements, CRM campaign memberships) of the
    people behind the opportunity (the person of the lead converted into it and the account's
    contacts) in the {{ lookback_days }} days before the opportunity was created. Each model's
    credits sum to 1 per opportunity.
    - first_touch / last_touch: all credit to the first / last touch.
    - linear: equal credit.
    - u_shaped (position-based): 40% first, 40% last, 20% shared by the rest.
    - w_shaped: 30% first, 30% the touch that led to the MQL (last touch at or before the MQL),
      30% last, 10% shared by the rest.
    - time_decay: weight halves every {{ half_life_days }} days before the opportunity. -#}
{%- set lookback_days = 365 -%}
{%- set half_life_days = 7 -%}

with

opportunities as (
    select
        opportunity_id,
        opportunity_type,
        crm_account_id as account_id,
        amount,
        is_won,
        created_at
    from {{ ref('int_opportunities') }}
),

crm_person_records as (
    {{ revenue_funnel.records_of_record(ref('int_person_records')) }}
),

-- The person of each lead of the CRM of record that converted into an opportunity, as
-- int_persons_resolved keys its records: by system, record type and record id.
converted_leads as (
    select
        person_records.converted_opportunity_id as opportunity_id,
        persons.person_key
    from crm_person_records as person_records
    inner join {{ ref('int_persons_resolved') }} as persons
        on
            person_records.source_system = persons.record_system
            and person_records.record_type = persons.record_type
            and person_records.record_id = persons.source_record_id
    where
        person_records.record_type = 'lead'
        and person_records.converted_opportunity_id is not null
),

account_people as (
    select
        opportunities.opportunity_id,
        dim_person.person_key
    from opportunities
    inner join {{ ref('dim_person') }} as dim_person
        on opportunities.account_id = dim_person.crm_account_id
),

opportunity_people as (
    select * from converted_leads
    union
    select * from account_people
),

first_mqls as (
    select
        person_key,
        min(mql_at) as first_mql_at
    from {{ ref('fct_lead_cycles') }}
    group by person_key
),

touches as (
    select * from {{ ref('int_marketing_touches') }}
),

opportunity_touches as (
    select
        opportunities.opportunity_id,
        opportunities.opportunity_type,
        opportunities.account_id,
        opportunities.amount,
        opportunities.is_won,
        opportunities.created_at as opportunity_created_at,
        touches.*,
        first_mqls.first_mql_at,
        {{ dbt.datediff('touches.touched_at', 'opportunities.created_at', 'second') }} / 86400.0
            as days_before_opportunity,
        row_number() over (
            partition by opportunities.opportunity_id
            order by touches.touched_at, touches.source_system, touches.touch_id
        ) as touch_position,
        count(*) over (partition by opportunities.opportunity_id) as touch_count
    from opportunities
    inner join opportunity_people
        on opportunities.opportunity_id = opportunity_people.opportunity_id
    inner join touches
        on
            opportunity_people.person_key = touches.person_key
            and opportunities.created_at > touches.touched_at
            and touches.touched_at
            >= {{ dbt.dateadd('day', -lookback_days, 'opportunities.created_at') }}
    left join first_mqls
        on touches.person_key = first_mqls.person_key
),

mql_anchors as (
    select
        opportunity_id,
        coalesce(
            max(
                case
                    when
                        touched_at <= first_mql_at
                        and touch_position > 1
                        and touch_position < touch_count
                        then touch_position
                end
            ),
            floor((max(touch_count) + 1) / 2.0)
        ) as mql_touch_position
    from opportunity_touches
    group by opportunity_id
),

weighted as (
    select
        opportunity_touches.*,
        mql_anchors.mql_touch_position,
        power(0.5, opportunity_touches.days_before_opportunity / {{ half_life_days }}.0)
            as decay_weight
    from opportunity_touches
    inner join mql_anchors
        on opportunity_touches.opportunity_id = mql_anchors.opportunity_id
),

credited as (
    select
        *,
        case when touch_position = 1 then 1.0 else 0.0 end as first_touch_credit,
        case when touch_position = touch_count then 1.0 else 0.0 end as last_touch_credit,
        1.0 / touch_count as linear_credit,
        case
            when touch_count = 1 then 1.0
            when touch_count = 2 then 0.5
            when touch_position in (1, touch_count) then 0.4
            else 0.2 / (touch_count - 2)
        end as u_shaped_credit,
        case
            when touch_count <= 3 then 1.0 / touch_count
            when touch_position in (1, touch_count, mql_touch_position) then 0.3
            else 0.1 / (touch_count - 3)
        end as w_shaped_credit,
        decay_weight / sum(decay_weight) over (partition by opportunity_id) as time_decay_credit
    from weighted
),

final as (
    select
        opportunity_id,
        opportunity_type,
        account_id,
        opportunity_created_at,
        amount,
        is_won,
        case when is_won then amount else 0 end as won_amount,
        person_key,
        touch_id,
        touched_at,
        source_system,
        touch_type,
        campaign_key,
        campaign_name,
        channel,
        touch_position,
        touch_count,
        {{ rounded_ratio(dbt.datediff('touched_at', 'opportunity_created_at', 'second'), 86400, 2) }}
            as days_before_opportunity,
        -- Credits are doubles on every engine (decimal literals would make them numeric on
        -- PostgreSQL and decimal on Spark).
        cast(first_touch_credit as {{ type_double() }}) as first_touch_credit,
        cast(last_touch_credit as {{ type_double() }}) as last_touch_credit,
        cast(linear_credit as {{ type_double() }}) as linear_credit,
        cast(u_shaped_credit as {{ type_double() }}) as u_shaped_credit,
        cast(w_shaped_credit as {{ type_double() }}) as w_shaped_credit,
        cast(time_decay_credit as {{ type_double() }}) as time_decay_credit
    from credited
)

select * from final
