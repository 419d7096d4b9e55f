{#- The rows of a conformed interface (`relation`, e.g. ref('int_account_records')) recorded by the
    landed system of record for `role` (int_source_system_roles): the accounts, users and
    opportunities of the CRM of record, whichever system plays it. -#}
{% macro records_of_record(relation, role="crm") -%}
    select records.*
    from {{ relation }} as records
    inner join {{ ref('int_source_system_roles') }} as system_roles
        on records.source_system = system_roles.source_system
    where system_roles.role = '{{ role }}' and system_roles.is_of_record
{%- endmacro %}
