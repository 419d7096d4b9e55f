select * from {{ ref('int_accounts') }}
