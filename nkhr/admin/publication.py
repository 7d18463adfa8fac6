"""The review workflow on record changelists: publication state and the actions that move it.

A record's publication state is listed and filterable on every changelist and read-only in
its form: it changes only through the actions here (Submit for review, Publish, Withdraw,
Return to draft), which call `nkhr.services.change_publication` record by record with the
comment typed beside the action menu. Each user is offered only the steps their role
allows: curators submit, editors also publish, withdraw and return to draft.

Each row of a changelist carries the state it was listed in (a hidden field beside its
checkbox): a step is refused for a record whose state changed since the list was loaded,
as one withdrawn by someone else meanwhile, instead of being taken from the new state.
"""

from django import forms
from django.contrib import messages
from django.contrib.admin import helpers
from django.contrib.admin.options import IS_POPUP_VAR
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from nkhr.services import TRANSITIONS, change_publication, may_transition

PUBLICATION = "publication"
ACTION_PREFIX = "publication_"
REFUSALS_LISTED = 10
# The hidden field of a changelist row: "<public id>:<state listed>".
SEEN = "publication_seen"


class PublicationActionForm(helpers.ActionForm):
    """The changelist's action bar, with a comment kept in history with the change."""

    comment = forms.CharField(
        label=_("Comment:"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"size": 40, "placeholder": _("why (kept in history)")}),
    )


def publication_action(transition_name: str):
    """An admin action taking the selected records through `transition_name`."""

    def action(model_admin, request, queryset):
        model_admin.change_publication_of(request, queryset, transition_name)

    action.__name__ = f"{ACTION_PREFIX}{transition_name}"
    return action


class PublicationAdminMixin:
    """Publication column, filter and read-only field, and the workflow actions."""

    action_form = PublicationActionForm

    def get_list_display(self, request):
        columns = list(super().get_list_display(request))
        return columns if PUBLICATION in columns else [*columns, PUBLICATION]

    def get_list_filter(self, request):
        filters = list(super().get_list_filter(request))
        return filters if PUBLICATION in filters else [*filters, PUBLICATION]

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        return fields if PUBLICATION in fields else [*fields, PUBLICATION]

    def get_actions(self, request):
        actions = super().get_actions(request)
        if self.actions is None or IS_POPUP_VAR in request.GET:
            return actions
        for name, transition in TRANSITIONS.items():
            if may_transition(request.user, self.model, transition):
                action = publication_action(name)
                actions[action.__name__] = (action, action.__name__, transition.label)
        return actions

    def action_checkbox(self, obj):
        box = super().action_checkbox(obj)
        if not hasattr(obj, PUBLICATION):
            return box
        return format_html(
            '{}<input type="hidden" name="{}" value="{}:{}">', box, SEEN, obj.pk, obj.publication
        )

    def change_publication_of(self, request, queryset, transition_name: str) -> None:
        """Move each record; report how many moved and why the others did not."""
        comment = request.POST.get("comment", "").strip()
        transition = TRANSITIONS[transition_name]
        # The states the page listed (none for records selected across pages not shown).
        seen = dict(value.partition(":")[::2] for value in request.POST.getlist(SEEN))
        moved, refusals = 0, []
        for record in queryset:
            try:
                change_publication(
                    record, transition_name, request.user, comment, seen.get(str(record.pk))
                )
            except (PermissionDenied, ValidationError) as exc:
                reason = exc.messages[0] if isinstance(exc, ValidationError) else str(exc)
                refusals.append(f"{record}: {reason}")
            else:
                moved += 1
        if moved:
            self.message_user(
                request,
                ngettext(
                    "%(action)s: %(count)d record done.",
                    "%(action)s: %(count)d records done.",
                    moved,
                )
                % {"action": transition.label, "count": moved},
                messages.SUCCESS,
            )
        if refusals:
            listed = "; ".join(refusals[:REFUSALS_LISTED])
            if len(refusals) > REFUSALS_LISTED:
                listed += " …"
            self.message_user(
                request,
                gettext("%(action)s refused for %(count)d: %(refusals)s")
                % {"action": transition.label, "count": len(refusals), "refusals": listed},
                messages.WARNING,
            )
