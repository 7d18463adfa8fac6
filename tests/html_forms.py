"""What a browser would submit from a page: the fields of one `<form>`, read from the HTML.

The admin tests post what this returns instead of values rebuilt from the form objects, so a
field the page never renders (a hidden primary key of an inline row, say) is missing here as
it is in a real browser. The rules are the HTML standard's "constructing the entry list", for
the controls the admin renders:

* `<input>`: its `value` (default ""); checkboxes and radios only when `checked`; `submit`,
  `button`, `reset`, `image` and `file` controls are left out (the caller names the button).
* `<select>`: every selected option's value (the option's text when it has no `value`); a
  single select with none selected submits its first option.
* `<textarea>`: its text, with the one newline a browser drops after the start tag removed.
* Disabled controls, and controls without a name, submit nothing.
"""

from html.parser import HTMLParser

SKIPPED_INPUT_TYPES = {"submit", "button", "reset", "image", "file"}


class _FormParser(HTMLParser):
    """Collects the fields of the first `<form>` whose attributes `chooses` accepts."""

    def __init__(self, chooses):
        super().__init__(convert_charrefs=True)
        self.chooses = chooses
        self.found = False
        self.in_form = False
        self.fields: list[tuple[str, str]] = []
        self._select: dict | None = None
        self._option: dict | None = None
        self._textarea: dict | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.in_form = not self.found and self.chooses(attrs)
            self.found = self.found or self.in_form
            return
        if not self.in_form:
            return
        if tag == "input":
            self._input(attrs)
        elif tag == "select":
            self._select = {**attrs, "options": [], "multiple": "multiple" in attrs}
        elif tag == "option" and self._select is not None:
            self._option = {"value": attrs.get("value"), "selected": "selected" in attrs}
            self._option["text"] = ""
            self._select["options"].append(self._option)
        elif tag == "textarea":
            self._textarea = {**attrs, "text": ""}

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)

    def handle_data(self, data):
        if self._option is not None:
            self._option["text"] += data
        elif self._textarea is not None:
            self._textarea["text"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "option":
            self._option = None
        elif tag == "select" and self._select is not None:
            self._end_select(self._select)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            text = self._textarea["text"]
            if text.startswith("\r\n"):
                text = text[2:]
            elif text.startswith("\n"):
                text = text[1:]
            self._add(self._textarea, text.replace("\r\n", "\n").replace("\n", "\r\n"))
            self._textarea = None

    def _input(self, attrs):
        kind = attrs.get("type", "text").lower()
        if kind in SKIPPED_INPUT_TYPES:
            return
        if kind in ("checkbox", "radio"):
            if "checked" in attrs:
                self._add(attrs, attrs.get("value", "on"))
            return
        self._add(attrs, attrs.get("value", ""))

    def _end_select(self, select):
        options = select["options"]
        chosen = [option for option in options if option["selected"]]
        if not chosen and not select["multiple"] and options and "size" not in select:
            chosen = options[:1]
        for option in chosen:
            value = option["value"] if option["value"] is not None else option["text"].strip()
            self._add(select, value)

    def _add(self, attrs, value):
        name = attrs.get("name")
        if name and "disabled" not in attrs:
            self.fields.append((name, value))


def submitted_fields(html: str, form_id: str | None = None) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser submits from the form with `form_id` (or the page's
    first form), in document order."""
    return _fields(html, lambda attrs: form_id is None or attrs.get("id") == form_id)


def _fields(html: str, chooses) -> list[tuple[str, str]]:
    parser = _FormParser(chooses)
    parser.feed(html)
    parser.close()
    if not parser.found:
        raise AssertionError("the page has no such <form>")
    return parser.fields


def as_post_data(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    """`fields` as the test client's POST data: repeated names keep every value."""
    data: dict[str, list[str]] = {}
    for name, value in fields:
        data.setdefault(name, []).append(value)
    return data


def admin_form_post(html: str, button: str = "_save") -> dict[str, list[str]]:
    """What pressing `button` on an admin add/change page submits. The admin names its
    change form `<model>_form` (the language switcher and logout forms come before it)."""
    data = as_post_data(_fields(html, lambda attrs: attrs.get("id", "").endswith("_form")))
    data[button] = [""]
    return data
