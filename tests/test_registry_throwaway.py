"""A record type added through the registry alone (model, `register()`, factory: the
`Visit` of tests/throwaway/) is in the API, search, exports, admin and history, with no
other edit. Its checks run in a pytest of their own, under settings that install it, so
that the rest of the suite never sees the type."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_a_type_added_through_the_registry_alone_is_everywhere():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.throwaway.settings"}
    result = subprocess.run(
        [
            sys.executable, "-m", "pytest", "tests/throwaway/probe_visit.py",
            "-p", "no:cacheprovider", "-p", "no:xdist", "-q",
            "--ds", "tests.throwaway.settings",
        ],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
    assert re.search(r"\b6 passed\b", result.stdout), result.stdout[-2000:]
