{#- Email performance rolled up from fct_email_sends by the month the emails were sent, per email
    template, campaign, program and in total. Counts are of sends (a send counts once however
    often it was opened or clicked; opens and clicks count every repeat); rates follow the
    definitions in the model's YAML and are null when their denominator is 0. -#}
{%- set levels = {
    "template": "email_template_id",
    "campaign": "campaign_id",
    "program": "program_id",
    "total": "'all'",
} -%}
with

sends as (
    select * from {{ ref('fct_email_sends') }}
),

campaigns as (
    select
        campaign_key,
        campaign_name
    from {{ ref('dim_campaign') }}
),

-- A template is named as in its latest send.
template_names as (
    select
        source_system,
        email_template_id,
        email_template_name,
        row_number() over (
            partition by source_system, email_template_id
            order by sent_at desc, email_template_version desc nulls last, send_activity_id desc
        ) as name_rank
    from sends
),

-- A program by its name in dim_campaign; a campaign inside a program by the program's name and
-- its own id (where the campaign is the program, by the program's name alone).
program_names as (
    select distinct
        sends.source_system,
        sends.program_id,
        sends.campaign_id,
        campaigns.campaign_name as program_name
    from sends
    left join campaigns
        on sends.campaign_key = campaigns.campaign_key
),

named as (
    select
        sends.*,
        template_names.email_template_name as template_rollup_name,
        program_names.program_name as program_rollup_name,
        case
            when sends.campaign_id = sends.program_id then program_names.program_name
            else {{ dbt.concat([
                "coalesce(program_names.program_name, sends.program_id, '?')",
                "' / campaign '", "sends.campaign_id",
            ]) }}
        end as campaign_rollup_name
    from sends
    left join template_names
        on
            sends.source_system = template_names.source_system
            and sends.email_template_id = template_names.email_template_id
            and template_names.name_rank = 1
    left join program_names
        on
            sends.source_system = program_names.source_system
            and sends.program_id = program_names.program_id
            and sends.campaign_id = program_names.campaign_id
),

counted as (
    {% for level, id_column in levels.items() %}
        select
            '{{ level }}' as rollup_level,
            cast({{ id_column }} as {{ dbt.type_string() }}) as rollup_id,
            {% if level == "total" -%}
                'All email sends'
            {%- else -%}
                max({{ level }}_rollup_name)
            {%- endif %} as rollup_name,
            sent_month as month_start,
            count(*) as sends,
            sum(case when is_bounced then 1 else 0 end) as bounces,
            sum(case when bounce_category = 'hard' then 1 else 0 end) as hard_bounces,
            sum(open_count) as opens,
            sum(case when is_opened then 1 else 0 end) as unique_opens,
            sum(click_count) as clicks,
            sum(case when is_clicked then 1 else 0 end) as unique_clicks,
            sum(case when is_unsubscribed then 1 else 0 end) as unsubscribes,
            count(distinct person_key) as persons_sent
        from named
        group by
            {% if level != "total" %}source_system, {{ id_column }}, {% endif %}sent_month
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        rollup_level,
        rollup_id,
        rollup_name,
        month_start,
        cast(sends as {{ dbt.type_int() }}) as sends,
        cast(sends - bounces as {{ dbt.type_int() }}) as delivered,
        cast(bounces as {{ dbt.type_int() }}) as bounces,
        cast(hard_bounces as {{ dbt.type_int() }}) as hard_bounces,
        cast(opens as {{ dbt.type_int() }}) as opens,
        cast(unique_opens as {{ dbt.type_int() }}) as unique_opens,
        cast(clicks as {{ dbt.type_int() }}) as clicks,
        cast(unique_clicks as {{ dbt.type_int() }}) as unique_clicks,
        cast(unsubscribes as {{ dbt.type_int() }}) as unsubscribes,
        cast(persons_sent as {{ dbt.type_int() }}) as persons_sent,
        case
            when sends > 0 then cast(sends - bounces as {{ type_double() }}) / sends
        end as delivery_rate,
        case
            when sends > 0 then cast(bounces as {{ type_double() }}) / sends
        end as bounce_rate,
        case
            when sends - bounces > 0
                then cast(unique_opens as {{ type_double() }}) / (sends - bounces)
        end as open_rate,
        case
            when sends - bounces > 0
                then cast(unique_clicks as {{ type_double() }}) / (sends - bounces)
        end as click_rate,
        case
            when unique_opens > 0
                then cast(unique_clicks as {{ type_double() }}) / unique_opens
        end as click_to_open_rate,
        case
            when sends - bounces > 0
                then cast(unsubscribes as {{ type_double() }}) / (sends - bounces)
        end as unsubscribe_rate
    from counted
)

select * from final
