"""The record types of NKHR Records: what each app contributes, declared by the app itself.

A record type is a model with an API resource: its URL prefix under `/api/v1/`, route
basename, viewset, filterset and serializer, and optionally its admin page, its
FollowTheMoney entities, its import resource, its search spec, the choice sets the
OpenAPI schema names, and the "Referenced by" lists its records add to other records'
admin pages. The core (`nkhr`) registers its own types from nkhr/records.py; every other
app registers its types from its own `records.py`, which its `AppConfig.ready()` imports.
The core never imports an app: the API router, the search and export resources, the
FollowTheMoney export and the admin's "Referenced by" lists all loop over this registry.

Types are listed in the order of their `position`, then in registration order (that is,
INSTALLED_APPS order). The positions below 1000 keep the API's historic resource order;
a type registered without one comes after them.
"""

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.utils.text import slugify

# Where a type registered without a position goes: after every type registered with one.
LAST = 1000


@dataclass(frozen=True)
class Reference:
    """Records of `model` ("app_label.Model") whose `field` points at the record on screen.

    `show` names the attribute of each row to list instead of the row itself (a sponsorship
    lists its bill); `select_related` loads what the listed text needs in the same query.
    The page it appears on is that of the model `field` points at.
    """

    model: str
    field: str
    label: str
    show: str | None = None
    select_related: tuple[str, ...] = field(default_factory=tuple)
    # Also listed on the API detail of the record pointed at (as brief links), under the
    # relation's related_name (`accessor`).
    in_api: bool = False
    # Also listed under each record `/api/v1/match/` answers with (an actor screened by
    # name), with these fields of the pointing type's serializer, under `accessor`
    # (`nkhr.screening`): a designation with its regime, authority and measures.
    screened: tuple[str, ...] = ()

    @property
    def pointing_model(self):
        from django.apps import apps

        return apps.get_model(self.model)

    @property
    def accessor(self) -> str:
        """The name the pointed-at record reaches these records by (the relation's
        related_name)."""
        return self.pointing_model._meta.get_field(self.field).remote_field.get_accessor_name()

    @property
    def target(self):
        """The model whose pages list these records."""
        return self.pointing_model._meta.get_field(self.field).related_model


@dataclass(frozen=True)
class RecordType:
    """One record type and everything the shared machinery needs to know about it.

    `ftm` is a callable `(published_only, since) -> iterator of FollowTheMoney entities`
    (nkhr/ftm.py); `search` is the type's `nkhr.search.SearchSpec` (any object for now);
    `enums` names the choice sets its API shows in the OpenAPI schema
    ({"MechanismKindEnum": Mechanism.Kind}); `references` are the "Referenced by" lists
    its records (or rows it owns) add to the pages of the records they point at.
    """

    model: type
    prefix: str = ""
    basename: str = ""
    viewset: type | None = None
    filterset: type | None = None
    serializer: type | None = None
    admin: type | None = None
    ftm: Callable[..., Iterator[dict]] | None = None
    import_resource: type | None = None
    search: Any = None
    enums: Mapping[str, Any] = field(default_factory=dict)
    references: Sequence[Reference] = ()
    position: int = LAST

    def __post_init__(self):
        # A type registered with its model alone is served as its model says
        # (`nkhr.api.generic`): under its plural name, with a serializer, filterset and
        # viewset made from its fields.
        opts = self.model._meta
        if not self.basename:
            object.__setattr__(self, "basename", opts.model_name)
        if not self.prefix:
            object.__setattr__(self, "prefix", slugify(str(opts.verbose_name_plural)))
        if self.viewset is None:
            from nkhr.api.generic import default_viewset

            object.__setattr__(self, "viewset", default_viewset(self.model, self.search))
        # The filterset and serializer default to the viewset's, which is what serves them.
        if self.filterset is None:
            object.__setattr__(self, "filterset", getattr(self.viewset, "filterset_class", None))
        if self.serializer is None:
            object.__setattr__(self, "serializer", getattr(self.viewset, "serializer_class", None))
        # The search spec is declared once, where the filterset that answers `?search=`
        # names it; the admin's key search and the cross-resource search read the same one.
        if self.search is None:
            object.__setattr__(self, "search", getattr(self.filterset, "search_spec", None))

    @property
    def label(self) -> str:
        return self.model._meta.label


_types: list[RecordType] = []
# model -> its references_to(): read by every serializer a request builds, so worked out
# once per model; emptied by register().
_references: dict[type, list[Reference]] = {}


def register(record_type: RecordType) -> RecordType:
    """Add `record_type`; a model, prefix or basename registered twice is a mistake."""
    for registered in _types:
        for attribute in ("model", "prefix", "basename"):
            if getattr(registered, attribute) == getattr(record_type, attribute):
                raise ImproperlyConfigured(
                    f"{record_type.label}: {attribute} {getattr(record_type, attribute)!r} "
                    f"is already registered by {registered.label}."
                )
    if record_type.admin is None:
        # Its admin page too, unless the app registered one itself.
        from nkhr.admin.generic import default_admin

        object.__setattr__(
            record_type, "admin", default_admin(record_type.model, record_type.search)
        )
    _types.append(record_type)
    _references.clear()
    # A stable sort: equal positions keep their registration order.
    _types.sort(key=lambda registered: registered.position)
    return record_type


def record_types() -> list[RecordType]:
    """Every registered type, in `position` order."""
    return list(_types)


def record_type_for(model) -> RecordType | None:
    """The type of `model`: its own registration, else (a proxy) its concrete model's."""
    for registered in _types:
        if registered.model is model:
            return registered
    concrete = model._meta.concrete_model
    if concrete is not model:
        return record_type_for(concrete)
    return None


def references_to(model) -> list[Reference]:
    """The "Referenced by" lists on the pages of `model`: those pointing at it and, for a
    proxy (a treaty is an instrument), those pointing at its concrete model; in the order
    of the declaring types, each type's in the order it declares them."""
    if model not in _references:
        targets = {model, model._meta.concrete_model}
        _references[model] = [
            reference
            for registered in _types
            for reference in registered.references
            if reference.target in targets
        ]
    return list(_references[model])


class EnumNames(Mapping):
    """drf-spectacular's ENUM_NAME_OVERRIDES: `fixed` (choice sets of no record type, named
    in settings) and every type's `enums`, read when the schema is first generated, so the
    settings name no app. A name claimed twice is a mistake."""

    def __init__(self, fixed: Mapping[str, Any]):
        self.fixed = dict(fixed)

    def _names(self) -> dict[str, Any]:
        names = dict(self.fixed)
        for registered in _types:
            for name, choices in registered.enums.items():
                if name in names:
                    raise ImproperlyConfigured(f"{registered.label}: enum {name} named twice.")
                names[name] = choices
        return names

    def __getitem__(self, name):
        return self._names()[name]

    def __iter__(self):
        return iter(self._names())

    def __len__(self):
        return len(self._names())
