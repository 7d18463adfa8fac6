"""`bench/imports.py` end to end on a few rows, so the import benchmark never rots: every
section runs (the resource's dry run, the import page, `manage.py import_records`) and
finds the file valid. No timing is checked."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.own_database
def test_the_import_benchmark_runs_every_section_on_a_few_rows(tmp_path):
    env = {**os.environ, "SECRET_KEY": "bench-smoke-not-secret"}
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "imports.py"),
            "--rows",
            "120",
            "--database-url",
            f"sqlite:///{tmp_path / 'bench.sqlite3'}",
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]

    results = json.loads(completed.stdout.strip().splitlines()[-1])
    assert results["dry_run"]["rows"] == 120
    assert results["dry_run"]["invalid_rows"] == 0 and results["dry_run"]["base_errors"] == 0
    assert results["dry_run"]["queries_per_row"] < 10
    assert results["admin_page"]["status"] == 200 and results["admin_page"]["confirm"]
    assert results["command"]["returncode"] == 0
