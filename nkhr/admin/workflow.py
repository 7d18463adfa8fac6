"""Admin pages that span every kind of record: the review queue and the deleted records.

* Review queue (editors): every record in review, with who submitted it, when and why, and
  buttons to publish it or return it to draft (with a comment kept in history); and every
  pending change to a published record (`nkhr.pending`), with what it changes (field: old
  → new; rows added, removed and changed) and buttons to publish or reject it.
* Deleted records: every record whose latest version is a deletion, with who deleted it and
  when, and a button that restores it with the rows deleted with it
  (`nkhr.services.restore_deleted`).

`add_workflow_pages(site)` adds both to an admin site's URLs (as `admin:review_queue`,
`admin:deleted_records`, `admin:restore_deleted`), leaving the site itself as it is.
"""

from dataclasses import dataclass
from datetime import datetime

from django.apps import apps
from django.contrib import messages
from django.contrib.admin.utils import quote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from nkhr.admin.base import admin_change_url, proxy_for_kind
from nkhr.admin.history import EMPTY, WORD_DIFF_FROM, user_name, word_diff
from nkhr.admin.pages import add_site_pages
from nkhr.history import related_field_names, version_label
from nkhr.models.pending import PendingChange
from nkhr.models.publication import PUBLISH, Publication
from nkhr.pending import ChangeConflict, field_changes, publish_change, reject_change
from nkhr.services import (
    TRANSITIONS,
    change_publication,
    is_restorable_model,
    may_restore,
    restore_deleted,
)

DELETED_SHOWN = 200
# What an editor may do from the queue.
QUEUE_TRANSITIONS = ("publish", "return_to_draft")


def record_models() -> list:
    """Concrete record models whose history is kept, in a stable order."""
    models = [
        model for model in apps.get_models() if not model._meta.proxy and is_restorable_model(model)
    ]
    return sorted(models, key=lambda model: model._meta.label)


def model_key(model) -> str:
    return model._meta.label_lower


def model_from_key(key: str):
    """The record model named "app_label.model_name" in a form, or 404."""
    try:
        model = apps.get_model(key)
    except (LookupError, ValueError) as exc:
        raise Http404(key) from exc
    if model._meta.proxy or not is_restorable_model(model):
        raise Http404(key)
    return model


def history_url(model, pk) -> str | None:
    opts = model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_history", args=[quote(pk)])
    except NoReverseMatch:
        return None


# --- review queue ----------------------------------------------------------------------------


@dataclass
class Submission:
    """A record in review, and the version that put it there."""

    record: object
    model_key: str
    kind: str
    url: str | None
    submitted_by: str
    submitted_at: datetime | None
    comment: str


def submissions(model, pks) -> dict:
    """For each in-review record of `model`, the oldest version of its current stay in review
    (the submission), newest versions first per record: one query for all of them."""
    found = {}
    pk_name = model._meta.pk.attname
    versions = (
        model.history.filter(**{f"{pk_name}__in": pks})
        .select_related("history_user")
        .order_by(pk_name, "-history_date", "-history_id")
    )
    still_in_review = {}
    for version in versions:
        pk = getattr(version, pk_name)
        if not still_in_review.setdefault(pk, True):
            continue
        if version.publication == Publication.IN_REVIEW:
            found[pk] = version
        else:
            still_in_review[pk] = False
    return found


def review_queue() -> list[Submission]:
    """Every record in review, of every kind, longest waiting first."""
    queue = []
    for model in record_models():
        related = [field.name for field in model._meta.concrete_fields if field.many_to_one]
        records = list(
            model._base_manager.filter(publication=Publication.IN_REVIEW).select_related(*related)
        )
        if not records:
            continue
        submitted = submissions(model, [record.pk for record in records])
        for record in records:
            version = submitted.get(record.pk)
            queue.append(
                Submission(
                    record=record,
                    model_key=model_key(model),
                    kind=proxy_for_kind(record)._meta.verbose_name,
                    url=admin_change_url(record),
                    submitted_by=user_name(version) if version else EMPTY,
                    submitted_at=version.history_date if version else None,
                    comment=(version.history_change_reason or "") if version else "",
                )
            )
    queue.sort(key=lambda entry: (entry.submitted_at is None, entry.submitted_at or 0))
    return queue


