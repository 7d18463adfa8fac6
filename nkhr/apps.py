from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NkhrConfig(AppConfig):
    name = "nkhr"
    verbose_name = _("Core records")
    default_auto_field = "django.db.models.BigAutoField"
    # The records curators open most, first on the admin index (nkhr/admin/index.py).
    admin_opened_first = ("actor", "legislation", "event", "recommendation", "instrument", "source")

    def ready(self):
        from django.db.models.signals import post_migrate

        # Registers the core's record types (nkhr/registry.py); the other apps register
        # theirs from their own ready().
        import nkhr.records  # noqa: F401
        from nkhr import documents

        # Every record's search document follows its changes (nkhr/documents.py).
        documents.connect()
        from nkhr import changes

        # Every change to a record is logged for the change feed (nkhr/changes.py).
        changes.connect()
        # The cached aggregates (nkhr/stats.py) follow every save and deletion.
        from nkhr import stats  # noqa: F401
        from nkhr.roles import sync_roles_after_migrate

        # Runs after the permissions of every app exist (auth connects its own handler first).
        post_migrate.connect(sync_roles_after_migrate, dispatch_uid="nkhr_sync_roles")
