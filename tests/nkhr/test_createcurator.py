"""`manage.py createcurator`: logins for a team, each in one role group."""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from nkhr.management.commands import createcurator
from nkhr.models.publication import PUBLISH, VIEW_UNPUBLISHED

pytestmark = pytest.mark.django_db

PASSWORD = "a long passphrase for tests"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    # The command's work, not the hasher's: a cheap hasher keeps each test well under a second.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def create(*args, **options) -> User:
    call_command("createcurator", *args, stdout=io.StringIO(), **options)
    return User.objects.get(username=args[0])


@pytest.mark.parametrize("role", ["curator", "editor", "analyst"])
def test_each_role_makes_a_staff_login_in_its_group(role, monkeypatch):
    monkeypatch.setenv("NKHR_PASSWORD", PASSWORD)
    user = create(f"{role}-1", "--role", role, "--noinput")
    assert user.is_staff and user.is_active and not user.is_superuser
    assert list(user.groups.values_list("name", flat=True)) == [role.capitalize()]
    assert user.check_password(PASSWORD)


def test_the_roles_grant_what_the_readme_says(monkeypatch):
    monkeypatch.setenv("NKHR_PASSWORD", PASSWORD)
    curator = create("c", "--role", "curator", "--noinput")
    editor = create("e", "--role", "editor", "--noinput")
    analyst = create("a", "--role", "analyst", "--noinput")
    assert curator.has_perms(["nkhr.add_actor", "nkhr.change_actor", VIEW_UNPUBLISHED])
    assert not curator.has_perm(PUBLISH) and not curator.has_perm("nkhr.delete_actor")
    assert editor.has_perms([PUBLISH, "nkhr.delete_actor", "sanctions.add_designation"])
    assert analyst.has_perms(["nkhr.view_actor", VIEW_UNPUBLISHED])
    assert not analyst.has_perm("nkhr.change_actor")


def test_the_role_defaults_to_curator(monkeypatch):
    monkeypatch.setenv("NKHR_PASSWORD", PASSWORD)
    assert create("someone", "--noinput").groups.get().name == "Curator"


def test_password_from_a_named_variable(monkeypatch):
    monkeypatch.setenv("ALICE_PASSWORD", PASSWORD)
    assert create(
        "alice", "--role", "editor", "--password-from-env", "ALICE_PASSWORD"
    ).check_password(PASSWORD)


def test_the_login_signs_in_to_the_admin(client, monkeypatch):
    monkeypatch.setenv("NKHR_PASSWORD", PASSWORD)
    create("analyst", "--role", "analyst", "--noinput")
    response = client.post(
        reverse("admin:login"), {"username": "analyst", "password": PASSWORD, "next": "/admin/"}
    )
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


def test_interactive_prompt_asks_twice(monkeypatch):
    answers = iter(["not the same one", "something else", PASSWORD, PASSWORD])
    monkeypatch.setattr(createcurator.getpass, "getpass", lambda prompt: next(answers))
    monkeypatch.setattr(createcurator.sys.stdin, "isatty", lambda: True)
    stderr = io.StringIO()
    call_command("createcurator", "bob", "--role", "editor", stdout=io.StringIO(), stderr=stderr)
    assert User.objects.get(username="bob").check_password(PASSWORD)
    assert "differ" in stderr.getvalue()


@pytest.mark.parametrize(
    ("args", "env", "message"),
    [
        (["x", "--noinput"], {}, "$NKHR_PASSWORD is not set"),
        (["x", "--password-from-env", "NOPE"], {}, "$NOPE is not set"),
        (["x", "--noinput"], {"NKHR_PASSWORD": "12345678"}, "Password refused"),
        (["x"], {}, "No terminal"),
        (["bad name!", "--noinput"], {"NKHR_PASSWORD": PASSWORD}, "Username 'bad name!'"),
    ],
)
def test_refusals_are_messages(args, env, message, monkeypatch):
    monkeypatch.delenv("NKHR_PASSWORD", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setattr(createcurator.sys.stdin, "isatty", lambda: False)
    with pytest.raises(CommandError, match=message.replace("$", r"\$")):
        call_command("createcurator", *args, stdout=io.StringIO())
    assert not User.objects.exists()


def test_an_existing_login_is_not_touched(monkeypatch):
    monkeypatch.setenv("NKHR_PASSWORD", PASSWORD)
    User.objects.create_user("taken", password="the old one, kept")
    with pytest.raises(CommandError, match="exists already"):
        call_command("createcurator", "taken", "--noinput", stdout=io.StringIO())
    user = User.objects.get(username="taken")
    assert user.check_password("the old one, kept") and not user.groups.exists()


def test_an_unknown_role_is_refused():
    with pytest.raises(CommandError, match="invalid choice"):
        call_command("createcurator", "x", "--role", "admin", "--noinput")
