{#- Salesforce OpportunityHistory in the conformed `opportunity_stage_changes` interface: one row
    per recorded change, carrying the opportunity's stage, forecast category, amount,
    probability and close date after it. -#}
with

opportunity_history as (
    select * from {{ ref('stg_salesforce__opportunity_history') }}
),

final as (
    select
        'salesforce' as source_system,
        cast(opportunity_history_id as {{ dbt.type_string() }}) as stage_change_id,
        cast(opportunity_id as {{ dbt.type_string() }}) as opportunity_id,
        changed_at,
        stage_name,
        'StageName' as stage_field,
        forecast_category,
        amount,
        probability,
        close_date,
        cast(changed_by_user_id as {{ dbt.type_string() }}) as changed_by_user_id,
        synced_at
    from opportunity_history
)

select * from final
