"""Benchmarks of NKHR Records at scale: `python bench/run.py` (see `make bench`)."""
