{{ revenue_funnel.union_conformed('users') }}
