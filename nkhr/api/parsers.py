"""Request bodies: JSON with a bound on nesting.

No record nests more than a few levels (a record, its rows, a row's values); a body nested
hundreds deep is refused with a 400 before it reaches a serializer (or Python's recursion
limit, which would be a 500).
"""

from rest_framework import parsers
from rest_framework.exceptions import ParseError

MAX_DEPTH = 20


def nesting_depth(data, limit: int) -> int:
    """How deeply lists and objects nest in `data`, counted up to `limit + 1` only."""
    deepest, pending = 0, [(data, 1)]
    while pending:
        value, depth = pending.pop()
        if isinstance(value, dict):
            children = value.values()
        elif isinstance(value, list):
            children = value
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        pending.extend((child, depth + 1) for child in children)
    return deepest


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as exc:
            raise ParseError(self.too_deep()) from exc
        if nesting_depth(data, MAX_DEPTH) > MAX_DEPTH:
            raise ParseError(self.too_deep())
        return data

    @staticmethod
    def too_deep() -> str:
        return f"JSON parse error - the request body nests deeper than {MAX_DEPTH} levels."
