{#- Marketo email templates in the conformed `email_templates` interface: one row per version
    (email_template_history), in effect from its save (updated_at) until the next version's. A
    version numbers as Marketo counts it, else by its order. -#}
with

versions as (
    select * from {{ ref('stg_marketo__email_templates') }}
),

final as (
    select
        'marketo' as source_system,
        cast(email_template_id as {{ dbt.type_string() }}) as template_id,
        email_template_name as template_name,
        subject,
        cast(program_id as {{ dbt.type_string() }}) as program_id,
        cast(
            coalesce(
                template_version,
                row_number() over (partition by email_template_id order by updated_at)
            ) as {{ dbt.type_int() }}
        ) as version,  -- noqa: RF04
        updated_at as valid_from,
        lead(updated_at) over (
            partition by email_template_id order by updated_at
        ) as valid_to,
        synced_at
    from versions
)

select * from final
