{{ revenue_funnel.union_conformed('person_records') }}
