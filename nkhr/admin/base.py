"""Building blocks shared by every admin page of every app.

* `RecordAdmin`: the base ModelAdmin of public records. The public id may be typed (or left
  blank to be made from the name) when a record is added and is read-only afterwards;
  timestamps are read-only; partial dates sit beside their precision; cited records get a
  citations inline; key search and "referenced by" lists come from the mixins below; the
  publication state and its workflow actions come from `nkhr.admin.publication`.
* `RowAdmin`: the base ModelAdmin of rows inside records (aliases, bill actions …) when
  they are browsed on their own.
  Both show each object's history with readable diffs and revert (`nkhr.admin.history`).
* `KeySearchMixin`: search that also compares stored search keys (`name_key`,
  `symbol_key`, `bill_number_key`), so romanization, case and punctuation do not matter.
* `ReferencedByMixin`: read-only lists of the records that point at the one on screen.
* `RowInline` and `CitationInline`: inlines whose rows cost no query each.
* `partial_date_column()`: a changelist column showing a partial date as written.
* `EditVersionAdminMixin`: a change page saved over someone else's newer change is refused,
  with the curator's input kept.
* `PendingChangeAdminMixin`: a curator's change to a published record waits for an editor
  (`nkhr.pending`), and the change page lists the changes waiting.
"""

from collections.abc import Callable, Iterable, Sequence

from django.apps import apps
from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets, quote, unquote
from django.contrib.admin.views.main import PAGE_VAR, ChangeList
from django.contrib.admin.widgets import AutocompleteSelect
from django.contrib.contenttypes.admin import GenericTabularInline
from django.contrib.contenttypes.forms import BaseGenericInlineFormSet
from django.core.exceptions import ValidationError
from django.core.paginator import Page, Paginator
from django.db import models
from django.forms import BaseInlineFormSet, CharField, HiddenInput, ModelForm, Textarea
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter

from nkhr.admin.history import HistoryAdminMixin
from nkhr.admin.merging import MergeAdminMixin
from nkhr.admin.publication import PublicationAdminMixin
from nkhr.concurrency import edit_version, lock_record, page_version
from nkhr.db import distinct_values
from nkhr.models import Citation, CitedRecord
from nkhr.models.base import DOCUMENT_FIELDS, record_links
from nkhr.pending import needs_review, pending_changes_of, propose_change
from nkhr.registry import Reference, references_to
from nkhr.search import (
    BY_IDS,
    BY_ROWS,
    COMMON_ROWS,
    admin_search_condition,
    key_rank,
    page_and_one_more,
)

TIMESTAMP_FIELDS = ("created", "updated")


# --- changelist columns ----------------------------------------------------------------------


def partial_date_column(name: str, description) -> Callable:
    """A list_display column that shows `<name>` as written ("2015-06", not "June 1, 2015"),
    sorted by the underlying date column.

        listed_display = partial_date_column("listed", _("listing date"))
    """

    @admin.display(description=description, ordering=name)
    def column(model_admin, obj):
        return obj.partial_date(name)

    column.__name__ = f"{name}_display"
    return column


def proxy_for_kind(obj):
    """The registered proxy that presents `obj`'s kind (a Resolution for an instrument of
    kind "resolution"), or `obj`'s own model when there is none."""
    model = type(obj)
    kind = getattr(obj, "kind", None)
    for candidate in apps.get_models():
        if (
            candidate._meta.proxy
            and candidate._meta.concrete_model is model
            and getattr(candidate, "kind_value", None) == kind
            and admin.site.is_registered(candidate)
        ):
            return candidate
    return model


def admin_change_url(obj) -> str | None:
    """The admin change page of `obj` (on the page of its kind's proxy, if it has one), or
    None when its model has no admin page."""
    opts = proxy_for_kind(obj)._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj.pk)])
    except NoReverseMatch:
        return None


def admin_link(obj, text=None):
    """`obj` as a link to its change page (plain text when it has none)."""
    text = str(obj) if text is None else text
    url = admin_change_url(obj)
    return format_html('<a href="{}">{}</a>', url, text) if url else text


