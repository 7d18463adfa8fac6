"""Seed synthetic records and report what it cost in wall and CPU seconds: the seeding
process's (`getrusage`) and, on PostgreSQL, its server backend's (from `/proc`, so the
server must run on this machine). CPU seconds are what other load on a shared machine
does not inflate; compare a seed with its documents and one without them:

    createdb nkhr_seed_a; DATABASE_URL=postgres://…/nkhr_seed_a python manage.py migrate
    DATABASE_URL=postgres://…/nkhr_seed_a python bench/seed_cpu.py 20000 --no-documents
    createdb nkhr_seed_b; DATABASE_URL=postgres://…/nkhr_seed_b python manage.py migrate
    DATABASE_URL=postgres://…/nkhr_seed_b python bench/seed_cpu.py 20000

Arguments after the scale go to `manage.py seed_synthetic`.
"""

import os
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def backend_cpu(pid: int | None) -> float:
    """CPU seconds (user and system) of process `pid` so far, 0 without one."""
    if pid is None:
        return 0.0
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nkhr.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    scale, extra = argv[0], argv[1:]
    pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
    server_before = backend_cpu(pid)
    before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    call_command("seed_synthetic", "--scale", scale, *extra, verbosity=0)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_SELF)
    python = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    server = backend_cpu(pid) - server_before
    print(
        f"{connection.vendor} {' '.join(extra) or 'with documents'}: wall {wall:.1f} s, "
        f"CPU {python + server:.1f} s (Python {python:.1f} + server {server:.1f}), "
        f"load {os.getloadavg()[0]:.1f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
