-- Frame the marts_email_sends suite validates: fct_email_sends per sent month: sends whose events contradict each other or come before the send.
select
    cast(sent_month as varchar) as row_key,
    cast(sum(case when is_clicked and not is_opened then 1 else 0 end) as bigint)
        as clicked_not_opened,
    cast(sum(case when is_delivered and is_bounced then 1 else 0 end) as bigint)
        as delivered_and_bounced,
    cast(sum(
        case
            when delivered_at < sent_at or first_opened_at < sent_at
                or first_clicked_at < sent_at or unsubscribed_at < sent_at then 1
            else 0
        end
    ) as bigint) as events_before_send
from {marts}.fct_email_sends
group by sent_month