def filtered_changelist_url(model, lookup: str, value) -> str | None:
    """The changelist of `model` filtered by `lookup=value`, or None without an admin page."""
    opts = model._meta
    try:
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode({lookup: value})}"


# --- search ----------------------------------------------------------------------------------


# An autocomplete of a common term offers the closest names among this many candidates per
# searched column (and every exact name), as the cross-resource search does: nobody scrolls
# through 160,000 "Kim"s; they type more.
AUTOCOMPLETE_CANDIDATES = 500


class KeySearchMixin:
    """Search that also matches stored search keys, written once for every admin.

    `key_search_fields` lists `(lookup path, key function)` pairs: the whole search term is
    turned into a key by the function and matched with `__contains` against the path, in
    addition to the word-by-word `search_fields` search Django's admin does. So "Chong Gyong"
    finds the actor whose name key comes from "Jong Kyong Thaek", and "hr 757" finds H.R.757.

        key_search_fields = ACTOR_SEARCH.key_paths()  # name_key, aliases__name_key

    (the record type's `nkhr.search.SearchSpec`, which the API's search reads too).

    Both are one condition from `nkhr.search`: the ids matching each column, from its index,
    rather than Django's joins (which repeat rows, so the changelist would need DISTINCT
    over every selected column, and which test every row of the joined tables).
    """

    key_search_fields: Sequence[tuple[str, Callable[[str], str]]] = ()
    # A term matching this many rows in some searched column is common: its rows are tested
    # one by one in the listing's order and its pages are not counted (see `get_paginator`).
    common_search_rows = COMMON_ROWS

    def get_search_results(self, request, queryset, search_term):
        autocomplete = _is_autocomplete(request)
        condition, tested_per_row = admin_search_condition(
            self.model,
            search_term,
            self.get_search_fields(request),
            self.key_search_fields,
            common_rows=self.common_search_rows,
            candidates=AUTOCOMPLETE_CANDIDATES if autocomplete else None,
        )
        if condition is None:
            return queryset, False
        request.search_shape = BY_ROWS if tested_per_row else BY_IDS
        # Filtering the incoming queryset keeps the changelist's other filters in force; the
        # condition repeats no row (`pk IN (…)`, or to-many relations tested per row).
        queryset = queryset.filter(condition)
        if autocomplete:
            # The closest names first: typing a name should offer that name at the top.
            rank = key_rank(self.model, search_term, self.key_search_fields)
            ordering = list(queryset.query.order_by) or list(self.model._meta.ordering)
            queryset = queryset.order_by(rank, *ordering, "pk")
        return queryset, False

    def get_paginator(self, request, queryset, per_page, orphans=0, allow_empty_first_page=True):
        # An autocomplete only asks whether there is more (it shows no count): counting
        # would repeat its search over every match.
        by_rows = getattr(request, "search_shape", None) == BY_ROWS
        if (by_rows or _is_autocomplete(request)) and not self.list_editable:
            # Changelists page with `p`, autocomplete with `page`.
            number = request.GET.get(PAGE_VAR) or request.GET.get("page") or 1
            return LookaheadPaginator(
                queryset, per_page, orphans, allow_empty_first_page, page_number=number
            )
        return super().get_paginator(request, queryset, per_page, orphans, allow_empty_first_page)

    def get_changelist(self, request, **kwargs):
        return BoundedChangeList


def _is_autocomplete(request) -> bool:
    match = getattr(request, "resolver_match", None)
    return match is not None and match.url_name == "autocomplete"


class BoundedChangeList(ChangeList):
    """A changelist that offers no "Show all" when its count is a lower bound: a common
    term's matches are read a page at a time."""

    def get_queryset(self, request, exclude_parameters=None):
        queryset = super().get_queryset(request, exclude_parameters)
        # A row's search document (its names again, with every key) is never shown in a
        # list: a hundred of them are most of the bytes a page reads.
        documented = {field.name for field in self.model._meta.concrete_fields}
        return queryset.defer(*(name for name in DOCUMENT_FIELDS if name in documented))

    def get_results(self, request):
        super().get_results(request)
        if getattr(self.paginator, "count_capped", False):
            self.can_show_all = False
            if self.show_all:
                self.result_list = self.paginator.page(self.page_num).object_list


