select * from {{ ref('int_opportunities') }}
