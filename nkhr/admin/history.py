"""History pages of every record and row: readable field-level changes, and revert.

`HistoryAdminMixin` builds on django-simple-history's admin. Its history page lists each
version with who made it, when, through which channel (admin, API, import …), the comment
given, and what changed (field: old → new, with choice labels rather than stored codes).
A second table shows the changes to the rows edited inside the record (aliases, citations,
bill actions …), which are recorded as versions of their own.

Opening a version shows the record's form as it was then; with change permission, posting
it reverts the record. The revert is a new version ("Reverted to version N"); the record's
publication state is left alone, since it moves only through the review workflow.
"""

import difflib
import re

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_noop
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper, conditional_str

from nkhr.history import (
    dependent_rows,
    links_of_version,
    numbered_versions,
    related_field_names,
    version_label,
    version_number,
)

# Stamped on every save: a change to them alone says nothing.
NOT_DIFFED = ("created", "updated")
EMPTY = "—"
ROW_VERSIONS_SHOWN = 50


# Text changes longer than this are shown as a word diff: a changed word in a long quote is
# found at a glance, and nothing is cut.
WORD_DIFF_FROM = 80


def word_diff(old: str, new: str):
    """`old` → `new` as HTML: the words removed in `<del>`, the words added in `<ins>`."""
    before, after = _WORDS.findall(old), _WORDS.findall(new)
    parts = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for operation, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        removed, added = "".join(before[old_start:old_end]), "".join(after[new_start:new_end])
        if operation == "equal":
            parts.append(escape(removed))
            continue
        if removed:
            parts.append(format_html("<del>{}</del>", removed))
        if added:
            parts.append(format_html("<ins>{}</ins>", added))
    return mark_safe("".join(parts))  # every part escaped above


_WORDS = re.compile(r"\s+|\S+")


