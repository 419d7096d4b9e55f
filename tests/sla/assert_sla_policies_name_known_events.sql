-- Every sla_policies row drives its instances: its start_event and each item of its
-- satisfy_events are in the SLA event vocabulary (int_sla_policy_events), of the grain of its
-- start event, and a period policy names exactly one measure. Fails with one row per problem,
-- naming the policy (a policy the models cannot compute would otherwise yield no instances
-- without a word), and writes each problem to the log, since dbt reports only the count.
-- In Dagster it is a blocking check of int_sla_policy_events, the seed read against the vocabulary.
{{ config(severity="error", meta={"dagster": {"ref": {"name": "int_sla_policy_events"}}}) }}

{% set problems_sql %}
with

policies as (
    select * from {{ ref('sla_policies') }}
),

policy_events as (
    select * from {{ ref('int_sla_policy_events') }}
),

unknown_events as (
    select
        policy_key,
        case when event_role = 'start' then 'start_event' else 'satisfy_events' end as column_name,
        event_code,
        case
            when policy_grain is null and event_role = 'start'
                then 'not a start event of the vocabulary'
            when policy_grain is null then 'the policy has no known start event'
            else {{ dbt.concat(["'not a satisfy event of the '", "policy_grain", "' grain'"]) }}
        end as problem
    from policy_events
    where not is_known
),

satisfy_counts as (
    select
        policies.policy_key,
        max(policy_events.policy_grain) as policy_grain,
        count(policy_events.event_code) as satisfy_events
    from policies
    left join policy_events
        on
            policies.policy_key = policy_events.policy_key
            and policy_events.event_role = 'satisfy'
    group by policies.policy_key
),

miscounted as (
    select
        policy_key,
        'satisfy_events' as column_name,
        cast(satisfy_events as {{ dbt.type_string() }}) as event_code,
        case
            when satisfy_events = 0 then 'names no satisfy event'
            else 'a period policy names exactly one measure'
        end as problem
    from satisfy_counts
    where satisfy_events = 0 or (policy_grain = 'period' and satisfy_events > 1)
),

final as (
    select * from unknown_events

    union all

    select * from miscounted
)

select * from final
{% endset %}

{%- if execute and load_relation(ref('int_sla_policy_events')) is not none -%}
    {%- for problem in run_query(problems_sql).rows -%}
        {{ log("sla_policies row '" ~ problem[0] ~ "', " ~ problem[1] ~ " '" ~ problem[2]
               ~ "': " ~ problem[3], info=true) }}
    {%- endfor -%}
{%- endif %}

{{ problems_sql }}
