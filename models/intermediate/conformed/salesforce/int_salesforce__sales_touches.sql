{#- Salesforce tasks and events in the conformed `sales_touches` interface.
    - Tasks: touch_kind call or email by the task type, else task; a task happened when it was
      completed (occurred_at null while open), and is due on its activity date.
    - Events: touch_kind meeting for a Meeting, else event; an event happened when it started.
    - The person touched is the task's or event's WhoId: a lead (00Q) or a contact (003). -#}
with

tasks as (
    select * from {{ ref('stg_salesforce__tasks') }}
),

events as (
    select * from {{ ref('stg_salesforce__events') }}
),

task_touches as (
    select
        cast(task_id as {{ dbt.type_string() }}) as touch_id,
        case lower(task_type)
            when 'call' then 'call'
            when 'email' then 'email'
            else 'task'
        end as touch_kind,
        who_type as record_type,
        cast(case when who_type is not null then who_id end as {{ dbt.type_string() }}) as record_id,
        cast(case when what_id like '006%' then what_id end as {{ dbt.type_string() }})
            as opportunity_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        subject,
        task_status as touch_status,
        is_closed as is_completed,
        cast(due_date as {{ dbt.type_timestamp() }}) as due_at,
        completed_at as occurred_at,
        created_at,
        synced_at
    from tasks
),

event_touches as (
    select
        cast(event_id as {{ dbt.type_string() }}) as touch_id,
        case lower(event_type)
            when 'meeting' then 'meeting'
            else 'event'
        end as touch_kind,
        who_type as record_type,
        cast(case when who_type is not null then who_id end as {{ dbt.type_string() }}) as record_id,
        cast(case when what_id like '006%' then what_id end as {{ dbt.type_string() }})
            as opportunity_id,
        cast(account_id as {{ dbt.type_string() }}) as account_id,
        cast(owner_id as {{ dbt.type_string() }}) as owner_id,
        subject,
        cast(null as {{ dbt.type_string() }}) as touch_status,
        started_at is not null as is_completed,
        started_at as due_at,
        started_at as occurred_at,
        created_at,
        synced_at
    from events
),

-- Both CTEs list the interface's columns in the same order.
touches as (
    select * from task_touches
    union all
    select * from event_touches
),

final as (
    select
        'salesforce' as source_system,
        touch_id,
        touch_kind,
        record_type,
        record_id,
        opportunity_id,
        account_id,
        owner_id,
        subject,
        touch_status,
        is_completed,
        due_at,
        occurred_at,
        created_at,
        synced_at
    from touches
)

select * from final
