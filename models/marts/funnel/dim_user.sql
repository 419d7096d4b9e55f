select * from {{ ref('int_users') }}
