with

stages as (
    select * from {{ ref('funnel_stages') }}
),

final as (
    select
        stage_code,
        stage_name,
        stage_order,
        owning_team,
        is_funnel_stage,
        ends_cycle,
        definition
    from stages
)

select * from final
