"""Governance gates: GX expectation suites (gx/suites/), their work pushed down to DuckDB."""
