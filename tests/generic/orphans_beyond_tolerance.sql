{#- The rows of `model` whose `column_name` points at no `field` of `to`, returned only when they
    are more than the stewards' tolerance for `raw_table`.`raw_column` in the orphan_tolerances
    seed (its `default` row otherwise), in percent of the rows with a value. The same seed the
    raw gate reads: used where a reference lives in an optional table, which has no raw suite.
    Pair it with a `relationships` test at severity warn, which counts any orphan. -#}
{% test orphans_beyond_tolerance(model, column_name, to, field, raw_table, raw_column) %}

with

referencing as (
    select {{ column_name }} as reference
    from {{ model }}
    where {{ column_name }} is not null
),

orphans as (
    select referencing.reference
    from referencing
    left join {{ to }} as referenced
        on referencing.reference = referenced.{{ field }}
    where referenced.{{ field }} is null
),

tolerances as (
    select
        table_name,
        column_name,
        max_orphan_percent
    from {{ ref('orphan_tolerances') }}
),

allowed as (
    select
        coalesce(
            max(case when table_name = '{{ raw_table }}' and column_name = '{{ raw_column }}'
                then max_orphan_percent end),
            max(case when table_name = '{{ raw_table }}' and coalesce(column_name, '') = ''
                then max_orphan_percent end),
            max(case when table_name = 'default' then max_orphan_percent end)
        ) as max_orphan_percent
    from tolerances
),

share as (
    select 100.0 * (select count(*) from orphans) / nullif(count(*), 0) as orphan_percent
    from referencing
)

select orphans.reference
from orphans
cross join share
cross join allowed
where share.orphan_percent > allowed.max_orphan_percent

{% endtest %}
