"""How the explorer reads a record of any registered type: its page's URL, its name, its
fields in plain words, its rows, what points at it and its citations. Everything goes
through the registry (nkhr/registry.py) and the publication rules: a record the public may
not see is neither shown nor linked nor named.

Each part of a page is one query (a relation's rows, a reference's records, the
citations), so a page's queries depend on its type, never on how much points at it.
"""

from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.urls import reverse

from explorer.dates import partial_date
from nkhr.api.registry import basename_for, record_name
from nkhr.models import Citation
from nkhr.models.base import PublicRecord, TimeStampedModel
from nkhr.models.publication import Publication
from nkhr.models.rows import NameRow
from nkhr.registry import record_types, references_to
from nkhr.stats import has_field

# Records shown under each heading of a page before "and N more".
SHOWN = 50
# Columns never shown: ids, search keys, timestamps, the publication state (always
# "published" here).
HIDDEN_FIELDS = {"id", "created", "updated", "publication"}


def record_type_by_prefix(prefix: str):
    for record_type in record_types():
        if record_type.prefix == prefix:
            return record_type
    return None


def _prefixes() -> dict[str, str]:
    return {record_type.basename: record_type.prefix for record_type in record_types()}


def page_url(model, pk, kind: str | None = None) -> str | None:
    """The explorer page of record `pk` of `model`: an instrument of a kind with a type of
    its own (a sanctions regime) under that type's prefix."""
    basename = basename_for(model, kind)
    prefix = _prefixes().get(basename)
    if prefix is None:
        return None
    if prefix not in _PATHS:
        # Reversed once per type: a timeline links hundreds of records.
        _PATHS[prefix] = reverse("explorer:record", kwargs={"prefix": prefix, "pk": _PK})
    return _PATHS[prefix].replace(_PK, str(pk))


_PK = "public-id-placeholder"
_PATHS: dict[str, str] = {}


def url_of(record) -> str | None:
    return page_url(type(record), record.pk, getattr(record, "kind", None))


def is_public(record) -> bool:
    publication = getattr(record, "publication", None)
    return publication is None or publication == Publication.PUBLISHED


def published(queryset):
    """`queryset` without what the public may not see: its own unpublished records."""
    if has_field(queryset.model, "publication"):
        queryset = queryset.filter(publication=Publication.PUBLISHED)
    return queryset


@dataclass
class Link:
    url: str | None
    name: str


def link(record) -> Link | None:
    """A link to `record`, or None if the public may not see it."""
    if record is None or not is_public(record):
        return None
    return Link(url_of(record) if isinstance(record, PublicRecord) else None, name_of(record))


def name_of(record) -> str:
    # A designation's name is made of its target's and regime's: never a hidden one's.
    return record_name(record, None) if isinstance(record, PublicRecord) else str(record)


@dataclass
class Value:
    """One field of a record in plain words: its label and its text, link or date."""

    label: str
    text: str = ""
    link: Link | None = None
    url: str = ""
    date: object = None
    long: bool = False


def _is_precision(model, f) -> bool:
    return f.name.endswith("_precision") and has_field(model, f.name.removesuffix("_precision"))


def shown_fields(model, exclude=()) -> list[models.Field]:
    """The columns a page shows of `model`, in declaration order."""
    return [
        f
        for f in model._meta.concrete_fields
        if f.name not in HIDDEN_FIELDS
        and f.name not in exclude
        and (f.editable or f.is_relation)
        and not _is_precision(model, f)
        and not (f.is_relation and not issubclass(f.related_model, TimeStampedModel))
    ]


