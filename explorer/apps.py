from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExplorerConfig(AppConfig):
    """The public explorer: a read-only website over the published records."""

    name = "explorer"
    verbose_name = _("Explorer")
