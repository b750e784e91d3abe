"""Benchmark harness: segapp side by side with the cheapest raw SQL, on SQLite and PostgreSQL.

Run with ``python -m bench --n 100000`` (``make bench``); see docs/benchmarks.md.
"""
