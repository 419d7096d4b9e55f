{#- Every Marketo lead id with the lead it finally survives as. Merges chain (C into B, later B
    into A): follow up to 6 hops with joins, portable where recursive CTEs are not. -#}
with

leads as (
    select lead_id from {{ ref('stg_marketo__leads') }}
),

lead_merges as (
    select
        merged_lead_id,
        lead_id as surviving_lead_id
    from {{ ref('stg_marketo__lead_merges') }}
),

followed as (
    select
        leads.lead_id,
        coalesce(
            hop_6.surviving_lead_id,
            hop_5.surviving_lead_id,
            hop_4.surviving_lead_id,
            hop_3.surviving_lead_id,
            hop_2.surviving_lead_id,
            hop_1.surviving_lead_id,
            leads.lead_id
        ) as survivor_lead_id
    from leads
    left join lead_merges as hop_1
        on leads.lead_id = hop_1.merged_lead_id
    left join lead_merges as hop_2
        on hop_1.surviving_lead_id = hop_2.merged_lead_id
    left join lead_merges as hop_3
        on hop_2.surviving_lead_id = hop_3.merged_lead_id
    left join lead_merges as hop_4
        on hop_3.surviving_lead_id = hop_4.merged_lead_id
    left join lead_merges as hop_5
        on hop_4.surviving_lead_id = hop_5.merged_lead_id
    left join lead_merges as hop_6
        on hop_5.surviving_lead_id = hop_6.merged_lead_id
),

final as (
    select
        lead_id,
        survivor_lead_id,
        lead_id <> survivor_lead_id as is_merged_away
    from followed
)

select * from final
