select * from {{ ref('int_lead_cycles') }}
