{#- One row per reason recorded on a person record, from every source system's conformed records,
    with the category the feedback_reasons agreement (system, applies_to person) gives it:
    - changes of the verdict reason field (int_status_changes, is_reason_change) to a non-blank
      value; a record without any history of that field (field history tracking off) gives its
      current reason (current_reason) instead, at the record's last update;
    - the reason text a system records with a status change into a status the status_stage_map
      agreement maps to recycled or disqualified (a MAS's status change reasons).
    source_system is the role word of the record's system (crm, mas: system_role_words);
    is_crm_of_record marks the CRM of record's verdicts (int_source_system_roles), chosen before
    the others when a cycle's reason is chosen (int_lead_cycles).
    Nothing is dropped: a value missing from the agreement is category 'unmapped' (a steward's
    finding at the mart gate), and system text that is no verdict (`not_a_reason`) stays with
    is_verdict false. -#}
with

records as (
    {{ revenue_funnel.stage_event_records() }}
),

status_changes as (
    select * from {{ ref('int_status_changes') }}
),

ending_statuses as (
    select
        system,
        field,
        status_value
    from {{ ref('status_stage_map') }}
    where stage_code in ('recycled', 'disqualified')
),

agreed_reasons as (
    select * from {{ ref('feedback_reasons') }}
    where applies_to = 'person'
),

records_with_reason_history as (
    select distinct
        source_system,
        record_type,
        record_id
    from status_changes
    where is_reason_change
),

history_reasons as (
    select
        records.person_key,
        status_changes.changed_at as reason_at,
        records.source_system as record_system,
        records.role_word as source_system,
        records.is_crm_of_record,
        status_changes.status_change_id as source_record_id,
        trim(status_changes.new_value) as reason_value
    from status_changes
    inner join records
        on
            status_changes.source_system = records.source_system
            and status_changes.record_type = records.record_type
            and status_changes.record_id = records.record_id
    where
        status_changes.is_reason_change
        and nullif(trim(status_changes.new_value), '') is not null
),

current_reasons as (
    select
        records.person_key,
        records.updated_at as reason_at,
        records.source_system as record_system,
        records.role_word as source_system,
        records.is_crm_of_record,
        records.record_id as source_record_id,
        trim(records.current_reason) as reason_value
    from records
    left join records_with_reason_history
        on
            records.source_system = records_with_reason_history.source_system
            and records.record_type = records_with_reason_history.record_type
            and records.record_id = records_with_reason_history.record_id
    where
        records_with_reason_history.record_id is null
        and nullif(trim(records.current_reason), '') is not null
),

status_change_reasons as (
    select
        records.person_key,
        status_changes.changed_at as reason_at,
        records.source_system as record_system,
        records.role_word as source_system,
        records.is_crm_of_record,
        status_changes.status_change_id as source_record_id,
        trim(status_changes.reason) as reason_value
    from status_changes
    inner join records
        on
            status_changes.source_system = records.source_system
            and status_changes.record_type = records.record_type
            and status_changes.record_id = records.record_id
    inner join ending_statuses
        on
            status_changes.source_system = ending_statuses.system
            and status_changes.status_field = ending_statuses.field
            and status_changes.new_value = ending_statuses.status_value
    where
        not status_changes.is_reason_change
        and nullif(trim(status_changes.reason), '') is not null
),

unioned as (
    select * from history_reasons
    union all
    select * from current_reasons
    union all
    select * from status_change_reasons
),

final as (
    select
        unioned.person_key,
        unioned.reason_at,
        unioned.source_system,
        unioned.source_record_id,
        unioned.reason_value,
        coalesce(agreed_reasons.category_code, 'unmapped') as category_code,
        coalesce(agreed_reasons.category_name, 'Unmapped reason') as category_name,
        agreed_reasons.owning_team,
        agreed_reasons.marketing_can_act,
        coalesce(agreed_reasons.category_code <> 'not_a_reason', true) as is_verdict,
        unioned.is_crm_of_record
    from unioned
    left join agreed_reasons
        on
            unioned.record_system = agreed_reasons.system
            and unioned.reason_value = agreed_reasons.reason_value
)

select * from final
