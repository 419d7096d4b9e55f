{#- Does the agreed sales-ready threshold select better leads? MQL cycles by MAS score band at the
    MQL moment, with how many went on to SAL, SQL, an opportunity and a win, and how fast. SAL is
    the handoff into sales and counts only when recorded (sal_at), as in the shared conversion
    rates; SQL and the opportunity pass through to later stages. An MQL of a person the MAS never
    scored (no MAS record, e.g. re-qualified by sales in the CRM alone) has no band: it is the
    'unscored' row (band_floor null), not a score of 0. -#}
{%- set band_width = 25 -%}

with

audit as (
    select * from {{ ref('fct_lead_score_audit') }}
    where mql_at is not null
),

cycles as (
    select * from {{ ref('fct_lead_cycles') }}
),

banded as (
    select
        cycles.*,
        audit.sales_ready_threshold,
        audit.mas_score_at_mql as score_at_mql,
        cast(floor(audit.mas_score_at_mql / {{ band_width }}.0) as {{ dbt.type_int() }})
        * {{ band_width }} as band_floor
    from audit
    inner join cycles
        on
            audit.person_key = cycles.person_key
            and audit.cycle_number = cycles.cycle_number
),

final as (
    select
        band_floor,
        coalesce(
            {{ dbt.concat([dbt.cast("band_floor", dbt.type_string()), "'-'",
                           dbt.cast("band_floor + " ~ (band_width - 1), dbt.type_string())]) }},
            'unscored'
        ) as score_band,
        coalesce(band_floor >= max(sales_ready_threshold), false) as is_sales_ready_band,
        count(*) as mqls,
        count(sal_at) as reached_sal,
        count(coalesce(sql_at, opportunity_created_at, won_at)) as reached_sql,
        count(coalesce(opportunity_created_at, won_at)) as reached_opportunity,
        count(won_at) as won,
        1.0 * count(sal_at) / count(*) as sal_rate,
        1.0 * count(coalesce(opportunity_created_at, won_at)) / count(*) as opportunity_rate,
        1.0 * count(won_at) / count(*) as win_rate,
        {{ percentile(days_between('mql_at', 'won_at'), 0.5) }} as median_days_mql_to_won
    from banded
    group by band_floor
)

select * from final
