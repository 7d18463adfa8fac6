"""Fixtures shared by the whole suite."""

import pytest

from tests.admin_base import log_in_curator


@pytest.fixture
def staff_client(client, django_user_model):
    """A client logged in as a staff user (not a superuser) holding every permission."""
    return log_in_curator(client, django_user_model)
