"""The explorer's pages timed by bench/run.py (section `explorer`): p50 and p95 over
`repeat` requests after a warm-up, and SQL queries per request, for each page type, as an
anonymous visitor. Home, charts and downloads read the cached aggregates (nkhr/stats.py):
their first, uncached request is timed apart (`cold_ms`), since the first visitor after
every publication waits for it."""

import statistics
from urllib.parse import urlencode


def explorer_pages(subjects: dict) -> list[tuple[str, str]]:
    from sanctions.models import DesignationRound

    round_id = DesignationRound.objects.order_by("-pk").values_list("pk", flat=True).first()
    return [
        ("home", "/"),
        ("search full name", "/search/?" + urlencode({"q": subjects["full_name"]})),
        ("search variant", "/search/?" + urlencode({"q": subjects["variant"]})),
        ("record: person", f"/actors/{subjects['person']}/"),
        ("record: designation round", f"/designation-rounds/{round_id}/"),
        ("list: designations", "/designations/"),
        ("timeline", "/timeline/"),
        ("timeline, UN, one year", "/timeline/?actor=un&year=2016"),
        ("charts", "/charts/"),
        ("downloads", "/downloads/"),
    ]


def run_explorer(subjects: dict, repeat: int, warmup: int, timed, percentile, count_queries):
    from django.core.cache import cache
    from django.test import Client

    # The test client names its host "testserver"; production settings allow 127.0.0.1.
    client = Client(HTTP_HOST="127.0.0.1")

    def fetch(path):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response.content

    results = []
    for name, path in explorer_pages(subjects):
        cache.clear()
        cold = timed(lambda path=path: fetch(path), 1, 0)[0]
        samples = timed(lambda path=path: fetch(path), repeat, warmup)
        results.append(
            {
                "page": name,
                "path": path,
                "requests": repeat,
                "cold_ms": round(cold, 1),
                "p50_ms": round(statistics.median(samples), 1),
                "p95_ms": round(percentile(samples, 0.95), 1),
                "queries": count_queries(lambda path=path: fetch(path)),
            }
        )
    return results


def report_explorer(rows: list, table) -> list[str]:
    columns = [
        ("page", "page"),
        ("cold_ms", "first ms"),
        ("p50_ms", "p50 ms"),
        ("p95_ms", "p95 ms"),
        ("queries", "queries"),
    ]
    return ["", "Explorer (anonymous; first = cache cleared)", table(rows, columns)]
