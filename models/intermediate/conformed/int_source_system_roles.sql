{#- Which role each configured source system plays, and which landed system is the CRM of record
    and the MAS of record (the landed system with the lowest preference for the role). A system
    is landed when any of its raw contract tables exists; a system that isn't is reported once. -#}
{%- set configured = var('source_systems').keys() | list -%}
{%- set landed = [] -%}
{%- for system in configured -%}
    {%- if revenue_funnel.is_system_landed(system) -%}
        {%- do landed.append(system) -%}
    {%- elif execute -%}
        {%- do log("Source system " ~ system ~ " is not landed: its models contribute no rows.", info=true) -%}
    {%- endif -%}
{%- endfor -%}
{%- set configured_list = "'" ~ configured | join("', '") ~ "'" -%}
{%- set landed_list = ("'" ~ landed | join("', '") ~ "'") if landed else "null" -%}

with

roles as (
    select
        system as source_system,
        role,
        preference,
        coalesce(system in ({{ landed_list }}), false) as is_landed
    from {{ ref('source_systems') }}
    where system in ({{ configured_list }})
),

ranked as (
    select
        source_system,
        role,
        preference,
        is_landed,
        row_number() over (
            partition by role, is_landed
            order by preference, source_system
        ) as rank_in_role
    from roles
)

select
    source_system,
    role,
    preference,
    is_landed,
    (is_landed and rank_in_role = 1) as is_of_record
from ranked
