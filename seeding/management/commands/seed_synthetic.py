"""Write deterministic synthetic records at a given scale, beside the paper's data.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nkhr_bench \\
        python manage.py seed_synthetic --scale 100000 --seed 1 --replace

It writes to whatever `DATABASE_URL` names, and says which database that is before it
starts; `make bench` points it at a database of its own. See `seeding.synthetic`.
"""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from seeding import synthetic


class Command(BaseCommand):
    help = "Write N synthetic actors, N designations and related records (ids start with syn-)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=int, required=True, help="N: actors and designations.")
        parser.add_argument(
            "--seed", type=int, default=synthetic.DEFAULT_SEED, help="Same seed, same rows."
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the synthetic records already there first (else refuse to run).",
        )
        parser.add_argument(
            "--no-documents",
            action="store_true",
            help="For measurement only: write no search documents (what seeding costs "
            "without them). Searches miss the rows until `rebuild_search_documents`.",
        )

    def handle(self, *args, scale, seed, replace, no_documents, **options):
        if scale < 1:
            raise CommandError("--scale must be at least 1.")
        verbose = options["verbosity"] > 0
        settings = connection.settings_dict
        if verbose:
            self.stdout.write(
                f"Database: {connection.vendor} {settings['NAME']} "
                f"({settings.get('HOST') or 'local'}); scale {scale}, seed {seed}."
            )
        if synthetic.synthetic_exists():
            if not replace:
                raise CommandError(
                    "Synthetic records are already there; pass --replace to write them again."
                )
            started = time.perf_counter()
            deleted = synthetic.remove()
            if verbose:
                self.stdout.write(
                    f"Removed {deleted} synthetic rows in {time.perf_counter() - started:.1f} s."
                )

        started = time.perf_counter()

        def report(label, rows, seconds):
            if not verbose:
                return
            elapsed = time.perf_counter() - started
            total = progress.rows
            self.stdout.write(
                f"  {label:<28} +{rows:>7} rows ({rows / max(seconds, 1e-9):>9,.0f}/s)   "
                f"total {total:>9,} in {elapsed:6.1f} s ({total / max(elapsed, 1e-9):,.0f} rows/s)"
            )

        def notice(what, seconds):
            if verbose:
                self.stdout.write(f"  {what} in {seconds:.1f} s")

        progress = synthetic.SeedProgress(report=report, notice=notice, documents=not no_documents)
        synthetic.seed(scale, seed, progress)
        elapsed = time.perf_counter() - started
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {progress.rows:,} rows in {elapsed:.1f} s "
                f"({progress.rows / max(elapsed, 1e-9):,.0f} rows/s)."
            )
        )
        if verbose:
            for label, count in sorted(progress.counts.items()):
                self.stdout.write(f"  {label:<28} {count:>9,}")
