{{ revenue_funnel.union_conformed('sales_touches') }}