def values_of(record, exclude=()) -> list[Value]:
    """`record`'s fields with a value the public may see, in plain words."""
    model = type(record)
    found = []
    for f in shown_fields(model, exclude):
        label = str(f.verbose_name)
        label = label[:1].upper() + label[1:]
        if f.is_relation:
            target = getattr(record, f.name)
            shown = link(target)
            if shown is not None:
                found.append(Value(label, link=shown))
            continue
        value = getattr(record, f.attname)
        if value in (None, ""):
            continue
        if isinstance(f, models.DateField) and has_field(model, f"{f.name}_precision"):
            found.append(Value(label, date=partial_date(record.partial_date(f.name))))
        elif f.choices:
            found.append(Value(label, text=str(getattr(record, f"get_{f.name}_display")())))
        elif hasattr(value, "name") and hasattr(value, "code"):  # a country
            found.append(Value(label, text=str(value.name)))
        elif isinstance(f, models.URLField):
            found.append(Value(label, url=value, text=value))
        else:
            found.append(Value(label, text=str(value), long=isinstance(f, models.TextField)))
    return found


def related_fields(model) -> list[models.Field]:
    return [f for f in shown_fields(model) if f.is_relation]


@dataclass
class Section:
    """A heading of a record's page and the records or rows under it."""

    label: str
    items: list = field(default_factory=list)
    more: int = 0


def many_to_many(record) -> list[Section]:
    """The records `record` links to many at a time (an event's participants, a bill's
    sponsors), the public ones: one query per relation."""
    sections = []
    for f in type(record)._meta.many_to_many:
        if not issubclass(f.related_model, PublicRecord):
            continue
        queryset = published(getattr(record, f.name).all())[: SHOWN + 1]
        links = [link(item) for item in queryset]
        if links:
            label = str(f.verbose_name)
            sections.append(Section(label[:1].upper() + label[1:], links[:SHOWN]))
    return sections


def _covered(model) -> set[tuple[type, str]]:
    """(pointing model, field) of the references declared to `model`."""
    return {(ref.pointing_model, ref.field) for ref in references_to(model)}


def row_relations(model) -> list:
    """The reverse relations of `model` whose rows belong on its page (an actor's aliases, a
    bill's actions): rows of no record type, not citations, not declared as references."""
    registered = {record_type.model for record_type in record_types()}
    registered |= {m._meta.concrete_model for m in registered}
    covered = _covered(model) | _covered(model._meta.concrete_model)
    relations = []
    for relation in model._meta.related_objects:
        related = relation.related_model
        if (
            relation.one_to_many
            and issubclass(related, TimeStampedModel)
            and related not in registered
            and related is not Citation
            and (related, relation.field.name) not in covered
        ):
            relations.append(relation)
    return relations


@dataclass
class Rows:
    label: str
    columns: list[str]
    rows: list[list[Value | None]]


def rows_of(record, listed=()) -> list[Rows]:
    """Each row relation's rows (one query each), as a table of their shown fields; but
    not those of `listed` ((model, field) pairs the page shows otherwise)."""
    tables = []
    for relation in row_relations(type(record)):
        if (relation.related_model, relation.field.name) in listed:
            continue
        related = relation.related_model
        parent = relation.field.name
        shown = shown_fields(related, exclude={parent})
        # A row's name (an alias) first, then its dates, as it is read; its position in
        # the list (`order`) is the order shown, not a fact.
        shown = [f for f in shown if f.name != "order"]
        shown.sort(
            key=lambda f: (f.name not in ("name", "title"), not isinstance(f, models.DateField))
        )
        queryset = published(related._default_manager.filter(**{parent: record.pk}))
        links = [f.name for f in shown if f.is_relation]
        if links:
            queryset = queryset.select_related(*links)
        items = list(queryset[:SHOWN])
        if not items:
            continue
        table = [values_of(item, exclude={parent}) for item in items]
        columns = [str(f.verbose_name) for f in shown]
        rows = []
        for values in table:
            by_label = {value.label.casefold(): value for value in values}
            rows.append([by_label.get(column.casefold()) for column in columns])
        # Only the columns some row fills.
        keep = [i for i in range(len(columns)) if any(row[i] for row in rows)]
        label = str(related._meta.verbose_name_plural)
        tables.append(
            Rows(
                label[:1].upper() + label[1:],
                [columns[i][:1].upper() + columns[i][1:] for i in keep],
                [[row[i] for i in keep] for row in rows],
            )
        )
    return tables


