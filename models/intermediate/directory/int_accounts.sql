{#- One row per account of the CRM of record (int_source_system_roles) with segment, company size
    and customer status (its won opportunities): the logic behind dim_account. -#}
with

accounts as (
    {{ revenue_funnel.records_of_record(ref('int_account_records')) }}
),

segments as (
    select * from {{ ref('segments') }}
),

company_sizes as (
    select * from {{ ref('company_sizes') }}
),

opportunities as (
    {{ revenue_funnel.records_of_record(ref('int_opportunity_records')) }}
),

wins as (
    select
        account_id,
        min(close_date) as first_won_on,
        count(*) as won_opportunities
    from opportunities
    where is_won
    group by account_id
),

final as (
    select
        {{ dbt.hash("'crm_account:' || accounts.account_id") }} as account_key,
        accounts.account_id as crm_account_id,
        accounts.account_name,
        accounts.industry,
        accounts.country as billing_country,
        accounts.state as billing_state,
        accounts.account_type,
        accounts.number_of_employees,
        accounts.annual_revenue,
        coalesce(segments.segment_code, 'unknown') as segment_code,
        coalesce(segments.segment_name, 'Unknown') as segment_name,
        coalesce(company_sizes.company_size_code, 'unknown') as company_size_code,
        accounts.owner_id,
        accounts.parent_account_id,
        wins.account_id is not null as is_customer,
        wins.first_won_on,
        coalesce(wins.won_opportunities, 0) as won_opportunities,
        accounts.created_at
    from accounts
    left join segments
        on
            accounts.number_of_employees >= segments.min_employees
            and (
                segments.max_employees is null
                or accounts.number_of_employees <= segments.max_employees
            )
    left join company_sizes
        on
            accounts.number_of_employees >= company_sizes.min_employees
            and (
                company_sizes.max_employees is null
                or accounts.number_of_employees <= company_sizes.max_employees
            )
    left join wins
        on accounts.account_id = wins.account_id
)

select * from final
