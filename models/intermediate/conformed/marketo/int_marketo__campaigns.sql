{#- Marketo programs in the conformed `campaigns` interface: the program is Marketo's campaign
    (its smart campaigns are the automation inside it; marketing activities name their program).
    Programs carry no dates or costs in the contract: a program starts when it is created. -#}
with

programs as (
    select * from {{ ref('stg_marketo__programs') }}
),

final as (
    select
        'marketo' as source_system,
        cast(program_id as {{ dbt.type_string() }}) as campaign_id,
        cast(null as {{ dbt.type_string() }}) as parent_campaign_id,
        program_name as campaign_name,
        program_type as campaign_type,
        channel,
        program_status as campaign_status,
        cast(null as {{ dbt.type_boolean() }}) as is_active,
        cast(null as {{ dbt.type_float() }}) as budgeted_cost,
        cast(null as {{ dbt.type_float() }}) as actual_cost,
        cast(created_at as date) as start_date,
        cast(null as date) as end_date,
        created_at,
        synced_at
    from programs
)

select * from final
