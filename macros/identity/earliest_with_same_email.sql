{#- The id of the earliest-created record sharing this record's email (itself when the email is
    empty), as text: records of one system with one email are one person. Ids are text in the
    conformed layer: ties on the creation instant go to the shorter id first, so numeric ids keep
    their numeric order and fixed-length ids (e.g. a CRM's 18-character ids) their text order. -#}
{% macro earliest_with_same_email(id_column, email_column, created_column) -%}
    cast(first_value({{ id_column }}) over (
        partition by coalesce({{ email_column }}, cast({{ id_column }} as {{ dbt.type_string() }}))
        order by
            {{ created_column }},
            {{ dbt.length("cast(" ~ id_column ~ " as " ~ dbt.type_string() ~ ")") }},
            {{ id_column }}
        rows between unbounded preceding and unbounded following
    ) as {{ dbt.type_string() }})
{%- endmacro %}
