"""The roles curators, editors and analysts work in, as Django groups.

* Curator: adds and changes records (and submits them for review), sees drafts.
* Editor: all a curator does, plus deleting, publishing and withdrawing.
* Analyst: reads everything, drafts included, through the API.
The public (anonymous users) reads published records only, and needs no group.

The groups are created by a data migration and kept complete after every migrate, so a
model added later joins them without a hand-written migration.
"""

from nkhr.models.publication import PUBLISH_CODENAME, VIEW_UNPUBLISHED_CODENAME


def record_apps() -> list[str]:
    """The apps whose records the roles govern: the core and every app that registers a
    record type (`nkhr.registry`), rows and all."""
    from nkhr.registry import record_types

    return sorted({"nkhr", *(record_type.model._meta.app_label for record_type in record_types())})


ROLES = {
    "Curator": {"actions": ("view", "add", "change"), "extra": (VIEW_UNPUBLISHED_CODENAME,)},
    "Editor": {
        "actions": ("view", "add", "change", "delete"),
        "extra": (VIEW_UNPUBLISHED_CODENAME, PUBLISH_CODENAME),
    },
    "Analyst": {"actions": ("view",), "extra": (VIEW_UNPUBLISHED_CODENAME,)},
}


def sync_roles(group_model, permission_model) -> None:
    """Create the role groups if missing and give them every permission their role implies.

    Takes the models as arguments so a data migration can pass its historical ones."""
    record_permissions = permission_model.objects.filter(
        content_type__app_label__in=record_apps()
    ).exclude(content_type__model__startswith="historical")
    for name, role in ROLES.items():
        group, _ = group_model.objects.get_or_create(name=name)
        codenames = [
            p.codename
            for p in record_permissions
            if p.codename.split("_", 1)[0] in role["actions"] or p.codename in role["extra"]
        ]
        group.permissions.add(*record_permissions.filter(codename__in=codenames))


def sync_roles_after_migrate(sender, **kwargs) -> None:
    from django.contrib.auth.models import Group, Permission

    sync_roles(Group, Permission)
