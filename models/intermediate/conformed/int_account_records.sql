{{ revenue_funnel.union_conformed('accounts') }}
