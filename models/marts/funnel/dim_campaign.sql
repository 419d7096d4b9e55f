select * from {{ ref('int_campaigns') }}
