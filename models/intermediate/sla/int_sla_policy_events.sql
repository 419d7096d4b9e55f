{#- The SLA event vocabulary, and every sla_policies row read against it: one row per policy x
    event the row names (its start_event, and each item of satisfy_events in list order).

    The vocabulary is the list below, and nothing else: each event is implemented by exactly one
    model (the grain), so a steward can give a policy any start and satisfy events of one grain
    without writing SQL. A policy's grain is the grain of its start event; a satisfy event of
    another grain, or a name outside the vocabulary, is not known (is_known = false), and
    assert_sla_policies_name_known_events fails the build naming the policy.
    - lead (int_sla_lead_instances, per person x lifecycle cycle): the cycle's milestones
      (fct_lead_cycles) and the sales touches on the person's CRM lead or contact.
    - opportunity (int_sla_opportunity_instances, per opportunity x stage entered).
    - period (fct_sla_instances, per month x segment): one measure, compared with mql_targets
      (mql_count) or with the policy's sla_floors row (mql_to_sal_rate).
    A table, so that test can name the failing rows in the log. -#}

with

policies as (
    select * from {{ ref('sla_policies') }}
),

vocabulary as (
    select
        vocabulary_values.grain,
        vocabulary_values.event_role,
        vocabulary_values.event_code,
        vocabulary_values.satisfied_by,
        vocabulary_values.event_description
    from (
        values
        ('lead', 'start', 'mql', 'mql', 'The MQL moment of the cycle.'),
        ('lead', 'start', 'sal', 'sal', 'The SAL of the cycle.'),
        ('lead', 'start', 'sql', 'sql', 'The SQL of the cycle.'),
        ('lead', 'start', 'sal_or_sql', 'sal_or_sql', 'The first of the SAL and the SQL.'),
        ('lead', 'satisfy', 'task', 'sales_touch', 'A completed task by a CRM user on the lead or contact.'),
        ('lead', 'satisfy', 'event', 'sales_touch', 'An event by a CRM user on the lead or contact.'),
        ('lead', 'satisfy', 'sal', 'sal', 'The cycle reaches SAL.'),
        ('lead', 'satisfy', 'sql', 'sql', 'The cycle reaches SQL.'),
        ('lead', 'satisfy', 'opportunity', 'opportunity', 'The cycle becomes an opportunity.'),
        ('lead', 'satisfy', 'won', 'won', 'The cycle''s opportunity is closed won.'),
        ('lead', 'satisfy', 'lost', 'lost', 'The cycle''s opportunity is closed lost.'),
        ('lead', 'satisfy', 'disqualified', 'disqualified', 'The cycle is disqualified.'),
        ('lead', 'satisfy', 'recycled', 'recycled', 'The cycle is recycled to marketing nurture.'),
        ('opportunity', 'start', 'opportunity_stage', 'opportunity_stage', 'An open pipeline opportunity enters a stage.'),
        ('opportunity', 'satisfy', 'stage_change', 'stage_change', 'It enters another open stage.'),
        ('opportunity', 'satisfy', 'closed', 'closed', 'It closes (won or lost).'),
        ('period', 'start', 'month', 'month', 'A calendar month, per segment.'),
        ('period', 'satisfy', 'mql_count', 'mql_count', 'The month''s MQLs reach mql_targets.'),
        ('period', 'satisfy', 'mql_to_sal_rate', 'mql_to_sal_rate', 'The share of the month''s MQLs accepted reaches the floor.')
    ) as vocabulary_values (grain, event_role, event_code, satisfied_by, event_description)
),

satisfy_items as (
    select
        policy_key,
        satisfy_events,
        {{ split_list_items('satisfy_events') }} as event_text
    from policies
),

-- List order ranks simultaneous satisfactions: the earlier event in the list names it.
policy_items as (
    select
        policy_key,
        'start' as event_role,
        trim(start_event) as event_code,
        0 as list_offset
    from policies

    union all

    select
        policy_key,
        'satisfy' as event_role,
        trim(event_text) as event_code,
        {{ dbt.position(
            dbt.concat(["','", "trim(event_text)", "','"]),
            dbt.concat(["','", dbt.replace("satisfy_events", "' '", "''"), "','"])
        ) }} as list_offset
    from satisfy_items
    where trim(event_text) <> ''
),

policy_grains as (
    select
        policies.policy_key,
        vocabulary.grain
    from policies
    inner join vocabulary
        on
            vocabulary.event_role = 'start'
            and trim(policies.start_event) = vocabulary.event_code
),

final as (
    select
        policy_items.policy_key,
        policy_items.event_role,
        policy_items.event_code,
        dense_rank() over (
            partition by policy_items.policy_key, policy_items.event_role
            order by policy_items.list_offset
        ) as event_position,
        policy_grains.grain as policy_grain,
        vocabulary.satisfied_by,
        vocabulary.event_code is not null as is_known
    from policy_items
    left join policy_grains
        on policy_items.policy_key = policy_grains.policy_key
    left join vocabulary
        on
            policy_items.event_role = vocabulary.event_role
            and policy_items.event_code = vocabulary.event_code
            and policy_grains.grain = vocabulary.grain
)

select * from final