class ChangeDisplay(HistoricalRecordContextHelper):
    """Changes as a curator reads them: in full (never cut mid-word), the label of a choice
    rather than its stored code, a dash for an empty value, and long texts as a word diff."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if value is None or value == "":
            return EMPTY
        field = self.model._meta.get_field(change.field)
        if field.choices and not isinstance(value, list):
            return dict(field.flatchoices).get(value, value)
        return value

    def stringify_delta_change_values(self, change, old, new):
        def text(value):
            if isinstance(value, list):
                return ", ".join(map(conditional_str, value)) or EMPTY
            return conditional_str(value)

        return conditional_escape(text(old)), conditional_escape(text(new))

    def context_for_delta_changes(self, delta):
        entries = super().context_for_delta_changes(delta)
        for entry, change in zip(entries, delta.changes, strict=True):
            old, new = change.old, change.new
            texts = isinstance(old, str) and isinstance(new, str)
            if texts and max(len(old), len(new)) > WORD_DIFF_FROM:
                entry["diff"] = word_diff(old, new)
        return entries


def version_changes(model, newer, older) -> list[dict]:
    """The fields `newer` changed against `older` ({"field", "old", "new"}, for display).
    Foreign keys show the related objects, which must have come with the versions
    (select_related) for this to cost no query."""
    delta = newer.diff_against(older, excluded_fields=NOT_DIFFED, foreign_keys_are_objs=True)
    return ChangeDisplay(model, newer).context_for_delta_changes(delta)


def user_name(version) -> str:
    return version.history_user.get_username() if version.history_user_id else EMPTY


def row_versions(model, pk, limit: int = ROW_VERSIONS_SHOWN) -> list[dict]:
    """The latest versions of the rows edited inside the record `pk` of `model` (aliases,
    citations, provisions …), newest first, each with what it changed. One query per kind
    of row, however many versions there are."""
    entries = []
    for row_model, lookup in dependent_rows(model, pk):
        history = row_model.history
        pk_name = row_model._meta.pk.attname
        versions = list(
            numbered_versions(history.filter(**lookup), pk_name)
            .select_related("history_user", *related_field_names(history.model))
            .order_by("-history_date", "-history_id")[:limit]
        )
        # Oldest first, so each version meets the one before it of the same row.
        previous_of_row = {}
        for version in reversed(versions):
            row_pk = getattr(version, pk_name)
            older = previous_of_row.get(row_pk)
            previous_of_row[row_pk] = version
            changes = []
            if older is not None and version.history_type == "~":
                changes = version_changes(row_model, version, older)
            entries.append(
                {
                    "kind": row_model._meta.verbose_name,
                    "label": version_label(version),
                    "version": version,
                    "user": user_name(version),
                    "changes": changes,
                }
            )
    entries.sort(key=lambda entry: (entry["version"].history_date, entry["version"].history_id))
    return entries[::-1][:limit]


class HistoryAdminMixin(SimpleHistoryAdmin):
    """simple-history's admin with readable diffs, the channel, the rows' changes, and a
    revert that is permission-checked and recorded as such."""

    object_history_template = "admin/workflow/object_history.html"
    object_history_list_template = "admin/workflow/object_history_list.html"
    object_history_form_template = "admin/workflow/object_history_form.html"

    def history_view(self, request, object_id, extra_context=None):
        context = {
            "row_versions": row_versions(self.model, unquote(object_id)),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, extra_context=context)

    def get_history_queryset(self, request, history_manager, pk_name, object_id):
        queryset = super().get_history_queryset(request, history_manager, pk_name, object_id)
        return numbered_versions(queryset, pk_name)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        previous = None
        for current in historical_records:
            if previous is not None and previous.history_type == "~":
                previous.history_delta_changes = version_changes(self.model, previous, current)
            previous = current

    def get_historical_record_context_helper(self, request, historical_record):
        return ChangeDisplay(self.model, historical_record)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        version_id = getattr(request, "history_version_id", None)
        if version_id is None:
            return form
        # A version's page shows the links it recorded (an event's instruments), not today's:
        # the form reads many-to-many values from the database, where they are current.
        version = self.model.history.model._default_manager.get(history_id=version_id)
        links = links_of_version(version)

        class VersionForm(form):
            def __init__(self, *args, **form_kwargs):
                super().__init__(*args, **form_kwargs)
                for name, ids in links.items():
                    if name in self.fields:
                        self.initial[name] = ids

        return VersionForm

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history looks the record up by the id as it appears in the URL.
        object_id = unquote(object_id)
        request.history_version_id = version_id
        if request.method == "POST":
            if not self.has_change_permission(request):
                raise PermissionDenied
            if not self.model._base_manager.filter(pk=object_id).exists():
                messages.error(
                    request,
                    gettext("This record was deleted; restore it from the deleted records."),
                )
                return HttpResponseRedirect(reverse(f"{self.admin_site.name}:deleted_records"))
            # Read by save_form, which simple-history calls to save the old version.
            request.reverting_to_version = version_id
        return super().history_form_view(request, object_id, version_id, extra_context)

    def revert_disabled(self, request, obj=None):
        if not self.has_change_permission(request):
            return True
        if obj is not None and not self.model._base_manager.filter(pk=obj.pk).exists():
            return True  # deleted: it comes back through "Restore", with its rows
        return super().revert_disabled(request, obj)

    def save_form(self, request, form, change):
        obj = super().save_form(request, form, change)
        version_id = getattr(request, "reverting_to_version", None)
        if version_id is not None:
            # Kept in English, like every reason stored in history; the number is the
            # version's among the record's own, as the history page shows it.
            version = self.model.history.model._default_manager.get(history_id=version_id)
            obj._change_reason = gettext_noop("Reverted to version %(version)s") % {
                "version": version_number(version)
            }
            if hasattr(obj, "publication"):
                # The old version's state would otherwise come back with its fields.
                obj.publication = (
                    type(obj)
                    ._base_manager.filter(pk=obj.pk)
                    .values_list("publication", flat=True)
                    .get()
                )
        return obj
