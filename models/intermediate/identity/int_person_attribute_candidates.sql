{#- Every value each system holds for each governed person attribute, with when it was last
    updated: the input to survivorship.
    Incremental by person (macros/incremental/person_inputs.sql): a run re-derives the persons
    whose source records changed since the last, or who gained or lost a record; a changed list
    of governed attributes re-derives everyone. -#}
{{ config(
    materialized="incremental",
    incremental_strategy=revenue_funnel.reprocessing_strategy(),
    on_schema_change="append_new_columns",
    pre_hook="{{ revenue_funnel.delete_persons_with_changed_inputs(
        revenue_funnel.attribute_candidate_inputs_fingerprints(), [],
        revenue_funnel.attribute_candidates_version()) }}",
) }}
{%- set sources = revenue_funnel.person_attribute_sources() -%}

with

-- The persons to derive, found once: the inputs are read through this small set, not each
-- checked against the stored rows.
persons as (
    select resolved.*
    from {{ ref('int_persons_resolved') }} as resolved
    where {{ revenue_funnel.persons_without_rows("resolved") }}
),

inputs as (
    {{ revenue_funnel.attribute_candidate_inputs_fingerprints(
        persons="select persons.person_key from persons") }}
),

-- One pass over each record table: a cross join with its attribute names, not one scan per
-- attribute.
{% for source, attributes in sources.items() %}
    {{ source }}_attribute_names as (
        {%- for attribute in attributes %}
            select '{{ attribute }}' as attribute_name
            {% if not loop.last %}union all{% endif %}
        {%- endfor %}
    ),

    {{ source }}_unpivoted as (
        select
            records.person_key,
            attribute_names.attribute_name,
            records.source_system,
            case attribute_names.attribute_name
                {%- for attribute in attributes %}
                    when '{{ attribute }}'
                        then cast(records.{{ attribute }} as {{ dbt.type_string() }})
                {%- endfor %}
            end as attribute_value,
            records.updated_at
        from ({{ revenue_funnel.person_attribute_records_of_persons(source, "persons") }}) as records
        cross join {{ source }}_attribute_names as attribute_names
    ),
{% endfor %}

unpivoted as (
    {% for source in sources %}
        select * from {{ source }}_unpivoted
        where attribute_value is not null
        {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        unpivoted.person_key,
        unpivoted.attribute_name,
        unpivoted.source_system,
        unpivoted.attribute_value,
        unpivoted.updated_at,
        inputs.inputs_fingerprint,
        '{{ revenue_funnel.attribute_candidates_version() }}' as agreements_version
    from unpivoted
    inner join inputs
        on unpivoted.person_key = inputs.person_key
)

select * from final
