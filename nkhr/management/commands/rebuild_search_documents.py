"""`manage.py rebuild_search_documents [--unbuilt]`: build every record's search document
again (nkhr/documents.py). Signals keep documents current; this is for a database
changed around them (rows written with raw SQL, a restore from another version)."""

from django.core.management.base import BaseCommand

from nkhr import documents


class Command(BaseCommand):
    help = "Build every record's search document again (the names every search reads)."

    def add_arguments(self, parser):
        parser.add_argument("--unbuilt", action="store_true", help="Only documents never built.")

    def handle(self, *args, unbuilt=False, verbosity=1, **options):
        def progress(model, done, total):
            if verbosity > 1:
                self.stdout.write(f"{model._meta.label}: {done}/{total}")

        counts = documents.rebuild_all(only_unbuilt=unbuilt, progress=progress)
        if verbosity:
            for label, count in counts.items():
                self.stdout.write(f"{label}: {count} documents")
