"""The warehouse engines the project runs on besides embedded DuckDB: a throwaway local
PostgreSQL server, a local Spark session, copying raw tables into them, and reading marts back
for comparison. Used by the cross-engine test and reusable by anything that needs a live engine
(e.g. governance gates against PostgreSQL)."""
