"""Merging duplicates in the admin (`nkhr.merging`).

* On every record changelist, the action *Merge two records*: select exactly two, choose
  on the confirmation page (both records side by side, and what moves to the survivor from
  the other) which one stays; the other is merged into it.
* A merged record's change page sends whoever opens it to the survivor's.
* *Merged records* lists the merges, each with what it moved and a *Revert* button.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from nkhr.merging import may_merge, may_revert, merge_records, preview, revert_merge
from nkhr.models.base import reserved_for
from nkhr.models.merges import MergedRecord

MERGE_ACTION = "merge_two_records"


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


@admin.register(MergedRecord)
class MergedRecordAdmin(admin.ModelAdmin):
    """The merges, read-only, each with a Revert button (while it stands)."""

    list_display = ["merged_id", "merged_name", "survivor", "kind", "merged_by", "merged_at", "reverted_at"]  # fmt: skip
    list_filter = ["content_type", "reverted_at"]
    search_fields = ["merged_id", "merged_name", "survivor_id"]
    readonly_fields = ["kind", "merged_id", "merged_name", "survivor", "merged_by", "merged_at", "comment", "what_moved", "reverted_at", "reverted_by"]  # fmt: skip
    fields = readonly_fields
    change_form_template = "admin/merge/mergedrecord_change_form.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("kind of record"))
    def kind(self, obj):
        return obj.content_type.model_class()._meta.verbose_name

    @admin.display(description=_("survivor"))
    def survivor(self, obj):
        url = _change_url(obj.model, obj.survivor_id)
        return format_html('<a href="{}">{}</a>', url, obj.survivor_id) if url else obj.survivor_id

    @admin.display(description=_("what moved"))
    def what_moved(self, obj):
        lines = []
        for move in obj.moves:
            what = move.get("model") or move.get("field")
            lines.append(
                format_html(
                    "<li>{} {} {}</li>", move["kind"], what, move.get("pk", move.get("ids", ""))
                )
            )
        return format_html("<ul>{}</ul>", format_html("".join(lines))) if lines else "—"

    def get_urls(self):
        return [
            path(
                "<path:object_id>/revert/",
                self.admin_site.admin_view(self.revert_view),
                name="nkhr_mergedrecord_revert",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        merge = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if merge is not None:
            context["may_revert"] = merge.standing and may_revert(request.user, merge)
            history = _history_url(merge)
            context["merged_history_url"] = history
        return super().change_view(request, object_id, form_url, extra_context=context)

    def revert_view(self, request, object_id):
        merge = get_object_or_404(MergedRecord, pk=object_id)
        if request.method != "POST":
            return HttpResponseRedirect(reverse("admin:nkhr_mergedrecord_change", args=[merge.pk]))
        try:
            reverted = revert_merge(merge, request.user)
        except (PermissionDenied, ValidationError) as exc:
            reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            self.message_user(request, reason, messages.ERROR)
            return HttpResponseRedirect(reverse("admin:nkhr_mergedrecord_change", args=[merge.pk]))
        message = gettext("The merge of %(id)s into %(survivor)s was reverted.") % {
            "id": merge.merged_id,
            "survivor": merge.survivor_id,
        }
        if reverted.left:
            message += " " + gettext("Left as they are (changed since): %(rows)s") % {
                "rows": ", ".join(reverted.left)
            }
        self.message_user(request, message, messages.SUCCESS)
        return HttpResponseRedirect(_change_url(merge.model, merge.merged_id))


def _history_url(merge) -> str | None:
    opts = merge.model._meta
    try:
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_history", args=[quote(merge.merged_id)]
        )
    except NoReverseMatch:
        return None
