{{ revenue_funnel.union_conformed('campaigns') }}
