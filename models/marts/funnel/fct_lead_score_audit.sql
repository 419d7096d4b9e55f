{#- The agreed sales-ready definition audited per person x cycle: at each MQL, the score the MAS
    held, the score the agreed rules give and whether the threshold was met; and the cycles whose
    rule score crossed the threshold without ever becoming an MQL. -#}
with

moments as (
    select * from {{ ref('int_lead_score_moments') }}
),

threshold as (
    select points as sales_ready_threshold
    from {{ ref('lead_scoring_rules') }}
    where rule_type = 'threshold'
),

cycles as (
    select * from {{ ref('fct_lead_cycles') }}
),

-- The score the MAS recorded after each change (a score_change activity's new value).
mas_scores as (
    select
        person_key,
        activity_at,
        {{ dbt.safe_cast('new_value', dbt.type_int()) }} as mas_score
    from {{ ref('int_marketing_activities_attributed') }}
    where activity_type = 'score_change'
),

per_cycle as (
    select
        moments.person_key,
        moments.cycle_number,
        max(case when moments.moment_type = 'mql' then moments.moment_at end) as mql_at,
        max(case when moments.moment_type = 'mql' then moments.recomputed_score end)
            as recomputed_score_at_mql,
        max(moments.recomputed_score) as peak_recomputed_score,
        min(
            case
                when moments.recomputed_score >= threshold.sales_ready_threshold
                    then moments.moment_at
            end
        ) as threshold_crossed_at,
        max(threshold.sales_ready_threshold) as sales_ready_threshold
    from moments
    cross join threshold
    group by moments.person_key, moments.cycle_number
),

mas_score_at_mql as (
    select
        per_cycle.person_key,
        per_cycle.cycle_number,
        mas_scores.mas_score,
        row_number() over (
            partition by per_cycle.person_key, per_cycle.cycle_number
            order by mas_scores.activity_at desc
        ) as recency
    from per_cycle
    inner join mas_scores
        on
            per_cycle.person_key = mas_scores.person_key
            and per_cycle.mql_at >= mas_scores.activity_at
),

final as (
    select
        per_cycle.person_key,
        per_cycle.cycle_number,
        cycles.crm_lead_id,
        per_cycle.mql_at,
        mas_score_at_mql.mas_score as mas_score_at_mql,
        per_cycle.recomputed_score_at_mql,
        per_cycle.peak_recomputed_score,
        per_cycle.threshold_crossed_at,
        per_cycle.sales_ready_threshold,
        mas_score_at_mql.mas_score >= per_cycle.sales_ready_threshold as is_mas_score_sales_ready,
        per_cycle.recomputed_score_at_mql >= per_cycle.sales_ready_threshold
            as is_rule_score_sales_ready,
        case
            when per_cycle.mql_at is null then 'over_threshold_never_mql'
            when
                per_cycle.recomputed_score_at_mql < per_cycle.sales_ready_threshold
                and coalesce(mas_score_at_mql.mas_score, 0) < per_cycle.sales_ready_threshold
                then 'mql_below_threshold'
            when
                (coalesce(mas_score_at_mql.mas_score, 0) >= per_cycle.sales_ready_threshold)
                <> (per_cycle.recomputed_score_at_mql >= per_cycle.sales_ready_threshold)
                then 'mas_and_rules_disagree'
            else 'agrees'
        end as audit_finding
    from per_cycle
    left join mas_score_at_mql
        on
            per_cycle.person_key = mas_score_at_mql.person_key
            and per_cycle.cycle_number = mas_score_at_mql.cycle_number
            and mas_score_at_mql.recency = 1
    left join cycles
        on
            per_cycle.person_key = cycles.person_key
            and per_cycle.cycle_number = cycles.cycle_number
    where per_cycle.mql_at is not null or per_cycle.threshold_crossed_at is not null
)

select * from final
