from django.apps import AppConfig


class ThrowawayConfig(AppConfig):
    """A record type that exists only to prove that registering a type is all it takes
    (tests/test_registry_throwaway.py); installed by tests/throwaway/settings.py alone."""

    name = "tests.throwaway"
    label = "throwaway"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from tests.throwaway import records  # noqa: F401
