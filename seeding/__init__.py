"""Synthetic records at scale for the benchmarks (`manage.py seed_synthetic`, `make bench`).

Kept apart from the record apps: nothing in `nkhr`, `mechanisms`, `sanctions` or `grants`
imports it, and it may import any of them. See `seeding.synthetic` and docs/benchmarks.md.
"""
