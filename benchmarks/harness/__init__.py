"""Pieces of the benchmark harness (`benchmarks/run.py`)."""