class BoundedCountPaginator(Paginator):
    """Counts at most `count_limit` rows: a changelist needs to know whether there are more
    pages, not that a search for "Kim" matches 220,000 designations. Past the limit the
    count (and so the last page offered) stops at it."""

    count_limit = 10_000

    @cached_property
    def count(self):
        counted = self.object_list.order_by()[: self.count_limit + 1].count()
        self.count_capped = counted > self.count_limit
        return min(counted, self.count_limit)


class LookaheadPaginator(Paginator):
    """For a search of a common term: reads the page asked for and one row past it, in one
    query, instead of counting. Testing rows one by one finds a page of "Kim" among the
    first few hundred designations, but counting ten thousand matches means testing sixty
    thousand rows. The count is what is known (the rows up to this page, and one more if
    there is another page) and `count_capped` says there may be more."""

    count_capped = False

    def __init__(self, *args, page_number=1, **kwargs):
        super().__init__(*args, **kwargs)
        try:
            self.page_number = max(int(page_number), 1)
        except (TypeError, ValueError):
            self.page_number = 1
        self.rows = None

    @cached_property
    def count(self):
        offset = (self.page_number - 1) * self.per_page
        self.rows, count, self.count_capped = page_and_one_more(
            self.object_list, offset, self.per_page
        )
        return count

    def page(self, number):
        number = self.validate_number(number)
        if number == self.page_number and self.rows is not None:
            return Page(self.rows, number, self)
        return super().page(number)


# --- autocomplete widgets that cost no query per inline row ----------------------------------


class PrimedAutocompleteSelect(AutocompleteSelect):
    """An autocomplete select that labels its selected option from objects its formset has
    already loaded, instead of one query per rendered row. Without them (an unbound extra
    form, or a POST naming an object not loaded) it falls back to the query."""

    known_objects: dict[str, models.Model] | None = None

    def optgroups(self, name, value, attr=None):
        chosen = [str(v) for v in value if str(v) not in self.choices.field.empty_values]
        known = self.known_objects
        if known is None or not chosen or any(key not in known for key in chosen):
            return super().optgroups(name, value, attr)
        options = []
        if not self.is_required:
            options.append(self.create_option(name, "", "", False, 0))
        for key in chosen:
            label = self.choices.field.label_from_instance(known[key])
            options.append(self.create_option(name, key, label, True, len(options)))
        return [(None, options, 0)]


def related_objects_of_rows(rows: Iterable[models.Model], fk: models.ForeignKey) -> dict:
    """The objects the rows' foreign key `fk` points at, keyed by the str of the target value.
    Relations already loaded (select_related) are reused; the rest come in one query."""
    target_attname = fk.target_field.attname
    found, missing = {}, set()
    for row in rows:
        if fk.is_cached(row):
            target = getattr(row, fk.name)
            if target is not None:
                found[str(getattr(target, target_attname))] = target
        elif (value := getattr(row, fk.attname)) is not None:
            missing.add(value)
    if missing:
        related = fk.remote_field.model._base_manager.filter(**{f"{target_attname}__in": missing})
        found.update((str(getattr(obj, target_attname)), obj) for obj in related)
    return found


class PrimedAutocompleteFormSetMixin:
    """Hands every row's autocomplete widgets the related objects of all rows at once."""

    def add_fields(self, form, index):
        # Called for every form the formset builds; index is None for the empty form
        # (the template of an added row), which has no object to label.
        super().add_fields(form, index)
        if index is None:
            return
        for name, formfield in form.fields.items():
            # Admin wraps widgets in RelatedFieldWidgetWrapper (the add/change icons).
            widget = getattr(formfield.widget, "widget", formfield.widget)
            if isinstance(widget, PrimedAutocompleteSelect):
                widget.known_objects = self._known_objects(name)

    def _known_objects(self, name: str) -> dict:
        cache = self.__dict__.setdefault("_known_objects_cache", {})
        if name not in cache:
            cache[name] = related_objects_of_rows(
                self.get_queryset(), self.model._meta.get_field(name)
            )
        return cache[name]


class PrimedInlineFormSet(PrimedAutocompleteFormSetMixin, BaseInlineFormSet):
    """Inline formset for rows that point at their record with a foreign key."""


