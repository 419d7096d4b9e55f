-- Within a lifecycle cycle, each funnel stage is reached no earlier than the stages before it.
{%- set stages = ["lead_at", "mql_at", "sal_at", "sql_at", "opportunity_created_at", "won_at"] %}
{%- set pairs = [] %}
{%- for earlier in stages %}
    {%- for later in stages[loop.index:] %}
        {%- do pairs.append(earlier ~ " > " ~ later) %}
    {%- endfor %}
{%- endfor %}

select
    person_key,
    cycle_number
from {{ ref('fct_lead_cycles') }}
where {{ pairs | join(" or ") }}
