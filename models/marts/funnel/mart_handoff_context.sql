{#- For each MQL handed to sales: the engagement that made the person sales-ready, in the words a
    rep reads when the lead lands: the last activities, forms, content, programs and how the
    score got there (the 90 days before the MQL, within the cycle; int_handoff_engagement). -#}
with

cycles as (
    select * from {{ ref('fct_lead_cycles') }}
    where mql_at is not null
),

engagement as (
    select * from {{ ref('int_handoff_engagement') }}
),

score_audit as (
    select * from {{ ref('fct_lead_score_audit') }}
),

final as (
    select
        cycles.person_key,
        cycles.cycle_number,
        cycles.crm_lead_id,
        cycles.owner_id,
        cycles.mql_at,
        score_audit.mas_score_at_mql,
        score_audit.recomputed_score_at_mql,
        coalesce(engagement.activities_before_mql, 0) as activities_before_mql,
        coalesce(engagement.form_fills, 0) as form_fills,
        coalesce(engagement.email_clicks, 0) as email_clicks,
        coalesce(engagement.web_visits, 0) as web_visits,
        coalesce(engagement.program_successes, 0) as program_successes,
        engagement.recent_activities,
        engagement.forms_filled,
        engagement.content_consumed,
        engagement.programs_engaged,
        engagement.score_trajectory
    from cycles
    left join engagement
        on
            cycles.person_key = engagement.person_key
            and cycles.cycle_number = engagement.cycle_number
    left join score_audit
        on
            cycles.person_key = score_audit.person_key
            and cycles.cycle_number = score_audit.cycle_number
)

select * from final
