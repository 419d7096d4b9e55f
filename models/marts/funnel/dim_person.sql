select * from {{ ref('int_persons') }}
