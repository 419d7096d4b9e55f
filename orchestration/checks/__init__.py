"""Governance gates: GX expectation suites (gx/suites/) validated with the work pushed down to DuckDB."""
