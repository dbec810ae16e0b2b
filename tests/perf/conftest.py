"""Benchmarks are not collected by pytest; they run with ``python -m tests.perf``."""

collect_ignore_glob = ["bench_*.py"]
