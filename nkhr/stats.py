"""Counts over the registry: what a dashboard or the public explorer draws.

For every record type (nkhr/registry.py): how many records; for a dated type (its first
partial date, `<name>` beside `<name>_precision`: an actor's `established`, a report's
`date`, a designation's `listed`) how many per year, and per year and kind where it has a
`kind`; and for a type linking to an `authority` or a `treaty`, how many per linked record
and year (designations per authority, state-party reports per treaty).

Computed for one of two audiences: the public (published records only, and only links to
published records, so a withdrawn authority's name is not given away by its count) or the
staff (everything). Each is cached with Django's cache under a generation of its audience,
bumped by a save or deletion again once its transaction commits: a reader that computed
from the old rows stores them under the old generation, which nobody reads again. The
staff's generation moves with every change; the public's only with a change the public
sees (the change feed's `written` says so: a record published before or after, or a row
of one), so curators editing drafts all day do not make the next visitor of the explorer
wait for every aggregate. A change the feed does not follow (a fixture loaded, a restore)
bumps both. A TTL bounds what a process with its own cache (locmem) sees of another's
writes.
"""

import uuid
from collections import defaultdict

from django.conf import settings
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Count
from django.db.models.functions import ExtractYear
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver
from django.utils import translation

from nkhr import changes
from nkhr.models.base import PublicRecord, TimeStampedModel
from nkhr.models.publication import Publication, can_view_unpublished
from nkhr.registry import record_types

GENERATION_KEY = "nkhr:stats:generation"
# The name the aggregates are cached under (`cached`).
STATS = "nkhr:stats"
TIMEOUT = 300
# The links counted per linked record and year, where a type has them.
LINKS = ("authority", "treaty")
PUBLIC, ALL = "public", "all"


def date_field(model) -> str | None:
    """The first partial date `model` declares (a date with its `_precision`), or None."""
    names = {field.name for field in model._meta.concrete_fields}
    for field in model._meta.concrete_fields:
        if isinstance(field, models.DateField) and f"{field.name}_precision" in names:
            return field.name
    return None


def has_field(model, name: str) -> bool:
    return any(field.name == name for field in model._meta.concrete_fields)


def record_label(model, pk, values: dict) -> str:
    for name in ("name", "title"):
        if values.get(name):
            return values[name]
    return str(pk)


def _generation(audience: str) -> str:
    key = f"{GENERATION_KEY}:{audience}"
    generation = cache.get(key)
    if generation is None:
        generation = uuid.uuid4().hex
        # add(): two processes starting at once agree on one generation.
        cache.add(key, generation, None)
        generation = cache.get(key, generation)
    return generation


def invalidate(audiences: tuple[str, ...] = (PUBLIC, ALL)) -> None:
    """Start a new generation for `audiences`: their cached aggregates are stale."""
    cache.set_many({f"{GENERATION_KEY}:{audience}": uuid.uuid4().hex for audience in audiences})


def audience_of(user) -> str:
    return ALL if can_view_unpublished(user) else PUBLIC


def _key(name: str, audience: str) -> str:
    return f"{name}:{audience}:{_generation(audience)}"


def cached(name: str, audience: str, function):
    """`function()`, cached for `audience` until the next save or deletion of a record or
    row (or TIMEOUT): for any aggregate over the records (the explorer's too)."""
    key = _key(name, audience)
    found = cache.get(key)
    if found is None:
        found = function()
        cache.set(key, found, TIMEOUT)
    return found


def cached_only(name: str, audience: str):
    """What `cached(name, audience, …)` holds now, or None: for a reader that would rather
    count a little itself than compute every aggregate for the first visitor after a save."""
    return cache.get(_key(name, audience))


def stats_for(user=None, audience: str | None = None) -> dict:
    """The aggregates `user` may see (the public's without a user), cached."""
    audience = audience or audience_of(user)
    return cached(STATS, audience, lambda: compute(published_only=audience == PUBLIC))


def compute(published_only: bool = True) -> dict:
    """The aggregates, uncached: a few grouped queries per record type."""
    # Names in the project's language whoever asks first: they are cached for everyone.
    with translation.override(settings.LANGUAGE_CODE):
        return _compute(published_only)