class PrimedGenericInlineFormSet(PrimedAutocompleteFormSetMixin, BaseGenericInlineFormSet):
    """Inline formset for generic rows (citations)."""


class PrimedAutocompleteMixin:
    """Uses `PrimedAutocompleteSelect` for the foreign keys in `autocomplete_fields`."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = PrimedAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- inlines ---------------------------------------------------------------------------------


class SelectRelatedInlineMixin:
    """`select_related` loads what each row's `__str__` and widgets need with the rows."""

    select_related: Sequence[str] = ()

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        return queryset.select_related(*self.select_related) if self.select_related else queryset


class HiddenPublicIdInlineMixin:
    """Rows whose primary key is an editable public id (positions held, funding priorities)
    keep that id in a hidden input, as rows with an automatic key do.

    Django's inline templates render the hidden key only when the key is automatic, not
    editable, or excluded from the form; an editable key merely left out of `fields` is
    validated on submit but never rendered, so the page could not be saved unchanged.
    Excluding it says what is meant: the id is never typed in a row (a new row's id is
    made from its name)."""

    def get_exclude(self, request, obj=None):
        exclude = list(super().get_exclude(request, obj) or ())
        pk = self.model._meta.pk
        if pk.editable and pk.name not in exclude and pk.name not in (self.fields or ()):
            exclude.append(pk.name)
        return exclude


class RowInline(
    HiddenPublicIdInlineMixin,
    SelectRelatedInlineMixin,
    PrimedAutocompleteMixin,
    admin.TabularInline,
):
    """Base inline for the rows of a record: no empty rows by default, no per-row query."""

    formset = PrimedInlineFormSet
    extra = 0


class CitationInline(
    HiddenPublicIdInlineMixin,
    SelectRelatedInlineMixin,
    PrimedAutocompleteMixin,
    GenericTabularInline,
):
    """Where a record's facts come from. Proxies (a Resolution, a SanctionsRegime) cite as
    their concrete model, as `CitedRecord.citations` does, so both see the same rows."""

    model = Citation
    formset = PrimedGenericInlineFormSet
    for_concrete_model = True
    autocomplete_fields = ["source"]
    fields = ["source", "section", "footnote", "paragraph", "page", "quote", "note"]
    select_related = ["source"]
    extra = 0
    formfield_overrides = {models.TextField: {"widget": Textarea(attrs={"rows": 2, "cols": 30})}}


# --- "referenced by" lists -------------------------------------------------------------------


class ReferencedByMixin:
    """A read-only "Referenced by" section on change pages: for each `Reference` to the
    page's model (declared by the record types that point at it, nkhr/registry.py), the
    first few records that point here (one query each, however many there are) and a link
    to the changelist filtered to all of them."""

    references_shown = 10

    @property
    def references(self) -> list[Reference]:
        return references_to(self.model)

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if obj is not None and self.references:
            fields.append("referenced_by")
        return fields

    @admin.display(description=_("records that point here"))
    def referenced_by(self, obj):
        sections = [self._reference_section(obj, ref) for ref in self.references]
        sections = [section for section in sections if section]
        if not sections:
            return _("Nothing points here yet.")
        return format_html_join("", "{}", ((section,) for section in sections))

    def _reference_section(self, obj, ref: Reference):
        if not apps.is_installed(ref.model.split(".")[0]):
            return None
        model = apps.get_model(ref.model)
        queryset = model._default_manager.filter(**{ref.field: obj.pk})
        select = [*ref.select_related, *([ref.show] if ref.show else [])]
        if select:
            queryset = queryset.select_related(*select)
        rows = list(queryset[: self.references_shown + 1])
        if not rows:
            return None
        shown = [getattr(row, ref.show) if ref.show else row for row in rows]
        items = format_html_join(
            "", "<li>{}</li>", ((admin_link(item),) for item in shown[: self.references_shown])
        )
        more = ""
        if len(rows) > self.references_shown:
            target = model._meta.get_field(ref.field).related_model._meta.pk.name
            url = filtered_changelist_url(model, f"{ref.field}__{target}__exact", obj.pk)
            if url:
                more = format_html('<li><a href="{}">{}</a></li>', url, _("View all"))
        return format_html(
            '<div class="referenced-by"><strong>{}</strong><ul>{}{}</ul></div>',
            ref.label,
            items,
            more,
        )


