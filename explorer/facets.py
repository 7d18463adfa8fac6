"""Narrowing a search's hits by type and by what they are about: authority, regime,
country and year.

Nothing here names a record type. A type is narrowed by a dimension when its API list
counts by it (`nkhr.api.filtering.facets_of`: a designation by `authority` and `regime`, an
actor by `country`), and by the year of its first partial date (`nkhr.stats.date_field`: a
designation's listing, a report's date). The values are read with one query per type among
the hits, whatever their number; a linked record the public may not see is no value.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from nkhr.api.filtering import facets_of, label_column
from nkhr.models import Publication
from nkhr.stats import date_field

# The dimensions, in the order the page shows them, with their headings.
DIMENSIONS = {
    "type": _("Type"),
    "authority": _("Authority"),
    "regime": _("Sanctions regime"),
    "country": _("Country"),
    "year": _("Year"),
}
# Values shown per dimension (the most frequent first): a facet is an overview.
SHOWN = 12


@dataclass
class Dimension:
    """One way to narrow the hits: its values with their counts, and the chosen one."""

    name: str
    title: str
    values: list[dict] = field(default_factory=list)
    chosen: str = ""


def _paths(record_type) -> dict[str, tuple[str, str]]:
    """`dimension -> (ORM path, kind)` for `record_type`."""
    offered = facets_of(record_type.filterset) if record_type.filterset is not None else {}
    paths = {
        name: (offered[name].path, offered[name].kind)
        for name in ("authority", "regime", "country")
        if name in offered
    }
    dated = date_field(record_type.model)
    if dated is not None:
        paths["year"] = (dated, "year")
    return paths


def _read(record_type, ids: list[str]) -> dict[str, dict[str, tuple[str, str]]]:
    """`public id -> dimension -> (value, label)` of the records `ids` of `record_type`."""
    paths = _paths(record_type)
    if not paths:
        return {}
    model = record_type.model
    columns = ["pk"]
    labels = {}
    for name, (path, kind) in paths.items():
        if kind == "link":
            related = model
            for part in path.split("__"):
                related = related._meta.get_field(part).related_model
            labels[name] = f"{path}__{label_column(related) or 'pk'}"
            columns += [f"{path}__pk", labels[name], f"{path}__publication"]
        else:
            columns.append(path)
    country_names = {}
    if "country" in paths:
        country_names = dict(model._meta.get_field(paths["country"][0]).flatchoices)
    found = {}
    for row in model._default_manager.filter(pk__in=ids).values(*columns):
        values = {}
        for name, (path, kind) in paths.items():
            if kind == "link":
                if row[f"{path}__pk"] and row[f"{path}__publication"] == Publication.PUBLISHED:
                    values[name] = (row[f"{path}__pk"], row[labels[name]])
            elif kind == "year":
                if row[path] is not None:
                    year = str(row[path].year)
                    values[name] = (year, year)
            elif row[path]:
                values[name] = (row[path], str(country_names.get(row[path], row[path])))
        found[row["pk"]] = values
    return found


def narrow(hits: list[dict], known: dict, chosen: dict[str, str]) -> tuple[list, list]:
    """`hits` (each with its `resource` prefix and public `id`) narrowed to those that hold
    every `chosen` value (`type` is the resource's prefix), and the dimensions with their
    counts: each among the hits narrowed by the other choices, so that a choice can be
    changed without first being undone."""
    ids = defaultdict(list)
    for hit in hits:
        ids[hit["resource"]].append(hit["id"])
    values = {}
    for prefix, some in ids.items():
        for pk, held in _read(known[prefix], some).items():
            values[prefix, pk] = held
    for hit in hits:
        held = values.setdefault((hit["resource"], hit["id"]), {})
        held["type"] = (
            hit["resource"],
            str(known[hit["resource"]].model._meta.verbose_name_plural),
        )

    def holds(hit, skip=None):
        held = values[hit["resource"], hit["id"]]
        return all(
            held.get(name, ("",))[0] == wanted
            for name, wanted in chosen.items()
            if wanted and name != skip
        )

    dimensions = []
    for name, title in DIMENSIONS.items():
        counts, labels = Counter(), {}
        for hit in hits:
            held = values[hit["resource"], hit["id"]]
            if name in held and holds(hit, skip=name):
                value, label = held[name]
                counts[value] += 1
                labels[value] = label
        if not counts:
            continue
        if name == "year":
            ordered = sorted(counts.items(), reverse=True)
        else:
            ordered = sorted(counts.items(), key=lambda item: (-item[1], str(labels[item[0]])))
        shown = ordered[:SHOWN]
        # A chosen value stays on the list even when it is not among the most frequent.
        wanted = chosen.get(name, "")
        if wanted in counts and all(value != wanted for value, _count in shown):
            shown.append((wanted, counts[wanted]))
        dimensions.append(
            Dimension(
                name,
                str(title),
                [
                    {"value": value, "label": labels[value], "count": count}
                    for value, count in shown
                ],
                chosen=wanted,
            )
        )
    return [hit for hit in hits if holds(hit)], dimensions
