"""Merging duplicates in the admin (`nkhr.merging`).

* On every record changelist, the action *Merge two records*: select exactly two, choose
  on the confirmation page (both records side by side, and what moves to the survivor from
  the other) which one stays; the other is merged into it.
* A merged record's change page sends whoever opens it to the survivor's.
* *Merged records* (a page of its own, linked from the index, as the deleted records are)
  lists the merges, each with a *Revert* button while it stands.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from nkhr.admin.pages import add_site_pages
from nkhr.merging import may_merge, merge_records, preview, revert_merge
from nkhr.models.base import reserved_for
from nkhr.models.merges import MergedRecord

MERGE_ACTION = "merge_two_records"
MERGES_SHOWN = 200


def _change_url(model, pk) -> str | None:
    opts = model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(pk)])
    except NoReverseMatch:
        return None


def side_by_side(model_admin, request, first, second) -> list[tuple[str, str, str]]:
    """(label, value of `first`, value of `second`) of the fields the change page shows."""
    rows = []
    for field in first._meta.concrete_fields:
        if not field.editable or field.name in ("search_names",):
            continue
        values = []
        for record in (first, second):
            display = getattr(record, f"get_{field.name}_display", None)
            value = display() if display else getattr(record, field.name)
            values.append("" if value in (None, "") else str(value))
        rows.append((str(field.verbose_name), *values))
    return rows


def merge_two_records(model_admin, request, queryset):
    """The changelist action: the confirmation page, then the merge."""
    records = list(queryset[:3])
    if len(records) != 2:
        model_admin.message_user(
            request, gettext("Select exactly two records to merge."), messages.ERROR
        )
        return None
    survivor_id = request.POST.get("survivor")
    if request.POST.get("confirm_merge") and survivor_id in {str(r.pk) for r in records}:
        survivor = next(r for r in records if str(r.pk) == survivor_id)
        duplicate = next(r for r in records if str(r.pk) != survivor_id)
        try:
            merge_records(survivor, duplicate, request.user, request.POST.get("comment", ""))
        except (PermissionDenied, ValidationError) as exc:
            reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            model_admin.message_user(request, reason, messages.ERROR)
            return None
        model_admin.message_user(
            request,
            gettext("%(duplicate)s was merged into %(survivor)s.")
            % {"duplicate": f"{duplicate} ({duplicate.pk})", "survivor": survivor},
            messages.SUCCESS,
        )
        return HttpResponseRedirect(_change_url(type(survivor), survivor.pk))
    first, second = sorted(records, key=lambda record: record.created)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": gettext("Merge two records"),
        "opts": model_admin.model._meta,
        "records": (first, second),
        "fields": side_by_side(model_admin, request, first, second),
        # What moves if the first stays, and if the second does.
        "previews": (preview(first, second), preview(second, first)),
        "allowed": may_merge(request.user, first, second),
        "action": MERGE_ACTION,
        "comment": request.POST.get("comment", ""),
        "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/merge/confirm.html", context)


merge_two_records.short_description = _("Merge two records")
merge_two_records.allowed_permissions = ("change",)


class MergeAdminMixin:
    """The merge action on a record changelist, and a merged record's page redirecting."""

    def get_actions(self, request):
        actions = super().get_actions(request)
        opts = self.model._meta.concrete_model._meta
        if self.actions is not None and request.user.has_perm(
            f"{opts.app_label}.change_{opts.model_name}"
        ):
            actions[MERGE_ACTION] = (
                merge_two_records,
                MERGE_ACTION,
                merge_two_records.short_description,
            )
        return actions

    def change_view(self, request, object_id, form_url="", extra_context=None):
        pk = unquote(object_id)
        if self.get_object(request, pk) is None:
            survivor = reserved_for(self.model._meta.concrete_model, pk)
            if survivor is not None:
                self.message_user(
                    request,
                    gettext("%(id)s was merged into %(survivor)s.")
                    % {"id": pk, "survivor": survivor},
                    messages.INFO,
                )
                return HttpResponseRedirect(_change_url(self.model, survivor))
        return super().change_view(request, object_id, form_url, extra_context)


def merged_records_view(request, site):
    """Every merge, newest first, with a Revert button on those that stand."""
    merges = list(
        MergedRecord.objects.select_related("content_type", "merged_by", "reverted_by")[
            :MERGES_SHOWN
        ]
    )
    for merge in merges:
        model = merge.content_type.model_class()
        merge.kind = model._meta.verbose_name if model else merge.content_type.model
        merge.survivor_url = _change_url(model, merge.survivor_id) if model else None
        merge.history_url = _history_url(merge) if model else None
        # Whether the user may revert it (an editor, once a record is published) is judged
        # when they press it, not here: one query per listed merge.
        merge.revertible = (
            model is not None
            and merge.standing
            and request.user.has_perm(f"{model._meta.app_label}.change_{model._meta.model_name}")
        )
    context = {**site.each_context(request), "title": _("Merged records"), "merges": merges}
    return TemplateResponse(request, "admin/merge/merged_records.html", context)


@require_POST
def revert_view(request, site):
    merge = get_object_or_404(MergedRecord, pk=request.POST.get("merge") or 0)
    try:
        reverted = revert_merge(merge, request.user)
    except (PermissionDenied, ValidationError) as exc:
        reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, reason)
        return HttpResponseRedirect(reverse("admin:merged_records"))
    message = gettext("The merge of %(id)s into %(survivor)s was reverted.") % {
        "id": merge.merged_id,
        "survivor": merge.survivor_id,
    }
    if reverted.left:
        message += " " + gettext("Left as they are (changed since): %(rows)s") % {
            "rows": ", ".join(reverted.left)
        }
    messages.success(request, message)
    return HttpResponseRedirect(_change_url(merge.model, merge.merged_id))


def _history_url(merge) -> str | None:
    opts = merge.model._meta
    try:
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_history", args=[quote(merge.merged_id)]
        )
    except NoReverseMatch:
        return None


def add_merge_pages(site) -> None:
    """Serve the merged records (`admin:merged_records`) and their revert
    (`admin:revert_merge`) under `site`, leaving the site itself as it is."""
    add_site_pages(
        site,
        [
            ("merged-records/", merged_records_view, "merged_records"),
            ("merged-records/revert/", revert_view, "revert_merge"),
        ],
    )
