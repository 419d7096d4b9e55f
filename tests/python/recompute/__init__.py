"""An independent recomputation of the shared KPIs from the raw Salesforce and Marketo tables and
the seeds, in plain pandas: no dbt model is read. Used by test_kpi_recomputation.py."""
