select * from {{ ref('int_pipeline_snapshots') }}
