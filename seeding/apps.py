from django.apps import AppConfig


class SeedingConfig(AppConfig):
    """No models: installed only so that `manage.py seed_synthetic` is found."""

    name = "seeding"
    verbose_name = "Synthetic records"
    default_auto_field = "django.db.models.BigAutoField"
