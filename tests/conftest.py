"""Fixtures shared by the whole suite."""

import pytest
from django.core.management import call_command

from nkhr.management.commands.bootstrap import paper_fixtures
from tests.admin_base import log_in_curator


@pytest.fixture
def staff_client(client, django_user_model):
    """A client logged in as a staff user (not a superuser) holding every permission."""
    return log_in_curator(client, django_user_model)


@pytest.fixture
def paper(db):
    """The paper's own records, loaded from the fixtures as `make run` loads them."""
    call_command("loaddata", *paper_fixtures(), verbosity=0)
