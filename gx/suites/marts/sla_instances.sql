-- Frame the marts_sla_instances suite validates: SLA instances: elapsed business time and status.
select
    sla_key,
    status,
    cast(business_minutes_elapsed as double precision) as business_minutes_elapsed
from {marts}.fct_sla_instances
