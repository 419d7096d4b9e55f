select * from {{ ref('int_sla_instances') }}
