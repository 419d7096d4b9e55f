{#- HubSpot deal stage changes in the conformed `opportunity_stage_changes` interface: one row per
    dealstage row of the deal property history, carrying the deal's amount, close date and
    forecast category as of that instant (their latest history value at or before it, else the
    deal's current value) and the new stage's probability in percent. Close dates are recorded
    as epoch milliseconds (ISO text is read too). -#}
with

property_history as (
    select * from {{ ref('stg_hubspot__deal_property_history') }}
),

deals as (
    select * from {{ ref('stg_hubspot__deals') }}
),

stages as (
    select * from {{ ref('stg_hubspot__deal_pipeline_stages') }}
),

owners as (
    select * from {{ ref('stg_hubspot__owners') }}
),

stage_changes as (
    select * from property_history
    where property_name = 'dealstage'
),

state_changes as (
    select * from property_history
    where property_name in ('amount', 'closedate', 'hs_forecast_category')
),

values_as_of_change as (
    select
        stage_changes.deal_id,
        stage_changes.changed_at,
        state_changes.property_name,
        state_changes.property_value,
        row_number() over (
            partition by stage_changes.deal_id, stage_changes.changed_at, state_changes.property_name
            order by state_changes.changed_at desc
        ) as value_rank
    from stage_changes
    inner join state_changes
        on
            stage_changes.deal_id = state_changes.deal_id
            and stage_changes.changed_at >= state_changes.changed_at
),

state_as_of_change as (
    select
        deal_id,
        changed_at,
        max(case when property_name = 'amount' then property_value end) as amount_value,
        max(case when property_name = 'closedate' then property_value end) as close_date_value,
        max(case when property_name = 'hs_forecast_category' then property_value end)
            as forecast_category
    from values_as_of_change
    where value_rank = 1
    group by 1, 2
),

final as (
    select
        'hubspot' as source_system,
        {{ dbt.concat([
            "cast(stage_changes.deal_id as " ~ dbt.type_string() ~ ")",
            "'-'",
            "cast(stage_changes.changed_at as " ~ dbt.type_string() ~ ")",
        ]) }} as stage_change_id,
        cast(stage_changes.deal_id as {{ dbt.type_string() }}) as opportunity_id,
        stage_changes.changed_at,
        stage_changes.property_value as stage_name,
        'dealstage' as stage_field,
        {{ revenue_funnel.hubspot_forecast_category(
            'coalesce(state_as_of_change.forecast_category, deals.forecast_category)'
        ) }} as forecast_category,
        coalesce(
            {{ dbt.safe_cast("state_as_of_change.amount_value", revenue_funnel.type_double()) }},
            deals.amount
        ) as amount,
        stages.probability * 100 as probability,
        coalesce(
            {{ dbt.cast(dbt.dateadd(
                "second",
                "floor(" ~ dbt.safe_cast("state_as_of_change.close_date_value", dbt.type_bigint())
                ~ " / 1000)",
                "cast('1970-01-01' as " ~ dbt.type_timestamp() ~ ")",
            ), "date") }},
            {{ dbt.cast(
                dbt.safe_cast("state_as_of_change.close_date_value", dbt.type_timestamp()), "date"
            ) }},
            deals.close_date
        ) as close_date,
        cast(owners.owner_id as {{ dbt.type_string() }}) as changed_by_user_id,
        stage_changes.synced_at
    from stage_changes
    left join state_as_of_change
        on
            stage_changes.deal_id = state_as_of_change.deal_id
            and stage_changes.changed_at = state_as_of_change.changed_at
    left join deals
        on stage_changes.deal_id = deals.deal_id
    left join stages
        on stage_changes.property_value = stages.deal_stage_id
    left join owners
        on stage_changes.change_source_id = cast(owners.user_id as {{ dbt.type_string() }})
)

select * from final
