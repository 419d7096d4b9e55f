{{ revenue_funnel.union_conformed('opportunity_stage_changes') }}
