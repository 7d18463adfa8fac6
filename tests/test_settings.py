import os
import subprocess
import sys

from django.conf import settings


def _settings_check(env, *command):
    """Run `manage.py check` (or `command`) in a fresh process with exactly `env` on top of
    a clean base (no `.env` of the checkout read)."""
    base = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    return subprocess.run(
        [sys.executable, "manage.py", *(command or ["check"])],
        env={**base, **env},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = _settings_check({"DEBUG": "false", "SECRET_KEY": ""})
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_any_command_without_secret_key_says_so_and_nothing_else():
    # Django's runner alone went on without settings and failed in makemigrations with
    # "Models aren't loaded yet", which names no cause.
    env = {"DEBUG": "false", "SECRET_KEY": "", "ENV_FILE": ""}
    result = _settings_check(env, "makemigrations", "--check", "--dry-run")
    assert result.returncode == 1
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_starts_with_secret_key():
    result = _settings_check({"DEBUG": "false", "SECRET_KEY": "x" * 50})
    assert result.returncode == 0, result.stderr


def test_debug_is_off_by_default():
    assert settings.DEBUG is False