# --- ModelAdmins -----------------------------------------------------------------------------


def pair_partial_dates(fields: Sequence[str]) -> list:
    """Put each `<name>_precision` on one line with `<name>`, in `<name>`'s place."""
    names = set(fields)
    lines = []
    for name in fields:
        if name.endswith("_precision") and name.removesuffix("_precision") in names:
            continue
        precision = f"{name}_precision"
        lines.append((name, precision) if precision in names else name)
    return lines


# --- two curators on one page ----------------------------------------------------------------

EDIT_VERSION = "edit_version"
PAGE_VERSION = "page_version"
VERSION_FIELDS = (EDIT_VERSION, PAGE_VERSION)
STALE_FORM_MESSAGE = _(
    "This record was changed by someone else since you opened it, so nothing was saved. "
    "Your changes are still on this page: compare them with the current version (open the "
    "record again in another tab, or see its history), then save again to replace it with "
    "what is on this page."
)


class EditVersionFormMixin:
    """Checks, when saved, that the record is still the version the page was opened on.

    `current_version(lock)` (set by the admin) gives the record's version tokens, first
    taking its row lock when `lock`: the check and the save then happen under the lock. The
    page carries two: the API's ETag of the record (`edit_version`, what an API client
    would send as If-Match) and the version of what the page shows (`page_version`: the
    record and its inline rows), which the check compares, so that a page is not refused
    for a change it would not write over (a linked record renamed). A stale page is
    refused with its input kept and the current tokens in its hidden fields, so that
    saving it again is a choice made knowingly."""

    current_version: Callable[..., dict]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.update(self.current_version())

    def clean(self):
        cleaned_data = super().clean()
        current = self.current_version(lock=True)
        if cleaned_data.get(PAGE_VERSION) != current[PAGE_VERSION]:
            self.data = self.data.copy()
            for name in VERSION_FIELDS:
                self.data[self.add_prefix(name)] = current[name]
            raise ValidationError(STALE_FORM_MESSAGE, code="stale")
        return cleaned_data


class EditVersionAdminMixin:
    """Change pages carry the record's version tokens (`nkhr.concurrency.edit_version`, the
    value the API gives as the record's ETag, and `page_version`) in hidden fields, checked
    when saved."""

    def edits_version(self, request, obj) -> bool:
        return obj is not None and obj.pk is not None and self.has_change_permission(request, obj)

    def get_fieldsets(self, request, obj=None):
        fieldsets = list(super().get_fieldsets(request, obj))
        if self.edits_version(request, obj):
            fieldsets.append((None, {"fields": list(VERSION_FIELDS), "classes": ["hidden"]}))
        return fieldsets

    def page_rows(self, request, obj) -> list:
        """The querysets of the rows the change page of `obj` shows (its inlines')."""
        querysets = []
        for inline in self.get_inline_instances(request, obj):
            formset = inline.get_formset(request, obj)(
                instance=obj, queryset=inline.get_queryset(request)
            )
            querysets.append(formset.get_queryset())
        return querysets

    def get_form(self, request, obj=None, change=False, **kwargs):
        if not self.edits_version(request, obj):
            return super().get_form(request, obj, change=change, **kwargs)
        # The model form is made without the tokens (no model fields), which are added below.
        if "fields" in kwargs:
            fields = kwargs["fields"]
        else:
            fields = flatten_fieldsets(self.get_fieldsets(request, obj))
        if fields is not None:
            kwargs["fields"] = [name for name in fields if name not in VERSION_FIELDS]
        form = super().get_form(request, obj, change=change, **kwargs)
        model, pk = self.model, obj.pk

        def current_version(lock=False):
            if lock:
                lock_record(model, pk)
            return {
                EDIT_VERSION: edit_version(request, model, pk),
                PAGE_VERSION: page_version(model, pk, self.page_rows(request, obj)),
            }

        # No label: the fields are never shown, so they have nothing to say in any language.
        hidden = {
            name: CharField(widget=HiddenInput, required=False, label="") for name in VERSION_FIELDS
        }
        return type(
            form.__name__,
            (EditVersionFormMixin, form),
            {**hidden, "current_version": staticmethod(current_version)},
        )


