{#- What content works: one row per content asset (int_content_engagements: a form, web page,
    email, MAS program or CRM campaign) x stage pair (mql->sal, sal->sql,
    sql->opportunity, opportunity->customer), comparing the stage-to-stage conversion of the
    lifecycle cycles whose person engaged with the asset before the cycle entered the from-stage
    with that of the cycles whose person hadn't. Conversions are the agreed windowed ones
    (int_cycle_conversions_windowed; opportunity->customer is its opportunity->won pair): a
    cycle is decided once it converted within the window or the window has passed, and only
    decided cycles count in the rates. Not-engaged counts are the pair's totals minus the
    engaged ones, so no cycle is paired with an asset it never met.
    On opportunity->customer rows also: of the deals that closed (won or lost) and whose person
    engaged with the asset in the `content_lookback_days` days before the close, how many were
    won. -#}
{%- set lookback_days = var("content_lookback_days", 90) -%}
{%- set minimum_sample = 30 -%}
{%- set stage_pairs = [
    ("mql", "sal", "mql", "sal"),
    ("sal", "sql", "sal", "sql"),
    ("sql", "opportunity", "sql", "opportunity"),
    ("opportunity", "won", "opportunity", "customer"),
] -%}

with

engagements as (
    select * from {{ ref('int_content_engagements') }}
),

campaigns as (
    select * from {{ ref('dim_campaign') }}
),

-- Each person's first engagement with each asset, computed once: the only engagement the
-- stage comparison needs.
first_engagements as (
    select
        person_key,
        asset_type,
        asset_id,
        min(engaged_at) as first_engaged_at,
        max(asset_name) as asset_name,
        min(campaign_key) as min_campaign_key,
        max(campaign_key) as max_campaign_key,
        count(*) - count(campaign_key) as engagements_without_campaign
    from engagements
    group by person_key, asset_type, asset_id
),

-- An asset's program is known when every engagement with it came through the same one.
assets as (
    select
        asset_type,
        asset_id,
        max(asset_name) as asset_name,
        case
            when
                min(min_campaign_key) = max(max_campaign_key)
                and sum(engagements_without_campaign) = 0
                then min(min_campaign_key)
        end as campaign_key
    from first_engagements
    group by asset_type, asset_id
),

