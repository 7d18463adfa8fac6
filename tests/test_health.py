"""`/healthz` and `/readyz` (nkhr/health.py): what a load balancer and a deploy rely on."""

import pytest
from django.db import DatabaseError, connections
from django.db.migrations.recorder import MigrationRecorder
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db


def answer(path: str, **extra):
    # A new client per request: middleware settings are read when its handler starts.
    response = Client().get(path, **extra)
    return response.status_code, response.json()


def test_healthz_answers_ok_while_the_database_answers():
    assert answer("/healthz") == (200, {"status": "ok"})
    assert answer("/healthz/") == (200, {"status": "ok"})


def test_healthz_is_503_when_the_database_does_not_answer(monkeypatch):
    def refuse(*args, **kwargs):
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr(connections["default"], "cursor", refuse)
    assert answer("/healthz") == (503, {"status": "unavailable", "database": "DatabaseError"})
    assert answer("/readyz")[0] == 503


def test_readyz_is_ok_with_every_migration_applied():
    assert answer("/readyz") == (200, {"status": "ok"})


def test_readyz_is_503_while_a_migration_is_unapplied():
    # As if the code of a new release ran before its `migrate` (the test's transaction
    # puts the row back afterwards).
    MigrationRecorder.Migration.objects.filter(app="nkhr").order_by("-name").first().delete()
    assert answer("/readyz") == (503, {"status": "migrations pending", "unapplied": 1})
    assert answer("/healthz") == (200, {"status": "ok"})


@override_settings(ALLOWED_HOSTS=["records.example.org"], SECURE_SSL_REDIRECT=True)
def test_probes_pass_before_host_checks_and_the_https_redirect():
    # A probe comes by IP address over plain HTTP, where any other page is refused or redirected.
    assert Client().get("/admin/login/", HTTP_HOST="10.1.2.3").status_code == 400
    assert Client().get("/admin/login/", HTTP_HOST="records.example.org").status_code == 301
    assert answer("/healthz", HTTP_HOST="10.1.2.3") == (200, {"status": "ok"})
    assert answer("/readyz", HTTP_HOST="10.1.2.3") == (200, {"status": "ok"})


def test_probes_are_not_cached_and_take_only_reads():
    response = Client().get("/healthz")
    assert response["Cache-Control"] == "no-store"
    assert response["Content-Type"] == "application/json"
    assert Client().post("/healthz").status_code == 405
    assert Client().head("/readyz").status_code == 200
