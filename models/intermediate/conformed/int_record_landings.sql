{{ revenue_funnel.union_conformed('record_landings') }}
