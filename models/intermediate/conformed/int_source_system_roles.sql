{#- Which role each configured source system plays, and which landed system is the CRM of record
    and the MAS of record (the landed system with the lowest preference for the role). A system
    is landed when any of its raw contract tables exists; a system that isn't is reported once. -#}
{%- set systems = var('source_systems').keys() | list -%}
{%- set landed = {} -%}
{%- for system in systems -%}
    {%- do landed.update({system: revenue_funnel.is_system_landed(system)}) -%}
    {%- if execute and not landed[system] -%}
        {%- do log("Source system " ~ system ~ " is not landed: its models contribute no rows.", info=true) -%}
    {%- endif -%}
{%- endfor -%}

with

seeded_roles as (
    select
        system as source_system,
        role,
        preference
    from {{ ref('source_systems') }}
),

configured_systems as (
    {%- for system in systems %}
    select
        '{{ system }}' as source_system,
        {{ 'true' if landed[system] else 'false' }} as is_landed
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

roles as (
    select
        seeded_roles.source_system,
        seeded_roles.role,
        seeded_roles.preference,
        configured_systems.is_landed
    from seeded_roles
    inner join configured_systems
        on seeded_roles.source_system = configured_systems.source_system
),

ranked as (
    select
        source_system,
        role,
        preference,
        is_landed,
        case
            when is_landed
                then row_number() over (
                    partition by role, is_landed
                    order by preference, source_system
                )
        end as landed_rank
    from roles
)

select
    source_system,
    role,
    preference,
    is_landed,
    coalesce(landed_rank = 1, false) as is_of_record
from ranked
