"""The change history of every record and row: who, when, through which channel, what.

django-simple-history keeps a full snapshot of each version; this module adds the
channel a change came through (admin, API, import, management command), set from a
context variable by `ChannelMiddleware` for requests and by `recording_channel()` for
imports and commands, and makes saves through proxy models (a `SanctionsRegime` is an
`Instrument`) recorded like saves of the concrete model.
"""

import contextvars
from contextlib import contextmanager

from django.core.exceptions import ObjectDoesNotExist
from django.db import models
from django.db.models import F, Q, Window
from django.db.models.functions import RowNumber
from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record


class Channel(models.TextChoices):
    ADMIN = "admin", _("admin")
    API = "api", _("API")
    IMPORT = "import", _("bulk import")
    COMMAND = "command", _("management command")
    FIXTURE = "fixture", _("initial data")


_current_channel: contextvars.ContextVar[str] = contextvars.ContextVar(
    "nkhr_history_channel", default=Channel.COMMAND
)


@contextmanager
def recording_channel(channel: str):
    """Record every change made inside the block as coming through `channel`."""
    token = _current_channel.set(channel)
    try:
        yield
    finally:
        _current_channel.reset(token)


class ChannelMiddleware:
    """Tags changes made by admin and API requests with their channel."""

    PREFIXES = (("/admin/", Channel.ADMIN), ("/api/", Channel.API))

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        channel = next(
            (name for prefix, name in self.PREFIXES if request.path.startswith(prefix)),
            Channel.COMMAND,
        )
        with recording_channel(channel):
            return self.get_response(request)


class HistoricalChannel(models.Model):
    """Abstract base of every historical model: the channel column."""

    history_channel = models.CharField(
        _("channel"), max_length=10, choices=Channel.choices, default=Channel.COMMAND
    )

    class Meta:
        abstract = True


@receiver(pre_create_historical_record, dispatch_uid="nkhr_history_channel")
def _stamp_channel(sender, history_instance, **kwargs):
    history_instance.history_channel = _current_channel.get()


class RecordHistory(HistoricalRecords):
    """HistoricalRecords that also follows proxies of the models it tracks.

    Django sends save and delete signals with the proxy class as sender, so without this a
    regime saved as a `SanctionsRegime` would leave no trace in the instrument's history.
    """

    def finalize(self, sender, **kwargs):
        if sender._meta.proxy:
            if self.inherit and issubclass(sender, self.cls):
                post_save.connect(self.post_save, sender=sender, weak=False)
                pre_delete.connect(self.pre_delete, sender=sender, weak=False)
                post_delete.connect(self.post_delete, sender=sender, weak=False)
                # The proxy inherits the `history` manager; saying so on its options lets
                # simple-history's admin views and utilities find it (a Resolution's history
                # page lists the instrument's versions).
                sender._meta.simple_history_manager_attribute = self.manager_name
            return
        # One declaration on the base of every record and row excludes the search
        # document's columns; each model's twin is made excluding those it has.
        declared = self.excluded_fields
        names = {field.name for field in sender._meta.local_fields}
        names |= {
            field.name for parent in sender._meta.parents for field in parent._meta.local_fields
        }
        self.excluded_fields = [name for name in declared if name in names]
        try:
            super().finalize(sender, **kwargs)
        finally:
            self.excluded_fields = declared


def is_history_model(model) -> bool:
    """A historical twin made by django-simple-history (it knows its tracked model)."""
    return hasattr(model, "instance_type")


def tracked_models():
    """Every model whose changes are recorded (concrete models with a history manager)."""
    from django.apps import apps

    return [
        model
        for model in apps.get_models()
        if not model._meta.proxy and hasattr(model._meta, "simple_history_manager_attribute")
    ]


def record_initial_versions(channel: str, reason: str, batch_size: int = 2000) -> int:
    """Give every row that has no history yet a first version (after a fixture load, which
    saves rows raw and so bypasses the history signals). Returns the versions written."""
    written = 0
    for model in tracked_models():
        history = model.history
        recorded = history.values("id")
        missing = model._base_manager.exclude(pk__in=recorded)
        batch = list(missing[:batch_size])
        while batch:
            history.bulk_history_create(
                batch,
                default_change_reason=reason,
                custom_historical_attrs={"history_channel": channel},
            )
            written += len(batch)
            batch = list(missing[:batch_size])
    return written


