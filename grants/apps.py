from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GrantsConfig(AppConfig):
    name = "grants"
    verbose_name = _("Funding")
    default_auto_field = "django.db.models.BigAutoField"
    # The records curators open most, first on the admin index (nkhr/admin/index.py).
    admin_opened_first = ("fundingprogramme", "award")

    def ready(self):
        # Registers this app's record types (nkhr/registry.py).
        import grants.records  # noqa: F401
