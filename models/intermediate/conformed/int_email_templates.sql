{{ revenue_funnel.union_conformed('email_templates') }}
