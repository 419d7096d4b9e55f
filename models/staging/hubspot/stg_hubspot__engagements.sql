{#- One row per engagement with the properties of its type: the engagement table gives the type,
    and the call, meeting, email, task or note table of that type its details. The owner and
    timestamps are the type's properties, else the engagement's own. Inactive (deleted)
    engagements are dropped. -#}
with

source as (
    {{ contract_source('hubspot', 'engagement') }}
),

latest as (
    {{ deduplicate_latest('source', ['id']) }}
),

calls_source as (
    {{ contract_source('hubspot', 'engagement_call') }}
),

calls as (
    {{ deduplicate_latest('calls_source', ['engagement_id']) }}
),

meetings_source as (
    {{ contract_source('hubspot', 'engagement_meeting') }}
),

meetings as (
    {{ deduplicate_latest('meetings_source', ['engagement_id']) }}
),

emails_source as (
    {{ contract_source('hubspot', 'engagement_email') }}
),

emails as (
    {{ deduplicate_latest('emails_source', ['engagement_id']) }}
),

tasks_source as (
    {{ contract_source('hubspot', 'engagement_task') }}
),

tasks as (
    {{ deduplicate_latest('tasks_source', ['engagement_id']) }}
),

notes_source as (
    {{ contract_source('hubspot', 'engagement_note') }}
),

notes as (
    {{ deduplicate_latest('notes_source', ['engagement_id']) }}
),

renamed as (
    select
        -- ids
        latest.id as engagement_id,
        coalesce(
            calls.property_hubspot_owner_id,
            meetings.property_hubspot_owner_id,
            emails.property_hubspot_owner_id,
            tasks.property_hubspot_owner_id,
            notes.property_hubspot_owner_id,
            latest.owner_id
        ) as owner_id,

        -- strings
        upper(latest.type) as engagement_type,
        upper(calls.property_hs_call_status) as call_status,
        calls.property_hs_call_disposition as call_disposition,
        upper(meetings.property_hs_meeting_outcome) as meeting_outcome,
        upper(emails.property_hs_email_direction) as email_direction,
        upper(tasks.property_hs_task_status) as task_status,
        upper(tasks.property_hs_task_type) as task_type,

        -- numerics
        calls.property_hs_call_duration as call_duration_ms,

        -- timestamps
        coalesce(
            calls.property_hs_timestamp,
            meetings.property_hs_timestamp,
            emails.property_hs_timestamp,
            tasks.property_hs_timestamp,
            notes.property_hs_timestamp,
            latest.timestamp
        ) as engagement_at,
        meetings.property_hs_meeting_start_time as meeting_start_at,
        meetings.property_hs_meeting_end_time as meeting_end_at,
        tasks.property_hs_task_completion_date as task_completed_at,
        coalesce(
            calls.property_hs_createdate,
            meetings.property_hs_createdate,
            emails.property_hs_createdate,
            tasks.property_hs_createdate,
            notes.property_hs_createdate,
            latest.created_at
        ) as created_at,
        latest.last_updated as last_updated_at,
        latest._fivetran_synced as synced_at
    from latest
    left join calls
        on latest.id = calls.engagement_id and upper(latest.type) = 'CALL'
    left join meetings
        on latest.id = meetings.engagement_id and upper(latest.type) = 'MEETING'
    left join emails
        on latest.id = emails.engagement_id and upper(latest.type) = 'EMAIL'
    left join tasks
        on latest.id = tasks.engagement_id and upper(latest.type) = 'TASK'
    left join notes
        on latest.id = notes.engagement_id and upper(latest.type) = 'NOTE'
    where coalesce(latest.active, true)
)

select * from renamed
