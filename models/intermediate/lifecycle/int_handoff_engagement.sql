{#- The engagement behind each MQL, one row per person and MQL cycle: the activities the MAS of
    record (int_source_system_roles) recorded in the 90 days before the MQL, within the cycle
    (int_marketing_activities_attributed), counted and listed as mart_handoff_context shows them
    to the rep: by neutral activity type, named in the system's own words (source_activity_type).
    Program names come from the conformed campaigns through the activity's program (its own, or
    its smart campaign's).
    Incremental by person (macros/incremental/person_inputs.sql): a run re-derives the persons
    with an MQL whose activities or cycles changed since the last; a renamed program or campaign,
    or another MAS of record, re-derives everyone. -#}
{{ config(
    materialized="incremental",
    incremental_strategy=revenue_funnel.reprocessing_strategy(),
    on_schema_change="append_new_columns",
    pre_hook="{{ revenue_funnel.delete_persons_with_changed_inputs(
        revenue_funnel.handoff_engagement_inputs_fingerprints(), [],
        revenue_funnel.handoff_engagement_references_version()) }}",
) }}
{%- set lookback_days = 90 -%}
{%- set recent_activities = 10 -%}

with

-- Only persons with an MQL have rows; the others are never derived.
persons_to_derive as (
    select distinct lead_cycles.person_key
    from {{ ref('int_lead_cycles') }} as lead_cycles
    where
        lead_cycles.mql_at is not null
        and {{ revenue_funnel.persons_without_rows("lead_cycles") }}
),

person_cycles as (
    select lead_cycles.*
    from {{ ref('int_lead_cycles') }} as lead_cycles
    where lead_cycles.person_key in (select persons_to_derive.person_key from persons_to_derive)
),

cycles as (
    select * from person_cycles
    where mql_at is not null
),

mas_of_record as (
    select source_system
    from {{ ref('int_source_system_roles') }}
    where role = 'mas' and is_of_record
),

-- Read through the persons to derive: a lookup in a small set, not an anti-join of every
-- activity with the stored rows.
activities as (
    select attributed.*
    from {{ ref('int_marketing_activities_attributed') }} as attributed
    where
        attributed.person_key in (select persons_to_derive.person_key from persons_to_derive)
        and attributed.source_system in (select mas_of_record.source_system from mas_of_record)
),

programs as (
    select
        source_system,
        campaign_id as program_id,
        campaign_name as program_name
    from {{ ref('int_campaign_records') }}
),

inputs as (
    {{ revenue_funnel.handoff_engagement_inputs_fingerprints(
        persons="select persons_to_derive.person_key from persons_to_derive") }}
),

previous_cycle_end as (
    select
        person_key,
        cycle_number,
        lag(cycle_ended_at) over (partition by person_key order by cycle_number) as started_after
    from person_cycles
),

engagement as (
    select
        cycles.person_key,
        cycles.cycle_number,
        activities.activity_type,
        activities.source_activity_type,
        activities.asset_name,
        activities.new_value,
        case
            when activities.activity_type = 'score_change'
                then {{ dbt.concat(["'score '", "coalesce(activities.new_value, '')"]) }}
            when activities.activity_type in ('status_change', 'field_change')
                then {{ dbt.concat(["activities.asset_name", "' = '",
                                    "coalesce(activities.new_value, '')"]) }}
            else coalesce(activities.asset_name, '')
        end as activity_detail,
        activities.activity_at,
        programs.program_name,
        -- Ids are text: the shorter first orders numeric ids as numbers.
        row_number() over (
            partition by cycles.person_key, cycles.cycle_number
            order by
                activities.activity_at desc,
                length(activities.activity_id) desc,
                activities.activity_id desc
        ) as recency
    from cycles
    inner join activities
        on cycles.person_key = activities.person_key
    left join previous_cycle_end
        on
            cycles.person_key = previous_cycle_end.person_key
            and cycles.cycle_number = previous_cycle_end.cycle_number
    left join programs
        on
            activities.source_system = programs.source_system
            and activities.program_id = programs.program_id
    where
        activities.activity_at <= cycles.mql_at
        and activities.activity_at
        > {{ dbt.dateadd('day', -lookback_days, 'cycles.mql_at') }}
        and (
            previous_cycle_end.started_after is null
            or activities.activity_at > previous_cycle_end.started_after
        )
        -- A delivery, a bounce or an unsubscribe is no engagement that makes anyone sales-ready.
        and activities.activity_type not in (
            'merge', 'delete', 'email_delivered', 'email_bounce', 'unsubscribe'
        )
),

