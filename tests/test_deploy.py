"""The production recipe of docs/deploy.md: its settings pass Django's deployment checks,
gunicorn's worker count is the documented one, and whitenoise serves the collected files."""

import gzip
import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = ROOT / "deploy" / "production.env"
GUNICORN_CONF = ROOT / "nkhr" / "gunicorn.conf.py"


def documented_environment() -> dict[str, str]:
    """deploy/production.env as a dict (KEY=VALUE lines; # starts a comment line)."""
    lines = PRODUCTION_ENV.read_text().splitlines()
    pairs = (line.split("=", 1) for line in lines if line.strip() and not line.startswith("#"))
    return {key.strip(): value.strip() for key, value in pairs}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    """`manage.py ARGS` in a fresh process whose environment is `env` and a PATH only (not
    the checkout's `.env`, which `make run` writes with a SECRET_KEY)."""
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        env={"PATH": os.environ["PATH"], "ENV_FILE": "", **env},
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_documented_production_settings_pass_check_deploy_without_a_warning():
    env = {**documented_environment(), "SECRET_KEY": secrets.token_urlsafe(50)}
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout
    assert "WARNING" not in result.stdout + result.stderr


def test_check_deploy_sees_a_placeholder_secret_key():
    # The check above is a real one: the file's own placeholder fails it.
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=documented_environment())
    assert result.returncode != 0
    assert "security.W009" in result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {key: value for key, value in documented_environment().items() if key != "SECRET_KEY"}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def gunicorn_settings(monkeypatch, **env) -> dict:
    for key in ("WEB_CONCURRENCY", "PORT"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return runpy.run_path(str(GUNICORN_CONF))


def test_gunicorn_workers_default_to_twice_the_cores_plus_one_at_most_eight(monkeypatch):
    conf = gunicorn_settings(monkeypatch)
    assert conf["workers"] == min(2 * conf["usable_cores"]() + 1, 8)
    assert conf["bind"] == ["0.0.0.0:8000"]
    assert conf["wsgi_app"] == "nkhr.wsgi:application"


def test_gunicorn_takes_web_concurrency_and_port(monkeypatch):
    conf = gunicorn_settings(monkeypatch, WEB_CONCURRENCY="3", PORT="9001")
    assert conf["workers"] == 3
    assert conf["bind"] == ["0.0.0.0:9001"]


def test_gunicorn_logs_to_stdout(monkeypatch):
    handlers = gunicorn_settings(monkeypatch)["logconfig_dict"]["handlers"]
    assert {handler["stream"] for handler in handlers.values()} == {"ext://sys.stdout"}


@pytest.fixture(scope="module")
def collected_static(tmp_path_factory) -> Path:
    """`collectstatic` into a folder of this module's, as a deployment runs it."""
    root = tmp_path_factory.mktemp("staticfiles")
    with override_settings(STATIC_ROOT=root):
        call_command("collectstatic", interactive=False, verbosity=0)
    return root


@pytest.mark.django_db
def test_whitenoise_serves_the_collected_static_files_compressed(collected_static):
    served = override_settings(
        STATIC_ROOT=collected_static, WHITENOISE_USE_FINDERS=False, WHITENOISE_AUTOREFRESH=False
    )
    with served:
        # A new client: whitenoise reads STATIC_ROOT when the handler loads its middleware.
        client = Client()
        plain = client.get("/static/admin/css/base.css")
        compressed = client.get("/static/admin/css/base.css", HTTP_ACCEPT_ENCODING="gzip")
        missing = client.get("/static/admin/css/no-such-file.css")
    assert plain.status_code == 200
    assert plain["Content-Type"].startswith("text/css")
    body = b"".join(plain.streaming_content)
    assert body == (collected_static / "admin" / "css" / "base.css").read_bytes()
    assert compressed["Content-Encoding"] == "gzip"
    assert gzip.decompress(b"".join(compressed.streaming_content)) == body
    assert missing.status_code == 404