def referenced_by(record) -> list[Section]:
    """What points at `record` (the registry's references), public records only: one query
    per reference."""
    sections = []
    for ref in references_to(type(record)):
        pointing = ref.pointing_model
        queryset = published(pointing._default_manager.filter(**{ref.field: record.pk}))
        select = [*ref.select_related, *([ref.show] if ref.show else [])]
        if not ref.show and has_field(pointing, "authority") and "authority" not in select:
            select.append("authority")  # named beside each link (`_detail`)
        queryset = queryset.select_related(*select)
        shown_model = pointing._meta.get_field(ref.show).related_model if ref.show else None
        if shown_model is not None and has_field(shown_model, "publication"):
            # A sponsorship of a draft bill: the bill is what would be shown.
            queryset = queryset.filter(**{f"{ref.show}__publication": Publication.PUBLISHED})
        rows = list(queryset[: SHOWN + 1])
        items = []
        for row in rows[:SHOWN]:
            shown = getattr(row, ref.show) if ref.show else row
            item = link(shown)
            if item is not None:
                items.append((item, _detail(shown)))
        if items:
            label = str(ref.label)
            sections.append(
                Section(label[:1].upper() + label[1:], items, max(0, len(rows) - SHOWN))
            )
    return sections


def _detail(record) -> str:
    """A few words beside a link: the record's first date, and who made it (authority)."""
    parts = []
    for name in ("authority",):
        target = getattr(record, name, None) if has_field(type(record), name) else None
        if target is not None and is_public(target):
            parts.append(name_of(target))
    for f in type(record)._meta.concrete_fields:
        if isinstance(f, models.DateField) and has_field(type(record), f"{f.name}_precision"):
            date = record.partial_date(f.name)
            if date is not None:
                parts.append(str(partial_date(date)))
                break
    return " · ".join(parts)


@dataclass
class CitationLine:
    source: Link | None
    source_url: str
    locator: str
    quote: str
    note: str


def citations_of(record) -> list[CitationLine]:
    """The record's citations whose source the public may see, with the source (one query)."""
    content_type = ContentType.objects.get_for_model(type(record), for_concrete_model=True)
    citations = Citation.objects.filter(
        content_type=content_type,
        object_id=record.pk,
        source__publication=Publication.PUBLISHED,
    ).select_related("source")
    return [
        CitationLine(
            link(citation.source),
            citation.source.url,
            citation.locator,
            citation.quote,
            citation.note,
        )
        for citation in citations
    ]


@dataclass
class Wording:
    """A source's own wording of a record's name, where it differs from the record's."""

    name: str
    source: Link | None
    locator: str


def official_name(record) -> str:
    """The name a record goes by officially: a law's short title, else its name."""
    return getattr(record, "short_title", "") or name_of(record)


def wordings_of(record) -> list[Wording]:
    """How sources write the record's name (its names kept "as written in a source"), so
    that the page shows the paper's wording beside the official one: one query per kind of
    name row (an actor's aliases, a law's names)."""
    official = official_name(record)
    found = []
    for relation in row_relations(type(record)):
        related = relation.related_model
        if not issubclass(related, NameRow):
            continue
        rows = published(
            related._default_manager.filter(
                **{relation.field.name: record.pk, "kind": NameRow.Kind.AS_CITED}
            )
        ).select_related("source")
        found += [
            Wording(row.name, link(row.source), row.locator) for row in rows if row.name != official
        ]
    return found


def page_queryset(model):
    """The public records of `model` with their to-one links loaded."""
    return published(model._default_manager.all()).select_related(
        *[f.name for f in related_fields(model)]
    )
