-- Frame the marts_lead_feedback_loss_reasons suite validates: Loss reasons on opportunities: a loss reason on an open or won deal, a lost deal whose loss reason the feedback_reasons agreement lacks.
select
    opportunity_id,
    case
        when not is_lost and nullif(trim(loss_reason), '') is not null then loss_reason
    end as loss_reason_on_open_or_won_deal,
    case
        when loss_reason_category = 'unmapped' then loss_reason
    end as unmapped_loss_reason
from {marts}.fct_opportunities
