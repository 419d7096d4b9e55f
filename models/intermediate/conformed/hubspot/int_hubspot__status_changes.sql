{#- HubSpot contact property changes in the conformed `status_changes` interface: lifecyclestage
    and hs_lead_status changes, and changes of the verdict reason property (var
    hubspot_contact_reason_property, is_reason_change). A cleared property ('') is a change to
    null.
    HubSpot's lifecycle rule: lifecyclestage only moves forward unless it is cleared first. A value
    lower than the highest one set since the last clear is not a move (an import or an integration
    writing an old value; HubSpot ignores it too) and is dropped; a clear followed by a lower value
    is a real move back (a recycle). The order is the funnel stages' order (seeds/funnel_stages)
    of the values' stages in status_stage_map (system hubspot, field lifecyclestage).
    old_value is the value before the change among the changes kept. -#}
{%- set person_sources = ["CRM_UI", "MOBILE_IOS", "MOBILE_ANDROID", "SALES", "BATCH_UPDATE"] %}
with

property_history as (
    select * from {{ ref('stg_hubspot__contact_property_history') }}
    where
        property_name in ('lifecyclestage', 'hs_lead_status')
        or is_feedback_reason_change
),

owners as (
    select * from {{ ref('stg_hubspot__owners') }}
),

status_map as (
    select * from {{ ref('status_stage_map') }}
),

funnel_stages as (
    select * from {{ ref('funnel_stages') }}
),

lifecycle_order as (
    select
        status_map.status_value,
        max(funnel_stages.stage_order) as stage_order
    from status_map
    inner join funnel_stages
        on status_map.stage_code = funnel_stages.stage_code
    where
        status_map.system = 'hubspot'
        and status_map.field = 'lifecyclestage'
        and funnel_stages.is_funnel_stage
    group by 1
),

lifecycle_changes as (
    select
        property_history.*,
        lifecycle_order.stage_order,
        sum(case when property_history.is_cleared then 1 else 0 end) over (
            partition by property_history.contact_id
            order by property_history.changed_at
            rows between unbounded preceding and current row
        ) as clears_so_far
    from property_history
    left join lifecycle_order
        on property_history.property_value = lifecycle_order.status_value
    where property_history.property_name = 'lifecyclestage'
),

lifecycle_high_water as (
    select
        *,
        max(stage_order) over (
            partition by contact_id, clears_so_far
            order by changed_at
            rows between unbounded preceding and 1 preceding
        ) as highest_order_since_clear
    from lifecycle_changes
),

kept_changes as (
    select
        contact_id,
        property_name,
        property_value,
        change_source,
        change_source_id,
        is_feedback_reason_change,
        changed_at,
        synced_at
    from lifecycle_high_water
    where not coalesce(stage_order < highest_order_since_clear, false)

    union all

    select
        contact_id,
        property_name,
        property_value,
        change_source,
        change_source_id,
        is_feedback_reason_change,
        changed_at,
        synced_at
    from property_history
    where property_name <> 'lifecyclestage'
),

sequenced as (
    select
        *,
        lag(property_value) over (
            partition by contact_id, property_name
            order by changed_at
        ) as previous_value
    from kept_changes
),

final as (
    select
        'hubspot' as source_system,
        'contact' as record_type,
        cast(sequenced.contact_id as {{ dbt.type_string() }}) as record_id,
        {{ dbt.concat([
            "cast(sequenced.contact_id as " ~ dbt.type_string() ~ ")",
            "'-'",
            "sequenced.property_name",
            "'-'",
            "cast(sequenced.changed_at as " ~ dbt.type_string() ~ ")",
        ]) }} as status_change_id,
        sequenced.changed_at,
        sequenced.property_name as status_field,
        sequenced.previous_value as old_value,
        sequenced.property_value as new_value,
        cast(null as {{ dbt.type_string() }}) as reason,
        sequenced.is_feedback_reason_change as is_reason_change,
        -- A person's change names the HubSpot user; the user's owner is the conformed user.
        case
            when sequenced.change_source in ('{{ person_sources | join("', '") }}')
                then cast(
                    coalesce(owners_by_user.owner_id, owners_by_owner.owner_id)
                    as {{ dbt.type_string() }}
                )
        end as changed_by_user_id,
        coalesce(
            sequenced.change_source not in ('{{ person_sources | join("', '") }}'), true
        ) as is_system_change,
        sequenced.synced_at
    from sequenced
    left join owners as owners_by_user
        on sequenced.change_source_id = cast(owners_by_user.user_id as {{ dbt.type_string() }})
    left join owners as owners_by_owner
        on sequenced.change_source_id = cast(owners_by_owner.owner_id as {{ dbt.type_string() }})
)

select * from final
