select * from {{ ref('int_funnel_transitions') }}
