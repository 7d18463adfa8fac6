"""Create a login in one of the team's role groups (nkhr/roles.py).

    manage.py createcurator alice --role editor            # asks for the password twice
    manage.py createcurator bob --role analyst --password-from-env BOB_PASSWORD
    NKHR_PASSWORD='…' manage.py createcurator carol --noinput     # role: curator

* curator: adds and changes records, submits them for review, sees drafts.
* editor: a curator who also publishes, withdraws, returns to draft, deletes and restores.
* analyst: reads everything, drafts included.
Every login made here is staff, so it can sign in to the admin and manage its own API token
there ("My API token"); an analyst's permissions are view-only, so the admin shows records
read-only. None is a superuser. The password must pass the project's password validators.
"""

import getpass
import os
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from nkhr.roles import ROLES

PASSWORD_VARIABLE = "NKHR_PASSWORD"
ROLE_CHOICES = [name.lower() for name in ROLES]
PROMPT_TRIES = 3


class Command(BaseCommand):
    help = "Create a staff login in the curator, editor or analyst group."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=ROLE_CHOICES, default="curator")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--password-from-env",
            metavar="VARIABLE",
            help="Read the password from this environment variable.",
        )
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help=f"Never prompt: the password comes from ${PASSWORD_VARIABLE} "
            "(or --password-from-env).",
        )

    def handle(self, *args, username, role, email, password_from_env, interactive, **options):
        user_model = get_user_model()
        username = self._valid_username(user_model, username)
        group = Group.objects.filter(name=role.capitalize()).first()
        if group is None:
            raise CommandError(
                f"The {role.capitalize()} group is missing: run `manage.py migrate`."
            )
        user = user_model(username=username, email=email, is_staff=True)
        password = self._password(user, password_from_env, interactive)
        user.set_password(password)
        with transaction.atomic():
            user.save()
            user.groups.add(group)
        self.stdout.write(f"Created the {role} login {username!r}.")

    def _valid_username(self, user_model, username: str) -> str:
        field = user_model._meta.get_field(user_model.USERNAME_FIELD)
        try:
            username = field.clean(username, None)
        except ValidationError as exc:
            raise CommandError(f"Username {username!r}: {' '.join(exc.messages)}") from exc
        if user_model._default_manager.filter(**{user_model.USERNAME_FIELD: username}).exists():
            raise CommandError(
                f"The login {username!r} exists already: change its group or password in the "
                "admin (Authentication and authorization > Users)."
            )
        return username

    def _password(self, user, variable: str | None, interactive: bool) -> str:
        if variable or not interactive:
            variable = variable or PASSWORD_VARIABLE
            password = os.environ.get(variable, "")
            if not password:
                raise CommandError(f"No password: ${variable} is not set or empty.")
            self._validate(password, user)
            return password
        if not sys.stdin.isatty():
            raise CommandError(
                "No terminal to ask for a password: use --noinput with "
                f"${PASSWORD_VARIABLE}, or --password-from-env VARIABLE."
            )
        for _ in range(PROMPT_TRIES):
            password = getpass.getpass("Password: ")
            if password != getpass.getpass("Password (again): "):
                self.stderr.write("The two passwords differ; try again.")
                continue
            try:
                self._validate(password, user)
            except CommandError as exc:
                self.stderr.write(str(exc))
                continue
            return password
        raise CommandError("No password set.")

    @staticmethod
    def _validate(password: str, user) -> None:
        try:
            validate_password(password, user)
        except ValidationError as exc:
            raise CommandError(f"Password refused: {' '.join(exc.messages)}") from exc
