"""`bench/run.py` end to end at a tiny scale, so the benchmark never rots.

It runs as `make bench` runs it, in its own process against a database of its own (an SQLite
file here: the test database is invisible to the gunicorn it starts). No timings are
checked, only that every section ran and answered.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.own_database
def test_bench_runs_every_section_at_a_tiny_scale(tmp_path):
    output = tmp_path / "results.json"
    env = {**os.environ, "SECRET_KEY": "bench-smoke-not-secret"}
    completed = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--scale",
            "200",
            "--quick",
            "--no-paper",
            "--database-url",
            f"sqlite:///{tmp_path / 'bench.sqlite3'}",
            "--output",
            str(output),
        ],
        capture_output=True,
        text=True,
        # A guard against a hang, not a speed check: every section (dumps, the feed, the
        # explorer's pages, HTTP under load) runs, beside the other test worker.
        timeout=420,
        env=env,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]

    results = json.loads(output.read_text())
    assert results["seed"]["seeded"]
    assert results["seed"]["scale"] == 200
    scenarios = results["api"]["scenarios"]
    assert len(scenarios) == 15
    assert all(row["p50_ms"] > 0 and row["queries"] > 0 for row in scenarios)
    assert results["api"]["variant_found"]
    assert results["api"]["person_rank"]["full_name"] is not None
    *designation_exports, follow_the_money = results["exports"]
    assert [row["rows"] for row in designation_exports] == [200, 200, 200]
    assert follow_the_money["rows"] > 200  # actors and occupancies too
    assert all(0 < row["first_line_s"] <= row["seconds"] for row in results["exports"])
    (dumps,) = results["dumps"]  # SQLite: Python reads every resource, one build
    assert dumps["records"] > 200 and dumps["peak_rss_mb"] > 0
    assert len(results["admin"]) == 8
    edited, edited_alone, renamed, renamed_alone = results["upkeep"]
    # An edit of no documented field rebuilds no document; a rename does.
    assert edited["queries"] == edited_alone["queries"] > 0
    assert renamed["queries"] > renamed_alone["queries"] > 0
    assert all(row["requests"] > 0 and row["errors"] == 0 for row in results["http"])
    assert "API/floor" in completed.stdout
