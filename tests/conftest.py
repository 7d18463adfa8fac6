"""Fixtures shared by the whole suite."""

import os
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command

from nkhr.management.commands.bootstrap import paper_fixtures
from tests.admin_base import log_in_curator


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix):
    """On SQLite the test database is a file, as the real one is, not shared memory: a live
    server's threads then each have their own connection and meet the same locks, WAL and
    busy timeout as a server does. One file per test process (xdist worker, or a run of
    another checkout of the project) in the temporary directory; Django deletes it at the
    end."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3" and not database.get("TEST", {}).get(
        "NAME"
    ):
        name = Path(tempfile.gettempdir()) / f"nkhr-test-{os.getpid()}.sqlite3"
        database.setdefault("TEST", {})["NAME"] = str(name)


@pytest.fixture
def staff_client(client, django_user_model):
    """A client logged in as a staff user (not a superuser) holding every permission."""
    return log_in_curator(client, django_user_model)


@pytest.fixture
def paper(db):
    """The paper's own records, loaded from the fixtures as `make run` loads them."""
    call_command("loaddata", *paper_fixtures(), verbosity=0)


@pytest.fixture(autouse=True)
def dumps_dir(settings, tmp_path_factory):
    """Bulk dumps built by a test go to a directory of its own (never the checkout's
    var/dumps/), and their links point at the test client's host."""
    settings.DUMPS_DIR = tmp_path_factory.mktemp("dumps")
    settings.DUMPS_SITE_URL = "http://testserver"
    return settings.DUMPS_DIR
