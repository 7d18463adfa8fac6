"""Create the Curator, Editor and Analyst groups with their permissions."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from nkhr.roles import ROLES, sync_roles


def create_roles(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now so the groups get them.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("nkhr", "0002_history_and_publication"),
        ("mechanisms", "0003_history_and_publication"),
        ("sanctions", "0002_history_and_publication"),
        ("grants", "0003_history_and_publication"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