class TimeStampedAdmin(
    EditVersionAdminMixin, PrimedAutocompleteMixin, KeySearchMixin, HistoryAdminMixin
):
    """Base of every ModelAdmin: timestamps read-only and grouped at the end of the page,
    partial dates beside their precision, key search available, history with diffs."""

    # No count of the whole table beside the filtered one, and the filtered one bounded.
    show_full_result_count = False
    paginator = BoundedCountPaginator
    # Curators paste addresses without a scheme; official sites are served over https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def get_readonly_fields(self, request, obj=None):
        return [*super().get_readonly_fields(request, obj), *TIMESTAMP_FIELDS]

    def get_fieldsets(self, request, obj=None):
        if self.fieldsets:
            return self.fieldsets
        fields = list(self.get_fields(request, obj))
        leading = [name for name in ("id", "publication") if name in fields]
        special = {*TIMESTAMP_FIELDS, "referenced_by", *leading}
        main = [*leading, *(name for name in fields if name not in special)]
        fieldsets = [(None, {"fields": pair_partial_dates(main)})]
        if "referenced_by" in self.get_readonly_fields(request, obj):
            fieldsets.append((_("Referenced by"), {"fields": ["referenced_by"]}))
        if obj is not None:
            fieldsets.append(
                (_("Record history"), {"fields": [TIMESTAMP_FIELDS], "classes": ["collapse"]})
            )
        return fieldsets


PUBLISHED_ROW_MESSAGE = _(
    "%(record)s is published: change its rows on its own page, where your change waits for "
    "an editor's review."
)


class RowAdmin(TimeStampedAdmin):
    """Base ModelAdmin of rows inside records, browsed on their own.

    Whoever may not publish changes a published record's rows on the record's own page,
    where the change waits for an editor (`PendingChangeAdminMixin`); here it would go
    public at once. So for them such a row is read-only, and a row added to such a record
    is refused with a form error."""

    show_full_result_count = False

    def owning_record(self, values: dict):
        """The record a row with `values` (field name -> value) lives in, or None: the
        record its cascading link points at, or (a citation) the record it cites for."""
        for field in record_links(self.model):
            if field.remote_field.on_delete is models.CASCADE:
                return values.get(field.name)
        content_type, object_id = values.get("content_type"), values.get("object_id")
        if content_type is not None and object_id:
            model = content_type.model_class()
            return model._base_manager.filter(pk=object_id).first() if model else None
        return None

    def _row_values(self, row) -> dict:
        return {
            field.name: getattr(row, field.name, None)
            for field in row._meta.concrete_fields
            if field.many_to_one
        } | {"object_id": getattr(row, "object_id", None)}

    def _held_for_review(self, request, row) -> bool:
        owner = self.owning_record(self._row_values(row))
        return owner is not None and needs_review(request.user, owner)

    def has_change_permission(self, request, obj=None):
        if obj is not None and self._held_for_review(request, obj):
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and self._held_for_review(request, obj):
            return False
        return super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        row_admin = self

        class RowForm(form):
            def clean(self):
                cleaned = super().clean()
                values = row_admin._row_values(self.instance) | cleaned
                owner = row_admin.owning_record(values)
                if owner is not None and needs_review(request.user, owner):
                    raise ValidationError(PUBLISHED_ROW_MESSAGE, params={"record": owner})
                return cleaned

        return RowForm


