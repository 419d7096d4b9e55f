{#- Rates, shares and accuracies are fractions in [0, 1]; growth rates never fall below -1. -#}
with

kpis as (
    select * from {{ ref('mart_shared_kpis') }}
    where kpi_value is not null
)

select
    period_grain,
    period_start_date,
    breakdown,
    breakdown_value,
    kpi_code,
    kpi_value
from kpis
where
    (
        kpi_code in (
            'lead_to_mql_rate', 'mql_to_sal_rate', 'sal_to_sql_rate', 'sql_to_opportunity_rate',
            'mql_to_won_rate', 'marketing_sourced_pipeline_share', 'win_rate_count',
            'win_rate_amount', 'pipeline_cohort_win_rate', 'customer_retention_rate',
            'forecast_accuracy', 'forecast_commit_win_rate', 'mql_follow_up_compliance_rate',
            'pipeline_past_close_date_share'
        )
        and (kpi_value < 0 or kpi_value > 1)
    )
    or (kpi_code like '%growth_rate' and kpi_value < -1)
