{#- One value per person and governed attribute: the preferred system's most recently updated
    non-null value, else the other system's (survivorship_rules). -#}
with

candidates as (
    select * from {{ ref('int_person_attribute_candidates') }}
),

rules as (
    select * from {{ ref('survivorship_rules') }}
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
                case when candidates.source_system = rules.preferred_system then 0 else 1 end asc,
                candidates.updated_at desc nulls last,
                candidates.attribute_value asc
        ) as preference_rank
    from candidates
    inner join rules
        on candidates.attribute_name = rules.attribute
),

final as (
    select
        person_key,
        attribute_name,
        attribute_value,
        source_system
    from ranked
    where preference_rank = 1
)

select * from final
