{#- One value per person and governed attribute: the value of the most preferred system for the
    attribute (survivorship_rules: a preference per attribute and system, so one agreement covers
    every pairing of systems; a system without a row comes after every ranked one), the most
    recently updated non-null value among equally preferred ones.
    Incremental by person (macros/incremental/person_inputs.sql): a run re-derives the persons
    whose candidate values changed since the last; an edited survivorship_rules re-derives
    everyone. -#}
{{ config(
    materialized="incremental",
    incremental_strategy=revenue_funnel.reprocessing_strategy(),
    on_schema_change="append_new_columns",
    pre_hook="{{ revenue_funnel.delete_persons_with_changed_inputs(
        revenue_funnel.survived_attribute_inputs_fingerprints(), ['survivorship_rules']) }}",
) }}

with

candidates as (
    select attribute_candidates.*
    from {{ ref('int_person_attribute_candidates') }} as attribute_candidates
    where {{ revenue_funnel.persons_without_rows("attribute_candidates") }}
),

inputs as (
    {{ revenue_funnel.survived_attribute_inputs_fingerprints(persons_to_derive_only=true) }}
),

rules as (
    select * from {{ ref('survivorship_rules') }}
),

governed_attributes as (
    select distinct attribute from rules
),

ranked as (
    select
        candidates.person_key,
        candidates.attribute_name,
        candidates.attribute_value,
        candidates.source_system,
        row_number() over (
            partition by candidates.person_key, candidates.attribute_name
            order by
                case when rules.preference is null then 1 else 0 end asc,
                cast(rules.preference as {{ dbt.type_int() }}) asc,
                candidates.updated_at desc nulls last,
                candidates.attribute_value asc
        ) as preference_rank
    from candidates
    inner join governed_attributes
        on candidates.attribute_name = governed_attributes.attribute
    left join rules
        on
            candidates.attribute_name = rules.attribute
            and candidates.source_system = rules.system
),

final as (
    select
        ranked.person_key,
        ranked.attribute_name,
        ranked.attribute_value,
        ranked.source_system,
        inputs.inputs_fingerprint,
        '{{ revenue_funnel.agreements_version(["survivorship_rules"]) }}' as agreements_version
    from ranked
    inner join inputs
        on ranked.person_key = inputs.person_key
    where ranked.preference_rank = 1
)

select * from final