# --- pending changes to published records ----------------------------------------------------


@dataclass
class FieldDiff:
    """What a pending change does to one field, as a curator reads it."""

    field: str
    old: str = ""
    new: str = ""
    diff: str | None = None  # a word diff of a long text (HTML)
    added: list[str] | None = None  # nested rows
    removed: list[str] | None = None
    changed: list[tuple[str, str]] | None = None


@dataclass
class PendingEntry:
    change: PendingChange
    kind: str
    record: str
    url: str | None
    diffs: list[FieldDiff]


def readable(value) -> str:
    """A value of a record's API representation as text: a linked record by its name, a row
    by its filled-in values."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, dict):
        if "name" in value and "id" in value:
            return str(value["name"] or value["id"])
        parts = [readable(item) for item in value.values() if item not in (None, "", [])]
        return ", ".join(parts) or EMPTY
    if isinstance(value, list):
        return "; ".join(readable(item) for item in value)
    return str(value)


def _is_rows(value) -> bool:
    return isinstance(value, list) and all(isinstance(item, dict) for item in value)


def _row_key(row: dict):
    """What names a row across versions: its first value (an alias's name, a row's label)."""
    return next(iter(row.values()), None) if row else None


def field_diff(model, name: str, old, new) -> FieldDiff:
    try:
        label = str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # an API name of no model field (`website`, `document_url` …)
        label = name.replace("_", " ")
    if _is_rows(old or []) and _is_rows(new or []) and (old or new):
        old, new = old or [], new or []
        removed = [row for row in old if row not in new]
        added = [row for row in new if row not in old]
        changed = []
        for row in list(removed):
            twin = next((a for a in added if _row_key(a) == _row_key(row)), None)
            if twin is not None:
                removed.remove(row)
                added.remove(twin)
                changed.append((readable(row), readable(twin)))
        return FieldDiff(
            label,
            added=[readable(row) for row in added],
            removed=[readable(row) for row in removed],
            changed=changed,
        )
    entry = FieldDiff(label, old=readable(old), new=readable(new))
    if isinstance(old, str) and isinstance(new, str) and max(len(old), len(new)) > WORD_DIFF_FROM:
        entry.diff = word_diff(old, new)
    return entry


def pending_queue() -> list[PendingEntry]:
    """Every pending change, oldest first, with its record and what it changes."""
    entries = []
    changes = PendingChange.objects.filter(status=PendingChange.Status.PENDING).select_related(
        "author", "content_type"
    )
    for change in changes.order_by("created", "pk"):
        model = change.content_type.model_class()
        record = model._base_manager.filter(pk=change.object_id).first()
        diffs = [
            field_diff(model, item["field"], item["old"], item["new"])
            for item in field_changes(change)
        ]
        entries.append(
            PendingEntry(
                change=change,
                kind=(proxy_for_kind(record) if record else model)._meta.verbose_name,
                record=str(record) if record else change.object_id,
                url=admin_change_url(record) if record else None,
                diffs=diffs,
            )
        )
    return entries


def _decide_pending(request):
    change = PendingChange.objects.filter(pk=request.POST.get("pending_change", "")).first()
    if change is None:
        raise Http404
    decision = request.POST.get("decision", "")
    comment = request.POST.get("comment", "").strip()
    try:
        if decision == "publish":
            publish_change(change, request, comment)
        elif decision == "reject":
            reject_change(change, request.user, comment)
        else:
            raise Http404(decision)
    except ChangeConflict as exc:
        messages.error(request, exc.messages[0])
    except (PermissionDenied, ValidationError) as exc:
        reason = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, reason)
    else:
        model = change.content_type.model_class()
        record = model._base_manager.filter(pk=change.object_id).first()
        text = (
            gettext("Change published:") if decision == "publish" else gettext("Change rejected:")
        )
        messages.success(
            request,
            format_html(
                "{} {}", text, _link(admin_change_url(record), record) if record else change
            ),
        )
    return HttpResponseRedirect(reverse("admin:review_queue"))


def review_queue_view(request, site):
    if not request.user.has_perm(PUBLISH):
        raise PermissionDenied
    if request.method == "POST":
        if "pending_change" in request.POST:
            return _decide_pending(request)
        return _review(request)
    context = {
        **site.each_context(request),
        "title": _("Review queue"),
        "queue": review_queue(),
        "pending": pending_queue(),
        "transitions": [TRANSITIONS[name] for name in QUEUE_TRANSITIONS],
    }
    return TemplateResponse(request, "admin/workflow/review_queue.html", context)


def _review(request):
    model = model_from_key(request.POST.get("model", ""))
    transition_name = request.POST.get("action", "")
    if transition_name not in QUEUE_TRANSITIONS:
        raise Http404(transition_name)
    record = model._base_manager.filter(pk=request.POST.get("id", "")).first()
    if record is None:
        raise Http404
    try:
        # The queue lists records in review: one moved meanwhile is not moved again.
        change_publication(
            record,
            transition_name,
            request.user,
            request.POST.get("comment", "").strip(),
            seen=Publication.IN_REVIEW,
        )
    except (PermissionDenied, ValidationError) as exc:
        reason = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, f"{record}: {reason}")
    else:
        messages.success(
            request,
            format_html(
                "{}: {}",
                TRANSITIONS[transition_name].label,
                _link(admin_change_url(record), record),
            ),
        )
    return HttpResponseRedirect(reverse("admin:review_queue"))


def _link(url, text):
    return format_html('<a href="{}">{}</a>', url, text) if url else str(text)


# --- deleted records -------------------------------------------------------------------------


@dataclass
class Deletion:
    """A record whose latest version is its deletion."""

    model_key: str
    kind: str
    pk: str
    name: str
    deleted_at: datetime
    deleted_by: str
    history_url: str | None
    restorable: bool


def deletions(model, limit: int = DELETED_SHOWN):
    """The latest deletion versions of `model`'s records that are still deleted."""
    history = model.history
    pk_name = model._meta.pk.attname
    live = model._base_manager.filter(pk=OuterRef(pk_name))
    newer = history.filter(
        **{pk_name: OuterRef(pk_name)}, history_date__gt=OuterRef("history_date")
    )
    return (
        history.filter(history_type="-")
        .exclude(Exists(live))
        .exclude(Exists(newer))
        .select_related("history_user", *related_field_names(history.model))
        .order_by("-history_date", "-history_id")[:limit]
    )


