{#- Every person record with the record it finally survives as, within its system. Merges chain
    (C into B, later B into A): follow merged_into_record_id up to `hops` (6) hops with joins, portable
    where recursive CTEs are not. -#}
with

records as (
    select
        source_system,
        record_type,
        record_id,
        merged_into_record_id
    from {{ ref('int_person_records') }}
),

{%- set hops = 6 %}

-- hop_1 is the record itself, hop_2 the record it was merged into, and so on.
followed as (
    select
        hop_1.source_system,
        hop_1.record_type,
        hop_1.record_id,
        coalesce(
            {% for hop in range(hops, 0, -1) -%}
                hop_{{ hop }}.merged_into_record_id,
            {% endfor -%}
            hop_1.record_id
        ) as survivor_record_id
    from records as hop_1
    {% for hop in range(2, hops + 1) -%}
        left join records as hop_{{ hop }}
            on
                hop_{{ hop - 1 }}.source_system = hop_{{ hop }}.source_system
                and hop_{{ hop - 1 }}.record_type = hop_{{ hop }}.record_type
                and hop_{{ hop - 1 }}.merged_into_record_id = hop_{{ hop }}.record_id
    {% endfor %}
),

final as (
    select
        source_system,
        record_type,
        record_id,
        survivor_record_id,
        record_id <> survivor_record_id as is_merged_away
    from followed
)

select * from final
