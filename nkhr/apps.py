from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NkhrConfig(AppConfig):
    name = "nkhr"
    verbose_name = _("Core records")
    default_auto_field = "django.db.models.BigAutoField"
