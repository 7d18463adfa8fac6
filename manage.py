#!/usr/bin/env python
"""Django's command-line utility for NKHR Records."""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "nkhr.settings")
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured
    from django.core.management import execute_from_command_line

    try:
        settings.INSTALLED_APPS  # noqa: B018 - read the settings before any command
    except ImproperlyConfigured as exc:
        # Django's runner would go on without settings and fail later with another error
        # ("Models aren't loaded yet"): the cause (a missing SECRET_KEY) is said instead.
        sys.exit(f"manage.py: {exc}")
    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
