"""`manage.py build_dumps [--if-changed]`: write the bulk dumps (nkhr/dumps.py,
docs/dumps.md) into `DUMPS_DIR`.

Exit status, for cron and systemd timers: 0 when a build was written or, with
`--if-changed`, when nothing changed since the last one (it says which); 1 when the build
failed (the previous build stays served); 75 (EX_TEMPFAIL) when another build is writing
into the same directory; 2 for bad arguments.
"""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from nkhr import dumps

# sysexits.h: a temporary failure, worth trying again later.
EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Write the bulk dumps (JSON Lines, CSV, FollowTheMoney, manifest) into DUMPS_DIR."

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-changed",
            action="store_true",
            help="Do nothing (exit 0) when no record changed since the newest build.",
        )
        parser.add_argument("--dir", type=Path, help="Write here instead of DUMPS_DIR.")
        parser.add_argument("--keep", type=int, help="Builds to keep (DUMPS_KEEP by default).")

    def handle(self, *args, if_changed=False, dir=None, keep=None, verbosity=1, **options):
        if keep is not None and keep < 1:
            raise CommandError("--keep: at least 1.", returncode=2)

        def write(line):
            if verbosity:
                self.stderr.write(line)

        started = time.perf_counter()
        try:
            result = dumps.build(directory=dir, keep=keep, if_changed=if_changed, write=write)
        except dumps.BuildInProgress as exc:
            raise CommandError(str(exc), returncode=EX_TEMPFAIL) from exc
        except Exception as exc:
            raise CommandError(f"The build failed, the previous one stays: {exc!r}") from exc
        if result.unchanged:
            if verbosity:
                self.stdout.write(
                    f"Nothing changed since build {result.manifest['build']}; none written."
                )
            return
        elapsed = time.perf_counter() - started
        records = next(
            f["records"] for f in result.manifest["files"] if f["name"] == dumps.JSON_LINES
        )
        if verbosity:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Wrote build {result.manifest['build']} to {result.path}: {records:,} "
                    f"records in {elapsed:.1f} s ({records / max(elapsed, 1e-9):,.0f} records/s)."
                )
            )
            for item in result.manifest["files"]:
                self.stdout.write(
                    f"  {item['name']:<20} {item['records']:>10,} records "
                    f"{item['bytes']:>14,} bytes  sha256 {item['sha256']}"
                )
