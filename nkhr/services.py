"""Writes that span more than one row or carry a workflow rule: publication transitions."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from nkhr.models.publication import PUBLISH, Publication


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    permission: str | None  # None: the model's change permission


TRANSITIONS = {
    t.name: t
    for t in (
        Transition(
            "submit",
            _("Submit for review"),
            frozenset({Publication.DRAFT, Publication.WITHDRAWN}),
            Publication.IN_REVIEW,
            None,
        ),
        Transition(
            "publish",
            _("Publish"),
            frozenset({Publication.DRAFT, Publication.IN_REVIEW, Publication.WITHDRAWN}),
            Publication.PUBLISHED,
            PUBLISH,
        ),
        Transition(
            "withdraw",
            _("Withdraw"),
            frozenset({Publication.PUBLISHED, Publication.IN_REVIEW}),
            Publication.WITHDRAWN,
            PUBLISH,
        ),
        Transition(
            "return_to_draft",
            _("Return to draft"),
            frozenset({Publication.IN_REVIEW}),
            Publication.DRAFT,
            PUBLISH,
        ),
    )
}


def may_transition(user, record, transition: Transition) -> bool:
    opts = record._meta
    permission = transition.permission or f"{opts.app_label}.change_{opts.model_name}"
    return user.has_perm(permission)


@transaction.atomic
def change_publication(record, transition_name: str, user, comment: str = ""):
    """Move `record` along the review workflow; the change and its comment go to history."""
    transition = TRANSITIONS[transition_name]
    if not may_transition(user, record, transition):
        raise PermissionDenied(_("You may not %(action)s records.") % {"action": transition.label})
    if record.publication not in transition.sources:
        raise ValidationError(
            _("A record that is %(state)s cannot be moved this way (%(action)s).")
            % {"state": record.get_publication_display(), "action": transition.label}
        )
    record.publication = transition.target
    record._change_reason = comment or str(transition.label)
    record.save(update_fields=["publication", "updated"])
    return record
