{#- The person records stage events come from: every conformed person record with its person
    (int_persons_resolved, where records are named `<role word>_<record type>`), its system's
    role word and whether that system is the CRM of record, whether another record of its system
    converted into it (its creation then enters no one into the funnel), and `record_key`
    (source_system:record_type:record_id), the unit int_stage_events_unioned stages and
    restages. -#}
{% macro stage_event_records() -%}
    select
        person_records.source_system,
        person_records.record_type,
        person_records.record_id,
        person_records.status,
        person_records.owner_id,
        person_records.linked_lead_id,
        person_records.converted_opportunity_id,
        person_records.current_reason,
        person_records.created_at,
        person_records.updated_at,
        person_records.synced_at,
        persons.person_key,
        role_words.role_word,
        role_words.is_crm_of_record,
        conversion_targets.record_id is not null as is_conversion_target,
        {{ revenue_funnel.record_key('person_records') }} as record_key
    from {{ ref('int_person_records') }} as person_records
    inner join (
        {{ revenue_funnel.system_role_words(ref('int_source_system_roles')) }}
    ) as role_words
        on person_records.source_system = role_words.source_system
    inner join {{ ref('int_persons_resolved') }} as persons
        on
            persons.source_system = role_words.role_word || '_' || person_records.record_type
            and persons.source_record_id = person_records.record_id
    left join (
        select distinct
            source_system,
            converted_to_record_id as record_id
        from {{ ref('int_person_records') }}
        where converted_to_record_id is not null
    ) as conversion_targets
        on
            person_records.source_system = conversion_targets.source_system
            and person_records.record_id = conversion_targets.record_id
{%- endmacro %}


{#- source_system:record_type:record_id of a conformed record relation or alias. -#}
{% macro record_key(alias) -%}
    {{ alias }}.source_system || ':' || {{ alias }}.record_type || ':' || {{ alias }}.record_id
{%- endmacro %}


{#- Joins a person record (`records`, rows of stage_event_records) to its opportunities
    (`relation`, int_opportunity_records or a CTE of its rows, aliased `opportunities`): the one it converted into, or, for a
    record without a conversion, those whose primary record it is. -#}
{% macro join_record_opportunities(records, relation, opportunities) -%}
    inner join {{ relation }} as {{ opportunities }}
        on
            {{ records }}.source_system = {{ opportunities }}.source_system
            and (
                {{ records }}.converted_opportunity_id = {{ opportunities }}.opportunity_id
                or (
                    {{ records }}.converted_opportunity_id is null
                    and {{ records }}.record_type = {{ opportunities }}.primary_record_type
                    and {{ records }}.record_id = {{ opportunities }}.primary_record_id
                )
            )
{%- endmacro %}


{#- Pre-hook of int_stage_events_unioned on incremental runs. It removes every event of each
    person record that changed, moved to another person or is gone; the model then stages every
    record left without events (new ones included), so no event is derived twice. A record's
    events go when int_record_landings has a row landed since the cutoff (deletions included)
    for the record (its own row, its status history) or for its opportunity (the opportunity or
    its stage history), or when the record no longer belongs to the person its events carry.
    An edited agreement (another agreements_version on the stored rows) removes everything. -#}
{% macro delete_restaged_events(agreement_seeds) -%}
    {%- if is_incremental() -%}
        {%- set agreements = revenue_funnel.agreements_version(agreement_seeds) -%}
        {%- if revenue_funnel.agreements_changed(agreements) -%}
            delete from {{ this }}
        {%- else -%}
            {%- set cutoff = revenue_funnel.incremental_cutoff("synced_at") -%}
            delete from {{ this }} as staged
            where
                staged.record_key in (
                    {{ revenue_funnel.records_landed_since(cutoff) }}
                )
                or not exists (
                    select 1
                    from ({{ revenue_funnel.stage_event_records() }}) as records
                    where
                        records.record_key = staged.record_key
                        and records.person_key = staged.person_key
                )
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}


{#- record_key of the person records with a raw row landed at or after `cutoff`
    (int_record_landings: deleted rows too) for the record itself, or for the opportunity it
    converted into (or is the primary record of). -#}
{% macro records_landed_since(cutoff) -%}
    select {{ revenue_funnel.record_key('landed') }} as record_key
    from {{ ref('int_record_landings') }} as landed
    where landed.synced_at >= {{ cutoff }}
    union all
    select records.record_key
    from ({{ revenue_funnel.stage_event_records() }}) as records
    {{ revenue_funnel.join_record_opportunities(
        'records', ref('int_opportunity_records'), 'opportunities'
    ) }}
    inner join {{ ref('int_record_landings') }} as landed_opportunities
        on
            opportunities.source_system = landed_opportunities.source_system
            and opportunities.opportunity_id = landed_opportunities.record_id
            and landed_opportunities.record_type = 'opportunity'
    where landed_opportunities.synced_at >= {{ cutoff }}
{%- endmacro %}