def _compute(published_only: bool) -> dict:
    types, years, kinds, links = [], [], [], []
    for record_type in record_types():
        model = record_type.model
        records = model._default_manager.all()
        if published_only:
            records = records.published()
        types.append(
            {
                "type": record_type.prefix,
                "name": str(model._meta.verbose_name_plural),
                "count": records.count(),
            }
        )
        dated = date_field(model)
        if dated is None:
            continue
        with_year = records.filter(**{f"{dated}__isnull": False}).annotate(year=ExtractYear(dated))
        if has_field(model, "kind"):
            # The years are summed from the kinds: one grouped read of the table, not two
            # (each is a few hundred milliseconds at a million records).
            grouped = with_year.values("year", "kind").annotate(count=Count("pk"))
            per_year_total: dict = {}
            for row in grouped.order_by("year", "kind"):
                kinds.append({"type": record_type.prefix, **row})
                per_year_total[row["year"]] = per_year_total.get(row["year"], 0) + row["count"]
            for year, count in sorted(per_year_total.items()):
                years.append({"type": record_type.prefix, "year": year, "count": count})
        else:
            for row in with_year.values("year").annotate(count=Count("pk")).order_by("year"):
                years.append({"type": record_type.prefix, **row})
        for link in LINKS:
            if has_field(model, link):
                links += _link_counts(record_type.prefix, model, with_year, link, published_only)
    return {"types": types, "years": years, "kinds": kinds, "links": links}


def _link_counts(prefix, model, with_year, link, published_only) -> list[dict]:
    target = model._meta.get_field(link).related_model
    rows = with_year.filter(**{f"{link}__isnull": False})
    if published_only and issubclass(target, PublicRecord):
        rows = rows.filter(**{f"{link}__publication": Publication.PUBLISHED})
    grouped = list(rows.values("year", link).annotate(count=Count("pk")).order_by(link, "year"))
    name_columns = [name for name in ("name", "title") if has_field(target, name)]
    names = {
        values["pk"]: record_label(target, values["pk"], values)
        for values in target._base_manager.filter(pk__in={row[link] for row in grouped}).values(
            "pk", *name_columns
        )
    }
    return [
        {
            "type": prefix,
            "field": link,
            "id": row[link],
            "name": names.get(row[link], str(row[link])),
            "year": row["year"],
            "count": row["count"],
        }
        for row in grouped
    ]


def counts_by_type(stats: dict) -> dict[str, int]:
    return {row["type"]: row["count"] for row in stats["types"]}


def per_year(rows, key) -> dict:
    """`{key(row): {year: count}}` of stats rows."""
    table = defaultdict(dict)
    for row in rows:
        table[key(row)][row["year"]] = table[key(row)].get(row["year"], 0) + row["count"]
    return dict(table)


def _changed(audiences: tuple[str, ...], using: str | None = None) -> None:
    invalidate(audiences)
    # And again once the change is visible to others: a reader that read the rows in
    # between stored them under the generation ended here.
    transaction.on_commit(lambda: invalidate(audiences), using=using)


def _audiences(instance, raw: bool) -> tuple[str, ...]:
    """Whose aggregates a save or deletion of `instance` makes stale here: the staff's,
    and the public's too unless the change feed follows it (and says, `_feed_written`)."""
    return (ALL,) if changes.tracks(instance, raw) else (PUBLIC, ALL)


@receiver(post_save, dispatch_uid="nkhr_stats_saved")
def _saved(sender, instance, raw=False, using=None, **kwargs):
    if isinstance(instance, TimeStampedModel):
        _changed(_audiences(instance, raw), using)


@receiver(post_delete, dispatch_uid="nkhr_stats_deleted")
def _deleted(sender, instance, using=None, **kwargs):
    if isinstance(instance, TimeStampedModel):
        _changed(_audiences(instance, False), using)


@receiver(m2m_changed, dispatch_uid="nkhr_stats_m2m")
def _linked(sender, instance, action, using=None, **kwargs):
    if action.startswith("post_") and isinstance(instance, TimeStampedModel):
        raw = getattr(instance, "_change_raw", False)
        _changed(_audiences(instance, raw), using)


@receiver(changes.written, dispatch_uid="nkhr_stats_feed_written")
def _feed_written(sender, public, using=None, **kwargs):
    if public:
        _changed((PUBLIC,), using)
