{{ revenue_funnel.union_conformed('opportunities') }}