class RecordForm(ModelForm):
    """A record's form: the public id may be left blank when adding (it is then made from
    the name); afterwards it is read-only, so the form never sees it."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "id" in self.fields and self.instance._state.adding:
            self.fields["id"].required = False


# --- changes to published records that wait for an editor ------------------------------------

PENDING_MESSAGE = _(
    "Your change waits for an editor's review; the public sees the published version until "
    "it is published."
)


class PendingChangeAdminMixin:
    """A change by a user who may not publish to a published record is not saved: the form
    and its inlines are saved inside a savepoint that is rolled back, and what they would
    make of the record is kept as a pending change (`nkhr.pending`) for an editor to publish
    from the review queue. The change page lists the record's pending changes."""

    change_form_template = "admin/workflow/change_form.html"

    def save_model(self, request, obj, form, change):
        if change and needs_review(request.user, obj):
            if getattr(request, "reverting_to_version", None) is not None:
                # A revert saves the form alone (no inlines): propose it here, and keep its
                # links from being written after the proposal.
                def save():
                    self.save_record(request, obj, form, change)
                    form.save_m2m()

                self._propose(request, obj, save)
                form.save_m2m = lambda: None
            else:
                request.pending_record = obj  # proposed with its inlines, in save_related
            return
        self.save_record(request, obj, form, change)

    def save_record(self, request, obj, form, change):
        """Save `obj` itself (what ModelAdmin.save_model does)."""
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        obj = getattr(request, "pending_record", None)
        if obj is None or obj is not form.instance:
            return super().save_related(request, form, formsets, change)

        def save():
            self.save_record(request, obj, form, change)
            super(PendingChangeAdminMixin, self).save_related(request, form, formsets, change)

        self._propose(request, obj, save)

    def _propose(self, request, obj, save) -> None:
        request.pending_record = obj
        request.pending_change = propose_change(obj, request, save)

    def log_change(self, request, obj, message):
        if getattr(request, "pending_record", None) is obj:
            return None  # nothing changed (yet)
        return super().log_change(request, obj, message)

    def response_change(self, request, obj):
        if getattr(request, "pending_record", None) is not obj:
            return super().response_change(request, obj)
        if request.pending_change is None:
            self.message_user(request, _("Nothing was changed."), messages.INFO)
        else:
            self.message_user(request, PENDING_MESSAGE, messages.WARNING)
        opts = self.opts
        url = reverse(
            f"{self.admin_site.name}:{opts.app_label}_{opts.model_name}_change",
            args=[quote(obj.pk)],
        )
        return HttpResponseRedirect(url)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        context = dict(extra_context or {})
        record = self.get_object(request, unquote(object_id))
        if record is not None and request.method == "GET":
            context["pending_changes"] = list(pending_changes_of(record))
            context["review_queue_url"] = reverse(f"{self.admin_site.name}:review_queue")
        return super().change_view(request, object_id, form_url, extra_context=context)


class RecordAdmin(
    MergeAdminMixin,
    PendingChangeAdminMixin,
    PublicationAdminMixin,
    ReferencedByMixin,
    TimeStampedAdmin,
):
    """Base ModelAdmin of public records (`PublicRecord`, `CitedRecord`)."""

    form = RecordForm

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        # The public id names the record in URLs, fixtures and exports: it never changes.
        if obj is not None:
            fields.insert(0, "id")
        return fields

    def get_inlines(self, request, obj):
        inlines = list(super().get_inlines(request, obj))
        if issubclass(self.model, CitedRecord):
            inlines.append(CitationInline)
        return inlines

    def save_form(self, request, form, change):
        record = super().save_form(request, form, change)
        # Give a new record its public id before the inlines are saved against it.
        if not change and not record.pk:
            record.pk = record.make_public_id()
        return record

    def save_record(self, request, obj, form, change):
        obj._history_user = request.user
        # An insert, never an update of another record that happens to have this id.
        obj.save(force_insert=not change)


class IndexedCountryFilter(CountryFilter):
    """django-countries' filter of the countries a list holds, read from the column's
    index (`nkhr.db.distinct_values`) rather than by `SELECT DISTINCT` over every row."""

    def lookup_choices(self, changelist):
        present = set(distinct_values(changelist.model, self.field_path))
        for code, name in self.field.get_choices(include_blank=False):
            if code in present:
                yield code, name


def country_column(field_name: str):
    """A changelist column of a country field, by the country's name: Django's own looks
    each row's code up in the list of every country's name (250 translated names, built
    again for each row: most of a hundred-row page's time)."""

    @admin.display(description=_("country"), ordering=field_name)
    def country(obj):
        value = getattr(obj, field_name)
        return value.name if value else None

    country.__name__ = field_name
    return country
