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

-- Each reason with the record it was recorded on (system, record type, record id).
recorded_reasons as (
    select
        source_system,
        record_type,
        record_id,
        changed_at as reason_at,
        status_change_id as source_record_id,
        trim(new_value) as reason_value
    from status_changes
    where
        is_reason_change
        and nullif(trim(new_value), '') is not null

    union all

    select
        records.source_system,
        records.record_type,
        records.record_id,
        records.updated_at as reason_at,
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

    union all

    select
        status_changes.source_system,
        status_changes.record_type,
        status_changes.record_id,
        status_changes.changed_at as reason_at,
        status_changes.status_change_id as source_record_id,
        trim(status_changes.reason) as reason_value
    from status_changes
    inner join ending_statuses
        on
            status_changes.source_system = ending_statuses.system
            and status_changes.status_field = ending_statuses.field
            and status_changes.new_value = ending_statuses.status_value
    where
        not status_changes.is_reason_change
        and nullif(trim(status_changes.reason), '') is not null
),

reasons as (
    select
        records.person_key,
        recorded_reasons.reason_at,
        records.source_system as record_system,
        records.role_word as source_system,
        records.is_crm_of_record,
        recorded_reasons.source_record_id,
        recorded_reasons.reason_value
    from recorded_reasons
    inner join records
        on
            recorded_reasons.source_system = records.source_system
            and recorded_reasons.record_type = records.record_type
            and recorded_reasons.record_id = records.record_id
),

final as (
    select
        reasons.person_key,
        reasons.reason_at,
        reasons.source_system,
        reasons.source_record_id,
        reasons.reason_value,
        coalesce(agreed_reasons.category_code, 'unmapped') as category_code,
        coalesce(agreed_reasons.category_name, 'Unmapped reason') as category_name,
        agreed_reasons.owning_team,
        agreed_reasons.marketing_can_act,
        coalesce(agreed_reasons.category_code <> 'not_a_reason', true) as is_verdict,
        reasons.is_crm_of_record
    from reasons
    left join agreed_reasons
        on
            reasons.record_system = agreed_reasons.system
            and reasons.reason_value = agreed_reasons.reason_value
)

select * from final
