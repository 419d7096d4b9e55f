{#- The columns that say whose business clock an SLA instance runs on, from the CRM user
    `users_relation` joined on the instance's owner: the owner's team and time zone, and clock_id,
    the clock int_sla_clock_days names `team|time zone`. An owner who is not a CRM user (a queue)
    runs on the unassigned UTC clock. -#}
{% macro sla_owner_clock_columns(users_relation) -%}
    coalesce({{ users_relation }}.team, 'unassigned') as owner_team,
    coalesce({{ users_relation }}.time_zone, 'UTC') as time_zone,
    case
        when {{ users_relation }}.user_id is null then 'unassigned|UTC'
        else {{ dbt.concat(["coalesce(" ~ users_relation ~ ".team, 'unassigned')", "'|'",
                            "coalesce(" ~ users_relation ~ ".time_zone, 'UTC')"]) }}
    end as clock_id
{%- endmacro %}
