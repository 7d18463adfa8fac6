"""The project's settings with the throw-away record type installed."""

from nkhr.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "tests.throwaway"]  # noqa: F405
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    # A test database of its own, beside the suite's.
    DATABASES["default"].setdefault("TEST", {})["NAME"] = "test_nkhr_throwaway"  # noqa: F405
