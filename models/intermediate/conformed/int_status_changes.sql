{{ revenue_funnel.union_conformed('status_changes') }}
