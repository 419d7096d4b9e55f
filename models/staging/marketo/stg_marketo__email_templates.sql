{#- One row per version of a Marketo email template (the email asset sends name), as the
    connector's history mode lands them: a new row each time the email changes, keyed by
    (id, updated_at). Versions deleted at the source are left out. -#}
with

source as (
    {{ contract_source('marketo', 'email_template_history') }}
),

latest as (
    {{ deduplicate_latest('source', ['id', 'updated_at']) }}
),

renamed as (
    select
        -- ids
        id as email_template_id,
        program_id,

        -- strings
        name as email_template_name,
        description,
        subject,
        from_name,
        from_email,
        status as template_status,

        -- numerics
        version as template_version,

        -- timestamps
        created_at,
        updated_at,
        _fivetran_synced as synced_at
    from latest
    where not ({{ is_deleted_row(has_is_deleted=false) }})
)

select * from renamed
