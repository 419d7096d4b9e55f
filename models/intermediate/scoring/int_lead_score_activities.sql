{#- MAS activities that earn points under the agreed scoring rules, attributed to persons. -#}
with

activities as (
    select * from {{ ref('int_marketo_activities_attributed') }}
),

rules as (
    select * from {{ ref('lead_scoring_rules') }}
    where rule_type = 'points'
),

scored as (
    select
        activities.person_key,
        activities.activity_id,
        activities.activity_type,
        activities.primary_attribute_value,
        activities.activity_at,
        rules.rule_key,
        rules.points,
        rules.decay_after_days
    from activities
    inner join rules
        on
            activities.activity_type = rules.activity_type
            and (
                rules.primary_attribute_value is null
                or activities.primary_attribute_value = rules.primary_attribute_value
            )
            and (activities.activity_type <> 'change_status_in_progression' or activities.is_success)
)

select * from scored
