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

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext, gettext_noop
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from nkhr.history import dependent_rows, related_field_names, version_label

# Stamped on every save: a change to them alone says nothing.
NOT_DIFFED = ("created", "updated")
EMPTY = "—"
ROW_VERSIONS_SHOWN = 50


class ChangeDisplay(HistoricalRecordContextHelper):
    """Changes as a curator reads them: the label of a choice rather than its stored code,
    and a dash for an empty value."""

    def prepare_delta_change_value(self, change, value):
        value = super().prepare_delta_change_value(change, value)
        if value is None or value == "":
            return EMPTY
        field = self.model._meta.get_field(change.field)
        if field.choices and not isinstance(value, list):
            return dict(field.flatchoices).get(value, value)
        return value


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
        versions = list(
            history.filter(**lookup)
            .select_related("history_user", *related_field_names(history.model))
            .order_by("-history_date", "-history_id")[:limit]
        )
        pk_name = row_model._meta.pk.attname
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

    def history_view(self, request, object_id, extra_context=None):
        context = {
            "row_versions": row_versions(self.model, unquote(object_id)),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, extra_context=context)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        previous = None
        for current in historical_records:
            if previous is not None and previous.history_type == "~":
                previous.history_delta_changes = version_changes(self.model, previous, current)
            previous = current

    def get_historical_record_context_helper(self, request, historical_record):
        return ChangeDisplay(self.model, historical_record)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history looks the record up by the id as it appears in the URL.
        object_id = unquote(object_id)
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
            # Kept in English, like every reason stored in history.
            obj._change_reason = gettext_noop("Reverted to version %(version)s") % {
                "version": version_id
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
