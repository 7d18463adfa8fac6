"""`history_reason`: a reason stored in history, shown in the reader's language.

Reasons the application writes are stored in English ("Restored", "Reverted to version 12"),
so that a version reads the same whoever made it; they are translated when shown. A
curator's own comment is shown as typed.

    {% load nkhr_history %}{{ version.history_change_reason|history_reason }}
"""

import re

from django import template
from django.utils.translation import gettext, gettext_noop

register = template.Library()

# The reasons with a value in them, as stored (English); those without one ("Restored", the
# workflow's step names) are translated as they are.
STORED_REASONS = (
    gettext_noop("Reverted to version %(version)s"),
    gettext_noop("import of %(file)s"),
    # A merge's (`nkhr.merging`): those naming "this record" before the general forms.
    gettext_noop("Merged %(duplicate)s into this record"),
    gettext_noop("Reverted the merge of %(duplicate)s into this record"),
    gettext_noop("Merged into %(survivor)s"),
    gettext_noop("Merged %(duplicate)s into %(survivor)s"),
    gettext_noop("Reverted the merge of %(duplicate)s into %(survivor)s"),
)
# What `manage.py bootstrap` writes on the first version of the paper's records.
gettext_noop("Loaded from the paper's fixtures (KINU CO22-19)")

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _pattern(msgid: str) -> re.Pattern:
    parts = _PLACEHOLDER.split(msgid)
    # split() alternates literal text and placeholder names.
    regex = "".join(
        re.escape(part) if index % 2 == 0 else f"(?P<{part}>.+)" for index, part in enumerate(parts)
    )
    return re.compile(regex, re.DOTALL)


_PATTERNS = [(_pattern(msgid), msgid) for msgid in STORED_REASONS]


@register.filter
def history_reason(reason) -> str:
    """`reason` translated if the application wrote it, else as it is."""
    if not reason:
        return ""
    reason = str(reason)
    translated = gettext(reason)
    if translated != reason:
        return translated
    for pattern, msgid in _PATTERNS:
        match = pattern.fullmatch(reason)
        if match:
            return gettext(msgid) % match.groupdict()
    return reason
