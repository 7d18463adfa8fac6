"""`/healthz` and `/readyz`, for load balancers, orchestrators and monitoring.

* `GET /healthz`: the process answers and the database is reachable: 200
  `{"status": "ok"}`, else 503 `{"status": "unavailable", "database": "<error>"}`.
* `GET /readyz`: healthy, and every migration is applied: 503
  `{"status": "migrations pending", "unapplied": N}` while the schema is behind the code
  (a deploy before its `migrate`), 200 `{"status": "ok"}` once it is not.

Both are answered by `HealthCheckMiddleware`, first in the chain: a probe comes straight to
the server, often by IP address and over plain HTTP, so it passes before host validation and
the HTTPS redirect, opens no session and no per-request transaction. They say nothing but
the state above.
"""

from django.db import DatabaseError, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import JsonResponse

HEALTH_PATH = "/healthz"
READY_PATH = "/readyz"


def database_error(alias: str = "default") -> str | None:
    """None if the database answers a query, else the kind of error it gave."""
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError as exc:
        return type(exc).__name__
    return None


def unapplied_migrations(alias: str = "default") -> int:
    """How many migrations the code has that the database has not applied."""
    executor = MigrationExecutor(connections[alias])
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def health() -> tuple[int, dict]:
    error = database_error()
    if error:
        return 503, {"status": "unavailable", "database": error}
    return 200, {"status": "ok"}


def readiness() -> tuple[int, dict]:
    status, body = health()
    if status != 200:
        return status, body
    try:
        pending = unapplied_migrations()
    except DatabaseError as exc:
        return 503, {"status": "unavailable", "database": type(exc).__name__}
    if pending:
        return 503, {"status": "migrations pending", "unapplied": pending}
    return 200, {"status": "ok"}


CHECKS = {HEALTH_PATH: health, READY_PATH: readiness}


class HealthCheckMiddleware:
    """Answers `/healthz` and `/readyz` (with or without a trailing slash) itself."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        check = CHECKS.get(request.path_info.rstrip("/"))
        if check is None:
            return self.get_response(request)
        if request.method not in ("GET", "HEAD"):
            return JsonResponse({"status": "method not allowed"}, status=405)
        status, body = check()
        response = JsonResponse(body, status=status)
        response["Cache-Control"] = "no-store"
        return response
