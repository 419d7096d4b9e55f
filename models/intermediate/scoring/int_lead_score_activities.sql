{#- Marketing activities (int_marketing_activities_attributed, of any system) that earn points
    under the agreed scoring rules, attributed to persons. A rule names the activity type as the
    system records it (source_activity_type) and, optionally, the asset (asset_name: the page,
    form or email); a program status change scores only when it is a success. -#}
with

activities as (
    select * from {{ ref('int_marketing_activities_attributed') }}
),

rules as (
    select * from {{ ref('lead_scoring_rules') }}
    where rule_type = 'points'
),

scored as (
    select
        activities.person_key,
        activities.activity_id,
        activities.source_activity_type as activity_type,
        activities.asset_name as primary_attribute_value,
        activities.activity_at,
        rules.rule_key,
        rules.points,
        rules.decay_after_days
    from activities
    inner join rules
        on
            activities.source_activity_type = rules.activity_type
            and (
                rules.primary_attribute_value is null
                or activities.asset_name = rules.primary_attribute_value
            )
            and (activities.activity_type <> 'program_status' or activities.is_success)
)

select * from scored
