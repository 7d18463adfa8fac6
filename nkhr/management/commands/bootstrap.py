"""Prepare a database for use: migrate, load the paper's fixtures into a new one, add a login.

Run by `make run`. Safe to repeat: the fixtures are loaded only into a database that holds
no records yet, so a second run never writes over curators' edits.
"""

import os
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from nkhr.history import Channel, record_initial_versions
from nkhr.models import Source

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures"


def paper_fixtures() -> list[str]:
    """The fixture files of the paper's data, in a stable order."""
    return sorted(str(path) for path in FIXTURE_DIR.glob("*.json"))


class Command(BaseCommand):
    help = "Migrate, load the paper's fixtures into an empty database, create a curator login."

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=options["verbosity"])
        if Source.objects.exists():
            self.stdout.write("Records present: fixtures not loaded again.")
        else:
            with transaction.atomic():
                call_command("loaddata", *paper_fixtures(), verbosity=options["verbosity"])
                versions = record_initial_versions(
                    Channel.FIXTURE, "Loaded from the paper's fixtures (KINU CO22-19)"
                )
            self.stdout.write(f"Loaded the paper's fixtures ({versions} first versions).")
        self._ensure_login()

    def _ensure_login(self):
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME")
        password = os.environ.get("DJANGO_SUPERUSER_PASSWORD")
        if not (username and password):
            return
        users = get_user_model().objects
        if users.filter(username=username).exists():
            return
        users.create_superuser(username=username, password=password, email="")
        self.stdout.write(f"Created the login {username!r}.")
