{{ revenue_funnel.union_conformed('marketing_activities') }}
