select
    date_day,
    week_start_date,
    month_start_date,
    quarter_start_date,
    year_start_date,
    iso_day_of_week,
    is_weekend
from {{ ref('int_calendar_days') }}
