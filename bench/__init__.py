"""Benchmark: `python -m bench` (see docs/benchmarks.md)."""
