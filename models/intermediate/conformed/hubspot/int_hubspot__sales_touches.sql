{#- HubSpot engagements in the conformed `sales_touches` interface, one row per engagement and
    associated contact (an engagement with no contact: one row without a person).
    - CALL -> call, happened at its hs_timestamp unless it never connected to anyone
      (CANCELED, FAILED, or still QUEUED/RINGING/CONNECTING/IN_PROGRESS);
    - MEETING -> meeting, happened at its start unless CANCELED, NO_SHOW or RESCHEDULED;
    - EMAIL -> email, a rep's email (direction EMAIL or FORWARDED_EMAIL) at its hs_timestamp;
      emails the contact sent in (INCOMING_EMAIL) are no touch by sales and are left out;
    - TASK -> call or email by the task type, else task: due at its hs_timestamp, happened when
      completed (status COMPLETED or a completion date), at the completion date;
    - NOTE -> task: a rep's logged note, done when written.
    The touch id is the engagement id; an engagement with several contacts gets
    `<engagement id>-<contact id>` for the second and later (by contact id). The opportunity is
    the earliest associated deal; the account the contact's company. -#}
{%- set calls_not_made = ["CANCELED", "FAILED", "QUEUED", "RINGING", "CONNECTING", "IN_PROGRESS"] -%}
{%- set meetings_not_held = ["CANCELED", "NO_SHOW", "RESCHEDULED"] %}
with

engagements as (
    select * from {{ ref('stg_hubspot__engagements') }}
    where engagement_type <> 'EMAIL' or coalesce(email_direction, 'EMAIL') <> 'INCOMING_EMAIL'
),

engagement_contacts as (
    select
        engagement_id,
        contact_id,
        row_number() over (partition by engagement_id order by contact_id) as contact_rank
    from {{ ref('stg_hubspot__engagement_contacts') }}
),

engagement_deals as (
    select
        engagement_id,
        deal_id,
        row_number() over (partition by engagement_id order by deal_id) as deal_rank
    from {{ ref('stg_hubspot__engagement_deals') }}
),

contacts as (
    select * from {{ ref('stg_hubspot__contacts') }}
),

touches as (
    select
        engagements.engagement_id,
        engagements.engagement_type,
        engagement_contacts.contact_id,
        engagement_contacts.contact_rank,
        engagement_deals.deal_id,
        contacts.company_id,
        engagements.owner_id,
        case engagements.engagement_type
            when 'CALL' then 'call'
            when 'MEETING' then 'meeting'
            when 'EMAIL' then 'email'
            when 'TASK'
                then
                    case engagements.task_type
                        when 'CALL' then 'call'
                        when 'EMAIL' then 'email'
                        else 'task'
                    end
            else 'task'
        end as touch_kind,
        case engagements.engagement_type
            when 'CALL' then engagements.call_status
            when 'MEETING' then engagements.meeting_outcome
            when 'EMAIL' then engagements.email_direction
            when 'TASK' then engagements.task_status
        end as touch_status,
        case engagements.engagement_type
            when 'CALL'
                then
                    coalesce(
                        engagements.call_status not in ('{{ calls_not_made | join("', '") }}'), true
                    )
            when 'MEETING'
                then
                    coalesce(
                        engagements.meeting_outcome not in ('{{ meetings_not_held | join("', '") }}'),
                        true
                    )
                    and coalesce(engagements.meeting_start_at, engagements.engagement_at) is not null
            when 'TASK'
                then
                    coalesce(engagements.task_status = 'COMPLETED', false)
                    or engagements.task_completed_at is not null
            else true
        end as is_completed,
        case engagements.engagement_type
            when 'MEETING'
                then coalesce(engagements.meeting_start_at, engagements.engagement_at)
            else engagements.engagement_at
        end as scheduled_at,
        engagements.task_completed_at,
        engagements.created_at,
        engagements.synced_at
    from engagements
    left join engagement_contacts
        on engagements.engagement_id = engagement_contacts.engagement_id
    left join engagement_deals
        on
            engagements.engagement_id = engagement_deals.engagement_id
            and engagement_deals.deal_rank = 1
    left join contacts
        on engagement_contacts.contact_id = contacts.contact_id
),

final as (
    select
        'hubspot' as source_system,
        case
            when coalesce(contact_rank, 1) = 1
                then cast(engagement_id as {{ dbt.type_string() }})
            else {{ dbt.concat([
                "cast(engagement_id as " ~ dbt.type_string() ~ ")",
                "'-'",
                "cast(contact_id as " ~ dbt.type_string() ~ ")",
            ]) }}
        end as touch_id,
        touch_kind,
        case when contact_id is not null then 'contact' end as record_type,
        cast(contact_id as {{ dbt.type_string() }}) as record_id,
        cast(deal_id as {{ dbt.type_string() }}) as opportunity_id,
        cast(company_id as {{ dbt.type_string() }}) as account_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        cast(null as {{ dbt.type_string() }}) as subject,
        touch_status,
        is_completed,
        scheduled_at as due_at,
        case
            when not is_completed then cast(null as {{ dbt.type_timestamp() }})
            when engagement_type = 'TASK' then coalesce(task_completed_at, scheduled_at)
            else scheduled_at
        end as occurred_at,
        created_at,
        synced_at
    from touches
)

select * from final
