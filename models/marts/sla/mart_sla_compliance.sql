{#- SLA compliance per week and month x policy x team x owner: the numbers the joint weekly and
    monthly reviews enforce. compliance_rate = met / (met + breached + open_breached): instances
    still inside their window are not judged yet, and not_measured ones (a month without MQLs
    has no quality rate) are never judged. Each row carries its policy's agreement (the
    sla_policies row): the target and the share of instances that must meet it, so a review
    reads whether the period fell short from the mart alone. -#}
with

instances as (
    select * from {{ ref('fct_sla_instances') }}
),

policies as (
    select * from {{ ref('sla_policies') }}
),

periods as (
    {% for grain in ["week", "month"] %}
        select
            '{{ grain }}' as period_type,
            cast({{ dbt.date_trunc(grain, 'started_at') }} as date) as period_start_date,
            instances.policy_key,
            instances.owning_team,
            instances.owner_team,
            instances.owner_user_id,
            instances.status,
            instances.satisfied_at,
            instances.business_minutes_elapsed
        from instances
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

compliance as (
    select
        period_type,
        period_start_date,
        policy_key,
        owning_team,
        owner_team,
        owner_user_id,
        count(*) as instances,
        sum(case when status = 'met' then 1 else 0 end) as met,
        sum(case when status = 'breached' then 1 else 0 end) as breached,
        sum(case when status = 'open' then 1 else 0 end) as open,
        sum(case when status = 'open_breached' then 1 else 0 end) as open_breached,
        sum(case when status = 'not_measured' then 1 else 0 end) as not_measured,
        -- A double on every engine (PostgreSQL would make it a 20-digit numeric), as the
        -- compliance_target it is compared with.
        cast(
            1.0 * sum(case when status = 'met' then 1 else 0 end)
            / nullif(
                sum(case when status in ('met', 'breached', 'open_breached') then 1 else 0 end), 0
            )
            as {{ type_double() }}
        ) as compliance_rate,
        {{ percentile(
            "case when satisfied_at is not null then business_minutes_elapsed end", 0.5
        ) }} as median_minutes_to_satisfy,
        {{ percentile(
            "case when satisfied_at is not null then business_minutes_elapsed end", 0.9
        ) }} as p90_minutes_to_satisfy
    from periods
    group by 1, 2, 3, 4, 5, 6
),

final as (
    select
        compliance.period_type,
        compliance.period_start_date,
        compliance.policy_key,
        policies.description as policy_description,
        policies.target_duration,
        policies.target_unit,
        policies.compliance_target,
        compliance.owning_team,
        compliance.owner_team,
        compliance.owner_user_id,
        compliance.instances,
        compliance.met,
        compliance.breached,
        compliance.open,
        compliance.open_breached,
        compliance.not_measured,
        compliance.compliance_rate,
        -- Null while nothing is judged (compliance_rate null): not below, not on target either.
        compliance.compliance_rate < policies.compliance_target as is_below_target,
        compliance.median_minutes_to_satisfy,
        compliance.p90_minutes_to_satisfy
    from compliance
    left join policies
        on compliance.policy_key = policies.policy_key
)

select * from final
