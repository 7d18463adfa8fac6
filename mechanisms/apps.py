from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MechanismsConfig(AppConfig):
    name = "mechanisms"
    verbose_name = _("UN mechanisms and reports")
    default_auto_field = "django.db.models.BigAutoField"
    # The records curators open most, first on the admin index (nkhr/admin/index.py).
    admin_opened_first = ("resolution", "treaty", "mechanism", "report")

    def ready(self):
        # Registers this app's record types (nkhr/registry.py).
        import mechanisms.records  # noqa: F401
