-- SLA status at as-of for each combination of satisfaction and due time.
with

cases as (
    select
        status_values.expected_status,
        cast(status_values.satisfied_at as {{ dbt.type_timestamp() }}) as satisfied_at,
        cast(status_values.due_at as {{ dbt.type_timestamp() }}) as due_at,
        cast(status_values.as_of_at as {{ dbt.type_timestamp() }}) as as_of_at
    from (
        values
        ('met', '2026-01-05 10:00:00', '2026-01-05 12:00:00', '2026-01-10 00:00:00'),
        ('met', '2026-01-05 12:00:00', '2026-01-05 12:00:00', '2026-01-10 00:00:00'),
        ('breached', '2026-01-05 12:00:01', '2026-01-05 12:00:00', '2026-01-10 00:00:00'),
        ('open', null, '2026-01-05 12:00:00', '2026-01-05 11:00:00'),
        ('open_breached', null, '2026-01-05 12:00:00', '2026-01-05 13:00:00'),
        ('open', '2026-01-05 11:30:00', '2026-01-05 12:00:00', '2026-01-05 11:00:00'),
        ('open_breached', '2026-01-06 09:00:00', '2026-01-05 12:00:00', '2026-01-05 13:00:00')
    ) as status_values (expected_status, satisfied_at, due_at, as_of_at)
)

select
    cases.expected_status,
    {{ sla_status('cases.satisfied_at', 'cases.due_at', 'cases.as_of_at') }} as computed_status
from cases
where {{ sla_status('cases.satisfied_at', 'cases.due_at', 'cases.as_of_at') }} <> cases.expected_status