summarised as (
    select
        person_key,
        cycle_number,
        count(*) as activities_before_mql,
        sum(case when activity_type = 'form_fill' then 1 else 0 end) as form_fills,
        sum(case when activity_type = 'email_click' then 1 else 0 end) as email_clicks,
        sum(case when activity_type = 'web_visit' then 1 else 0 end) as web_visits,
        sum(case when activity_type = 'program_status' then 1 else 0 end)
            as program_successes,
        {{ dbt.listagg(
            "case when recency <= " ~ recent_activities ~ " then "
            ~ dbt.concat(["substring(cast(activity_at as " ~ dbt.type_string() ~ "), 1, 16)",
                          "' '", "source_activity_type", "': '", "activity_detail"]) ~ " end",
            "' | '",
            "order by recency"
        ) }} as recent_activities
    from engagement
    group by person_key, cycle_number
),

distinct_items as (
    select distinct
        person_key,
        cycle_number,
        case
            when activity_type = 'form_fill' then 'form'
            when activity_type in ('email_click', 'web_visit') then 'content'
        end as item_kind,
        asset_name as item
    from engagement
    where
        activity_type in ('form_fill', 'email_click', 'web_visit')
        and asset_name is not null

    union all

    select distinct
        person_key,
        cycle_number,
        'program' as item_kind,
        program_name as item
    from engagement
    where program_name is not null
),

-- One list per kind, each aggregated from its own rows: an ordered aggregate sorts every row of
-- its group, so three lists over all items (nulls for the other kinds) sorted each item thrice.
{% for item_kind, list_name in [
    ("form", "forms_filled"), ("content", "content_consumed"), ("program", "programs_engaged"),
] %}
    {{ list_name }} as (
        select
            person_key,
            cycle_number,
            {{ dbt.listagg("item", "', '", "order by item") }} as {{ list_name }}
        from distinct_items
        where item_kind = '{{ item_kind }}'
        group by person_key, cycle_number
    ),

{% endfor %}
score_trajectory as (
    select
        person_key,
        cycle_number,
        {{ dbt.listagg("new_value", "' > '", "order by recency desc") }} as score_trajectory
    from engagement
    where activity_type = 'score_change'
    group by person_key, cycle_number
),

final as (
    select
        cycles.person_key,
        cycles.cycle_number,
        coalesce(summarised.activities_before_mql, 0) as activities_before_mql,
        coalesce(summarised.form_fills, 0) as form_fills,
        coalesce(summarised.email_clicks, 0) as email_clicks,
        coalesce(summarised.web_visits, 0) as web_visits,
        coalesce(summarised.program_successes, 0) as program_successes,
        summarised.recent_activities,
        forms_filled.forms_filled,
        content_consumed.content_consumed,
        programs_engaged.programs_engaged,
        score_trajectory.score_trajectory,
        inputs.inputs_fingerprint,
        '{{ revenue_funnel.handoff_engagement_references_version() }}' as agreements_version
    from cycles
    inner join inputs
        on cycles.person_key = inputs.person_key
    left join summarised
        on
            cycles.person_key = summarised.person_key
            and cycles.cycle_number = summarised.cycle_number
    left join forms_filled
        on
            cycles.person_key = forms_filled.person_key
            and cycles.cycle_number = forms_filled.cycle_number
    left join content_consumed
        on
            cycles.person_key = content_consumed.person_key
            and cycles.cycle_number = content_consumed.cycle_number
    left join programs_engaged
        on
            cycles.person_key = programs_engaged.person_key
            and cycles.cycle_number = programs_engaged.cycle_number
    left join score_trajectory
        on
            cycles.person_key = score_trajectory.person_key
            and cycles.cycle_number = score_trajectory.cycle_number
)

select * from final
