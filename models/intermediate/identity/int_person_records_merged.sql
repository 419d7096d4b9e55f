{#- Every person record with the record it finally survives as, within its system. Merges chain
    (C into B, later B into A): follow merged_into_record_id up to 6 hops with joins, portable
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

followed as (
    select
        records.source_system,
        records.record_type,
        records.record_id,
        coalesce(
            hop_6.merged_into_record_id,
            hop_5.merged_into_record_id,
            hop_4.merged_into_record_id,
            hop_3.merged_into_record_id,
            hop_2.merged_into_record_id,
            records.merged_into_record_id,
            records.record_id
        ) as survivor_record_id
    from records
    left join records as hop_2
        on
            records.source_system = hop_2.source_system
            and records.record_type = hop_2.record_type
            and records.merged_into_record_id = hop_2.record_id
    left join records as hop_3
        on
            hop_2.source_system = hop_3.source_system
            and hop_2.record_type = hop_3.record_type
            and hop_2.merged_into_record_id = hop_3.record_id
    left join records as hop_4
        on
            hop_3.source_system = hop_4.source_system
            and hop_3.record_type = hop_4.record_type
            and hop_3.merged_into_record_id = hop_4.record_id
    left join records as hop_5
        on
            hop_4.source_system = hop_5.source_system
            and hop_4.record_type = hop_5.record_type
            and hop_4.merged_into_record_id = hop_5.record_id
    left join records as hop_6
        on
            hop_5.source_system = hop_6.source_system
            and hop_5.record_type = hop_6.record_type
            and hop_5.merged_into_record_id = hop_6.record_id
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
