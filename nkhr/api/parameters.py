"""Query parameters: what each route takes, declared once.

A `Parameter` says how its value is read (a 400 naming it when it cannot be) and how the
OpenAPI schema describes it, so that the check and the schema never disagree. A route
checks its whole query string at once (`check`): every unknown or malformed parameter is
named in one 400, `{"<param>": ["message"]}`, before anything is read.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from rest_framework import serializers

TRUE, FALSE = frozenset({"1", "true"}), frozenset({"0", "false"})


class Invalid(ValueError):
    """A parameter's value cannot be read; the message says what is taken."""


def as_flag(value: str) -> bool:
    folded = value.strip().lower()
    if folded in TRUE:
        return True
    if folded in FALSE:
        return False
    raise Invalid("Give true or false (1 or 0).")


def as_integer(minimum: int, maximum: int | None = None) -> Callable[[str], int]:
    def read(value: str) -> int:
        text = value.strip()
        # int() takes "+1", " 1", "1_000" and Unicode digits; a parameter is ASCII digits.
        if not (text.isascii() and text.isdigit()):
            raise Invalid(_range_message(minimum, maximum))
        number = int(text)
        if number < minimum or (maximum is not None and number > maximum):
            raise Invalid(_range_message(minimum, maximum))
        return number

    return read


def _range_message(minimum: int, maximum: int | None) -> str:
    if maximum is None:
        return f"Give a whole number, {minimum} or more."
    return f"Give a whole number from {minimum} to {maximum}."


def as_choice(choices: Iterable[str]) -> Callable[[str], str]:
    choices = tuple(choices)

    def read(value: str) -> str:
        if value not in choices:
            raise Invalid(f"Not one of {', '.join(choices)}.")
        return value

    return read


def as_choices(choices: Iterable[str]) -> Callable[[str], list[str]]:
    """Several of `choices`, comma-separated (`a,-b`); an empty value is none."""
    choices = tuple(choices)

    def read(value: str) -> list[str]:
        if value == "":
            return []
        terms = value.split(",")
        unknown = [term for term in terms if term not in choices]
        if unknown:
            named = ", ".join(f"`{term}`" for term in unknown)
            raise Invalid(f"Unknown: {named}; give some of {', '.join(choices)}.")
        return terms

    return read


def as_text(value: str) -> str:
    return value


@dataclass(frozen=True)
class Parameter:
    """A query parameter: how its value is read and how the schema shows it.

    `schema` is its OpenAPI schema; `many` that it takes several values comma-separated
    (an array in the schema, `style: form, explode: false`). A parameter whose value is
    read elsewhere (a filter, by its filter set) is declared with `read=as_text` and no
    schema: the filter set's schema describes it."""

    name: str
    read: Callable[[str], Any] = as_text
    schema: dict | None = None
    description: str = ""
    many: bool = False
    extra: dict = field(default_factory=dict)

    def openapi(self) -> dict:
        """The parameter as an OpenAPI parameter object."""
        parameter = {
            "name": self.name,
            "required": False,
            "in": "query",
            "description": self.description,
            "schema": self.schema or {"type": "string"},
        }
        if self.many:
            parameter.update(style="form", explode=False)
        return parameter


def check(request, parameters: Iterable[Parameter]) -> dict[str, Any]:
    """The query string's values read by `parameters` (by name), or a 400 naming every
    parameter that is unknown or malformed. A repeated parameter is read at each value."""
    accepted = {parameter.name: parameter for parameter in parameters}
    errors, values = {}, {}
    for name in request.query_params:
        parameter = accepted.get(name)
        if parameter is None:
            errors[name] = ["Unknown query parameter."]
            continue
        try:
            read = [parameter.read(value) for value in request.query_params.getlist(name)]
        except Invalid as exc:
            errors[name] = [str(exc)]
            continue
        values[name] = read[-1]
    if errors:
        raise serializers.ValidationError(dict(sorted(errors.items())))
    return values


def check_one(request, parameter: Parameter, default=None):
    values = request.query_params.getlist(parameter.name)
    if not values:
        return default
    try:
        return [parameter.read(value) for value in values][-1]
    except Invalid as exc:
        raise serializers.ValidationError({parameter.name: [str(exc)]}) from exc


# --- the parameters of the API's lists and details -----------------------------------------------

DEFAULT_LIMIT = 50
MAX_LIMIT = 1000
# Beyond any table's size; past it PostgreSQL and SQLite cannot take the number at all.
MAX_OFFSET = 2**31 - 1
# Counting stops here unless `?count=exact`: a count over a million rows costs more than the
# page itself, and "more than 10,000" answers what a list's count is for.
COUNT_LIMIT = 10_000

FORMAT = Parameter("format", description="The response's format (as the `Accept` header).")
BRIEF = Parameter(
    "brief",
    as_flag,
    {"type": "boolean"},
    "Return each record in brief form: `{id, url, name, kind}` (true/false or 1/0).",
)
LIMIT = Parameter(
    "limit",
    as_integer(1, MAX_LIMIT),
    {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
    f"Rows per page, 1 to {MAX_LIMIT} (default {DEFAULT_LIMIT}).",
)
OFFSET = Parameter(
    "offset",
    as_integer(0, MAX_OFFSET),
    {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
    "The row the page starts after (0: the first page).",
)
MODE = Parameter(
    "mode",
    as_choice(["cursor", "offset"]),
    {"type": "string", "enum": ["cursor", "offset"]},
    "`cursor` pages by a cursor (for full pulls; always in public id order, whatever "
    "`ordering` says) instead of an offset.",
)
COUNT = Parameter(
    "count",
    as_choice(["exact"]),
    {"type": "string", "enum": ["exact"]},
    f"`exact` counts every row (by default counting stops at {COUNT_LIMIT:,}, "
    "`count_capped` then says so).",
)
CURSOR = Parameter(
    "cursor",
    description="The cursor from a previous page's `next` link (a bad one is a 400).",
)
PAGINATION = (LIMIT, OFFSET, MODE, COUNT, CURSOR)

NULLS_RULE = (
    "Records without a value (an undated record) come last, and first with `-`; ties are "
    "broken by the public id."
)


def ordering_parameter(fields: Iterable[str]) -> Parameter:
    terms = [term for name in fields for term in (name, f"-{name}")]
    return Parameter(
        "ordering",
        as_choices(terms),
        {"type": "array", "items": {"type": "string", "enum": terms}},
        "Order by these fields, comma-separated (`-` reverses one). " + NULLS_RULE,
        many=True,
    )


def facets_parameter(names: Iterable[str]) -> Parameter:
    names = list(names)
    return Parameter(
        "facets",
        as_choices(names),
        {"type": "array", "items": {"type": "string", "enum": names}},
        "Count the records under the same filters by each value of these fields, "
        "comma-separated: `facets` beside the page.",
        many=True,
    )


def list_parameters(view) -> list[Parameter]:
    """Everything a resource's list takes: its filters (their values read by its filter
    set), ordering, facets, brief form and pages."""
    filterset = getattr(view, "filterset_class", None)
    filters = [Parameter(name) for name in getattr(filterset, "base_filters", ())]
    facets = filterset.facet_names() if hasattr(filterset, "facet_names") else ()
    own = [FORMAT, BRIEF, *PAGINATION, ordering_parameter(view.ordering_fields)]
    if facets:
        own.append(facets_parameter(facets))
    return [*own, *filters]


def detail_parameters(view) -> list[Parameter]:
    """What a record's detail takes: its format and brief form."""
    return [FORMAT, BRIEF]
