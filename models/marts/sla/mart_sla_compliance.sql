{#- SLA compliance per week and month x policy x team x owner: the numbers the joint weekly and
    monthly reviews enforce. compliance_rate = met / (met + breached + open_breached): instances
    still inside their window are not judged yet, and not_measured ones (a month without MQLs
    has no quality rate) are never judged. -#}
with

instances as (
    select * from {{ ref('fct_sla_instances') }}
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

final as (
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
        1.0 * sum(case when status = 'met' then 1 else 0 end)
        / nullif(sum(case when status in ('met', 'breached', 'open_breached') then 1 else 0 end), 0)
            as compliance_rate,
        {{ percentile(
            "case when satisfied_at is not null then business_minutes_elapsed end", 0.5
        ) }} as median_minutes_to_satisfy,
        {{ percentile(
            "case when satisfied_at is not null then business_minutes_elapsed end", 0.9
        ) }} as p90_minutes_to_satisfy
    from periods
    group by 1, 2, 3, 4, 5, 6
)

select * from final