def deleted_records(user, limit: int = DELETED_SHOWN) -> list[Deletion]:
    """The deleted records of the kinds `user` may view, most recently deleted first."""
    found = []
    for model in record_models():
        opts = model._meta
        if not user.has_perm(f"{opts.app_label}.view_{opts.model_name}"):
            continue
        restorable = may_restore(user, model)
        for version in deletions(model, limit):
            pk = getattr(version, opts.pk.attname)
            instance = version.instance
            found.append(
                Deletion(
                    model_key=model_key(model),
                    kind=proxy_for_kind(instance)._meta.verbose_name,
                    pk=pk,
                    name=version_label(version),
                    deleted_at=version.history_date,
                    deleted_by=user_name(version),
                    history_url=history_url(proxy_for_kind(instance), pk),
                    restorable=restorable,
                )
            )
    found.sort(key=lambda entry: entry.deleted_at, reverse=True)
    return found[:limit]


def deleted_records_view(request, site):
    context = {
        **site.each_context(request),
        "title": _("Deleted records"),
        "deleted": deleted_records(request.user),
    }
    return TemplateResponse(request, "admin/workflow/deleted_records.html", context)


@require_POST
def restore_view(request, site):
    model = model_from_key(request.POST.get("model", ""))
    public_id = request.POST.get("id", "")
    try:
        record = restore_deleted(model, public_id, request.user)
    except (PermissionDenied, ValidationError) as exc:
        reason = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
        messages.error(request, reason)
    else:
        messages.success(
            request,
            format_html("{} {}", gettext("Restored:"), _link(admin_change_url(record), record)),
        )
    return HttpResponseRedirect(reverse("admin:deleted_records"))


# --- wiring ----------------------------------------------------------------------------------


def add_workflow_pages(site) -> None:
    """Serve the review queue and the deleted records under `site`."""
    add_site_pages(
        site,
        [
            ("review-queue/", review_queue_view, "review_queue"),
            ("deleted-records/", deleted_records_view, "deleted_records"),
            ("deleted-records/restore/", restore_view, "restore_deleted"),
        ],
    )
