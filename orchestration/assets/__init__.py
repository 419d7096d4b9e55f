"""Assets: raw CRM/MAS tables and the dbt models built from them."""
