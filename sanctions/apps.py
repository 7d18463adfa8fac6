from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SanctionsConfig(AppConfig):
    name = "sanctions"
    verbose_name = _("Sanctions")
    default_auto_field = "django.db.models.BigAutoField"
    # The records curators open most, first on the admin index (nkhr/admin/index.py).
    admin_opened_first = ("designation", "designationround", "sanctionsregime")

    def ready(self):
        # Registers this app's record types (nkhr/registry.py).
        import sanctions.records  # noqa: F401