def is_tracked(model) -> bool:
    """Whether changes to `model` (or, for a proxy, its concrete model) are recorded."""
    return hasattr(model._meta, "simple_history_manager_attribute")


def dependent_rows(model, pk) -> list[tuple[type[models.Model], dict]]:
    """The rows that live and die with the record `pk` of `model`, as `(row model, lookup)`
    pairs that select them in the row model's history: rows whose foreign key to the record
    cascades (aliases, bill actions, provisions …) and its citations (a generic relation,
    which Django deletes with the record too)."""
    from django.contrib.contenttypes.fields import GenericRelation
    from django.contrib.contenttypes.models import ContentType

    concrete = model._meta.concrete_model
    found = []
    for relation in concrete._meta.related_objects:
        row_model = relation.related_model
        if relation.many_to_many or relation.on_delete is not models.CASCADE:
            continue
        if is_tracked(row_model):
            found.append((row_model, {relation.field.attname: pk}))
    for field in concrete._meta.private_fields:
        if isinstance(field, GenericRelation) and is_tracked(field.related_model):
            content_type = ContentType.objects.get_for_model(
                concrete, for_concrete_model=field.for_concrete_model
            )
            row_opts = field.related_model._meta
            found.append(
                (
                    field.related_model,
                    {
                        row_opts.get_field(field.content_type_field_name).attname: content_type.pk,
                        field.object_id_field_name: str(pk),
                    },
                )
            )
    return found


def related_field_names(historical_model) -> list[str]:
    """The foreign keys of a historical model, for `select_related`: the objects a version's
    text and its changes name come with the versions, not one query each."""
    return [
        field.name
        for field in historical_model._meta.concrete_fields
        if field.many_to_one and field.name != "history_user"
    ]


def instance_of(version):
    """The record or row as it was in `version`, with the related objects the version was
    loaded with (select_related) already in place, so its text costs no query."""
    instance = version.instance
    for field in instance._meta.concrete_fields:
        if not field.many_to_one:
            continue
        versioned_field = version._meta.get_field(field.name)
        if versioned_field.is_cached(version):
            field.set_cached_value(instance, versioned_field.get_cached_value(version))
    return instance


def numbered_versions(history, pk_name: str):
    """`history` (versions of one or more records or rows) with `version_number`: 1 for each
    record's first version, 2 for its second …, counted over all its versions whatever part
    of them is read. Curators say "version 3 of this record", not a global history id."""
    return history.annotate(
        version_number=Window(
            RowNumber(),
            partition_by=[F(pk_name)],
            order_by=[F("history_date").asc(), F("history_id").asc()],
        )
    )


def version_number(version) -> int:
    """The number of `version` among the versions of its own record (1 for the first)."""
    opts = version.instance_type._meta
    pk_name = opts.pk.attname
    earlier = Q(history_date__lt=version.history_date) | Q(
        history_date=version.history_date, history_id__lt=version.history_id
    )
    versions = type(version)._default_manager.filter(**{pk_name: getattr(version, pk_name)})
    return versions.filter(earlier).count() + 1


def link_fields(model) -> list:
    """The many-to-many fields whose links are recorded with each version of `model` (its
    `_history_m2m_fields`, django-simple-history's declaration)."""
    concrete = model._meta.concrete_model
    return [concrete._meta.get_field(name) for name in getattr(concrete, "_history_m2m_fields", ())]


def links_of_version(version) -> dict[str, list]:
    """{field name: ids of the linked records} as `version` recorded its links."""
    links = {}
    for field in link_fields(version.instance_type):
        rows = getattr(version, field.name).all()
        target = field.m2m_reverse_field_name()
        links[field.name] = sorted(
            getattr(row, row._meta.get_field(target).attname) for row in rows
        )
    return links


def version_label(version) -> str:
    """How the record or row of `version` reads (its `__str__` as it was then); its id when
    something that text needs is gone."""
    try:
        return str(instance_of(version))
    except ObjectDoesNotExist:
        opts = version.instance_type._meta
        return f"{opts.verbose_name} {getattr(version, opts.pk.attname)}"