conversions as (
    {% for from_stage, to_stage, from_label, to_label in stage_pairs %}
        select
            person_key,
            '{{ from_label }}' as from_stage,
            '{{ to_label }}' as to_stage,
            entered_at,
            is_converted_within_window as is_converted,
            is_converted_within_window or is_window_closed as is_decided
        from {{ ref('int_cycle_conversions_windowed') }}
        where from_stage = '{{ from_stage }}' and to_stage = '{{ to_stage }}'
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

pair_totals as (
    select
        from_stage,
        to_stage,
        sum(case when is_decided then 1 else 0 end) as decided,
        sum(case when is_converted then 1 else 0 end) as converted
    from conversions
    group by from_stage, to_stage
),

stage_pairs as (
    {% for from_stage, to_stage, from_label, to_label in stage_pairs %}
        select
            '{{ from_label }}' as from_stage,
            '{{ to_label }}' as to_stage,
            {{ loop.index }} as stage_pair_order
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

engaged as (
    select
        first_engagements.asset_type,
        first_engagements.asset_id,
        conversions.from_stage,
        conversions.to_stage,
        count(*) as engaged_reached,
        sum(case when conversions.is_decided then 1 else 0 end) as engaged_decided,
        sum(case when conversions.is_converted then 1 else 0 end) as engaged_converted
    from first_engagements
    inner join conversions
        on
            first_engagements.person_key = conversions.person_key
            and first_engagements.first_engaged_at < conversions.entered_at
    group by
        first_engagements.asset_type,
        first_engagements.asset_id,
        conversions.from_stage,
        conversions.to_stage
),

closed_deals as (
    select
        opportunity_id,
        person_key,
        is_won,
        coalesce(closed_at, cast(close_date as {{ dbt.type_timestamp() }})) as closed_at
    from {{ ref('fct_opportunities') }}
    where is_closed and person_key is not null
),

recently_engaged_deals as (
    select distinct
        engagements.asset_type,
        engagements.asset_id,
        closed_deals.opportunity_id,
        closed_deals.is_won
    from closed_deals
    inner join engagements
        on
            closed_deals.person_key = engagements.person_key
            and closed_deals.closed_at >= engagements.engaged_at
            and engagements.engaged_at
            >= {{ dbt.dateadd('day', -lookback_days, 'closed_deals.closed_at') }}
),

recent as (
    select
        asset_type,
        asset_id,
        count(*) as closed_deals_engaged_recently,
        sum(case when is_won then 1 else 0 end) as won_deals_engaged_recently
    from recently_engaged_deals
    group by asset_type, asset_id
),

counted as (
    select
        assets.asset_type,
        assets.asset_id,
        assets.asset_name,
        assets.campaign_key,
        stage_pairs.from_stage,
        stage_pairs.to_stage,
        stage_pairs.stage_pair_order,
        coalesce(engaged.engaged_reached, 0) as engaged_reached,
        coalesce(engaged.engaged_decided, 0) as engaged_decided,
        coalesce(engaged.engaged_converted, 0) as engaged_converted,
        coalesce(pair_totals.decided, 0) - coalesce(engaged.engaged_decided, 0)
            as not_engaged_decided,
        coalesce(pair_totals.converted, 0) - coalesce(engaged.engaged_converted, 0)
            as not_engaged_converted
    from assets
    cross join stage_pairs
    left join pair_totals
        on
            stage_pairs.from_stage = pair_totals.from_stage
            and stage_pairs.to_stage = pair_totals.to_stage
    left join engaged
        on
            assets.asset_type = engaged.asset_type
            and assets.asset_id = engaged.asset_id
            and stage_pairs.from_stage = engaged.from_stage
            and stage_pairs.to_stage = engaged.to_stage
),

rated as (
    select
        counted.*,
        case
            when counted.engaged_decided > 0
                then
                    cast(counted.engaged_converted as {{ type_double() }})
                    / counted.engaged_decided
        end as engaged_conversion_rate,
        case
            when counted.not_engaged_decided > 0
                then
                    cast(counted.not_engaged_converted as {{ type_double() }})
                    / counted.not_engaged_decided
        end as not_engaged_conversion_rate
    from counted
),

final as (
    select
        rated.asset_type,
        rated.asset_id,
        rated.asset_name,
        rated.campaign_key,
        campaigns.campaign_name,
        rated.from_stage,
        rated.to_stage,
        rated.stage_pair_order,
        rated.engaged_reached,
        rated.engaged_decided,
        rated.engaged_converted,
        rated.engaged_conversion_rate,
        rated.not_engaged_decided,
        rated.not_engaged_converted,
        rated.not_engaged_conversion_rate,
        rated.engaged_conversion_rate - rated.not_engaged_conversion_rate
            as conversion_lift_points,
        rated.engaged_conversion_rate / nullif(rated.not_engaged_conversion_rate, 0)
            as conversion_lift_ratio,
        rated.engaged_decided >= {{ minimum_sample }}
        and rated.not_engaged_decided >= {{ minimum_sample }} as is_sample_sufficient,
        case
            when rated.to_stage = 'customer'
                then cast({{ lookback_days }} as {{ dbt.type_int() }})
        end as lookback_days,
        case
            when rated.to_stage = 'customer'
                then coalesce(recent.closed_deals_engaged_recently, 0)
        end as closed_deals_engaged_recently,
        case
            when rated.to_stage = 'customer'
                then coalesce(recent.won_deals_engaged_recently, 0)
        end as won_deals_engaged_recently,
        case
            when rated.to_stage = 'customer' and recent.closed_deals_engaged_recently > 0
                then
                    cast(recent.won_deals_engaged_recently as {{ type_double() }})
                    / recent.closed_deals_engaged_recently
        end as recent_engagement_win_rate
    from rated
    left join campaigns
        on rated.campaign_key = campaigns.campaign_key
    left join recent
        on
            rated.asset_type = recent.asset_type
            and rated.asset_id = recent.asset_id
)

select * from final
