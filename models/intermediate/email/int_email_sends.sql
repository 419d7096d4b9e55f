{#- One row per email sent to a person: every email_send activity of int_marketing_activities_attributed
    (deleted activities are gone in staging; a merged-away record's sends are its survivor's),
    with the program's campaign_key as dim_campaign keys it (the system's role word and the
    program id) and the email template version in effect when it was sent: the latest version
    whose valid_from is at or before the send (a version without valid_from is in effect from
    the start), else the earliest version. source_system is the role word (mas, crm). -#}
with

sends as (
    select * from {{ ref('int_marketing_activities_attributed') }}
    where activity_type = 'email_send'
),

role_words as (
    {{ revenue_funnel.system_role_words(ref('int_source_system_roles')) }}
),

campaigns as (
    select
        source_system,
        campaign_id,
        campaign_key
    from {{ ref('int_campaigns') }}
),

templates as (
    select * from {{ ref('int_email_templates') }}
),

-- Each send's candidate versions of its template, the one in effect first.
template_versions as (
    select
        sends.source_system,
        sends.source_activity_type,
        sends.activity_id,
        templates.template_name,
        templates.version,
        row_number() over (
            partition by sends.source_system, sends.source_activity_type, sends.activity_id
            order by
                case
                    when coalesce(templates.valid_from <= sends.activity_at, true) then 0
                    else 1
                end,
                case
                    when coalesce(templates.valid_from <= sends.activity_at, true)
                        then templates.valid_from
                end desc nulls last,
                templates.valid_from asc,
                templates.version asc
        ) as version_rank
    from sends
    inner join templates
        on
            sends.source_system = templates.source_system
            and sends.asset_id = templates.template_id
),

final as (
    select
        {{ dbt.hash(dbt.concat([
            "role_words.role_word", "':'", "sends.source_activity_type", "':'",
            "sends.activity_id",
        ])) }} as email_send_key,
        sends.person_key,
        role_words.role_word as source_system,
        sends.source_system as recorded_by,
        sends.source_activity_type,
        sends.activity_id as send_activity_id,
        sends.record_type,
        sends.record_id,
        campaigns.campaign_key,
        sends.program_id,
        sends.campaign_id,
        sends.campaign_run_id,
        sends.asset_id as email_template_id,
        coalesce(template_versions.template_name, sends.asset_name) as email_template_name,
        template_versions.version as email_template_version,
        sends.activity_at as sent_at
    from sends
    inner join role_words
        on sends.source_system = role_words.source_system
    left join campaigns
        on
            role_words.role_word = campaigns.source_system
            and sends.program_id = campaigns.campaign_id
    left join template_versions
        on
            sends.source_system = template_versions.source_system
            and sends.source_activity_type = template_versions.source_activity_type
            and sends.activity_id = template_versions.activity_id
            and template_versions.version_rank = 1
)

select * from final
