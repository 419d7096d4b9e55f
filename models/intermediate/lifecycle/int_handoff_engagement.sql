{#- The engagement behind each MQL, one row per person and MQL cycle: the MAS activities of the
    90 days before the MQL, within the cycle, counted and listed as mart_handoff_context shows
    them to the rep.
    Incremental by person (macros/incremental/person_inputs.sql): a run re-derives the persons
    with an MQL whose activities or cycles changed since the last; a renamed program or campaign
    re-derives everyone. -#}
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

-- Read through the persons to derive: a lookup in a small set, not an anti-join of every
-- activity with the stored rows.
activities as (
    select attributed.*
    from {{ ref('int_marketo_activities_attributed') }} as attributed
    where attributed.person_key in (select persons_to_derive.person_key from persons_to_derive)
),

programs as (
    select * from {{ ref('stg_marketo__programs') }}
),

mas_campaigns as (
    select * from {{ ref('stg_marketo__campaigns') }}
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
        activities.primary_attribute_value,
        activities.new_value,
        case
            when activities.activity_type = 'change_score'
                then {{ dbt.concat(["'score '", "coalesce(activities.new_value, '')"]) }}
            when activities.activity_type = 'change_data_value'
                then {{ dbt.concat(["activities.primary_attribute_value", "' = '",
                                    "coalesce(activities.new_value, '')"]) }}
            else coalesce(activities.primary_attribute_value, '')
        end as activity_detail,
        activities.activity_at,
        coalesce(programs.program_name, campaign_programs.program_name) as program_name,
        row_number() over (
            partition by cycles.person_key, cycles.cycle_number
            order by activities.activity_at desc, activities.activity_id desc
        ) as recency
    from cycles
    inner join activities
        on cycles.person_key = activities.person_key
    left join previous_cycle_end
        on
            cycles.person_key = previous_cycle_end.person_key
            and cycles.cycle_number = previous_cycle_end.cycle_number
    left join programs
        on activities.program_id = programs.program_id
    left join mas_campaigns
        on activities.campaign_id = mas_campaigns.campaign_id
    left join programs as campaign_programs
        on mas_campaigns.program_id = campaign_programs.program_id
    where
        activities.activity_at <= cycles.mql_at
        and activities.activity_at
        > {{ dbt.dateadd('day', -lookback_days, 'cycles.mql_at') }}
        and (
            previous_cycle_end.started_after is null
            or activities.activity_at > previous_cycle_end.started_after
        )
        and activities.activity_type not in ('merge_leads', 'delete_lead')
),

summarised as (
    select
        person_key,
        cycle_number,
        count(*) as activities_before_mql,
        sum(case when activity_type = 'fill_out_form' then 1 else 0 end) as form_fills,
        sum(case when activity_type = 'click_email' then 1 else 0 end) as email_clicks,
        sum(case when activity_type = 'visit_webpage' then 1 else 0 end) as web_visits,
        sum(case when activity_type = 'change_status_in_progression' then 1 else 0 end)
            as program_successes,
        {{ dbt.listagg(
            "case when recency <= " ~ recent_activities ~ " then "
            ~ dbt.concat(["substring(cast(activity_at as " ~ dbt.type_string() ~ "), 1, 16)",
                          "' '", "activity_type", "': '", "activity_detail"]) ~ " end",
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
            when activity_type = 'fill_out_form' then 'form'
            when activity_type in ('click_email', 'visit_webpage') then 'content'
        end as item_kind,
        primary_attribute_value as item
    from engagement
    where
        activity_type in ('fill_out_form', 'click_email', 'visit_webpage')
        and primary_attribute_value is not null

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
    where activity_type = 'change_score'
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
