"""How well the cross-resource search finds what is meant: precision at 1 and recall at 5 over
the labelled queries of `bench/search_cases.py`, ours beside OpenSanctions' name comparison.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/nkhr_bench python bench/search_quality.py
    python bench/search_quality.py --scale 10000   # the synthetic persons' cases as well

(`make bench` runs it as its "Search quality" section.) Ours: each query is sent to
`/api/v1/search/?q=` in-process (Django's test client, as bench/run.py sends its requests),
and the expected record's rank is read among the hits of the resources a case can expect
(actors, legislation, instruments, reports, mechanisms); a designation found by its
target's name is skipped, not counted against us. "ours, all hits" counts every hit.
"/match" posts the cases expecting an actor to `/api/v1/match/` (as `LegalEntity`, any
actor; a hundred a request) and reads the expected actor's rank among its results.

The peer: followthemoney's `compare_names` (the name part of `followthemoney.compare`, on
rigour's tokenizer and Levenshtein similarity), scoring the query against every published
record of those resources: its names, titles, short titles, symbols, bill numbers and
aliases, as an entity of the record's schema (Person for a person, Organization for
another actor; names only for the rest). The whole pool is scored, not our candidates, so
neither side is given the other's shortlist; ties are broken by the record's key, which
knows nothing of the expected record. Its forms are worked out once per record and scored in one
pass per query (`PeerPool.ranking`), so the synthetic set takes seconds.
"""

import argparse
import functools
import json
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import run, search_cases  # noqa: E402

POOL_RESOURCES = ("actors", "legislation", "instruments", "reports", "mechanisms")
TOP = 5


# --- the peer ----------------------------------------------------------------------------------


def peer_forms(schema: str | None, names) -> list[str]:
    """The forms followthemoney compares a record by: each name in lower case, and for a
    legal entity its sorted-token fingerprint (prefixes and company types normalized), as
    `followthemoney.compare.compare_names` makes them; each tokenized as the name type's
    `compare` does, ready for the Levenshtein similarity."""
    from followthemoney import model
    from rigour.names import remove_person_prefixes, replace_org_types_compare, tokenize_name

    forms, seen = [], set()
    entity = model.get(schema) if schema else None
    can_person = bool(entity and entity.is_a("LegalEntity") and not entity.is_a("Organization"))
    can_org = bool(entity and entity.is_a("LegalEntity") and not entity.is_a("Person"))
    for name in names:
        plain = name.lower().strip()
        if plain not in seen:
            seen.add(plain)
            forms.append(plain)
        if not (can_person or can_org):
            continue
        if can_person:
            name = remove_person_prefixes(name)
        if can_org:
            name = replace_org_types_compare(name)
        fingerprint = " ".join(sorted(tokenize_name(name.lower())))
        if len(fingerprint) > 6 and fingerprint not in seen:
            seen.add(fingerprint)
            forms.append(fingerprint)
    cleaned = (" ".join(tokenize_name(form.lower())) for form in forms)
    return [form for form in cleaned if form]


def peer_score(query_forms: list[str], forms: list[str]) -> float:
    """`compare_names` on the forms: the best Levenshtein similarity of any pair, times its
    small penalty for entities with very many names."""
    from followthemoney.types import registry
    from rigour.text.distance import levenshtein_similarity

    best = 0.0
    for left in query_forms:
        for right in forms:
            best = max(
                best, levenshtein_similarity(left, right, max_length=registry.name.max_length)
            )
    return best * min(1.0, 2 ** (-len(query_forms) * len(forms) / 40000))


class PeerPool:
    """Every record of the pool's resources with its forms, bucketed by form length."""

    def __init__(self):
        from django.contrib.auth.models import AnonymousUser

        import nkhr.api.urls  # noqa: F401  (it lists the search's resources)
        from nkhr.api.search import SearchView
        from nkhr.matching import Kind

        # The peer scores the names the records go by, as they are written: their names,
        # aliases, symbols and numbers from each record's search document (not the
        # abbreviations the document derives, nor the names of linked records).
        own = {Kind.NAME, Kind.ALIAS, Kind.KEY}
        self.keys, self.schemas, self.forms = [], [], []
        viewsets = dict(SearchView.resources)
        for resource in POOL_RESOURCES:
            queryset = viewsets[resource].queryset.visible_to(AnonymousUser())
            extra = ["kind"] if resource == "actors" else []
            rows = list(queryset.order_by("pk").values("pk", "search_names", *extra))
            for row in rows:
                schema = None
                if resource == "actors":
                    schema = "Person" if row["kind"] == "person" else "Organization"
                names = [entry[0] for entry in row["search_names"] or () if entry[2] in own]
                self.keys.append(f"{resource}/{row['pk']}")
                self.schemas.append(schema)
                self.forms.append(peer_forms(schema, names))
        # Each schema's distinct forms by length (synthetic names recur), with the records
        # each belongs to.
        grouped = defaultdict(lambda: defaultdict(list))
        for index, forms in enumerate(self.forms):
            for form in forms:
                grouped[self.schemas[index], len(form)][form].append(index)
        self.grouped = {
            key: (list(by_form), list(by_form.values())) for key, by_form in grouped.items()
        }

    def ranking(self, query: str) -> list[str]:
        """The pool's keys best first, as far as the top twenty go; a record no form of which
        is similar at all (a similarity of 0) is not ranked."""
        from followthemoney.types import registry
        from rigour import env
        from rigour.text.distance import levenshtein_similarity

        # rigour's similarity is 0 for lengths more than this many edits apart: only forms
        # of nearby lengths are scored.
        reach = env.LEVENSHTEIN_MAX_EDITS if env.LEVENSHTEIN_MAX_EDITS is not None else 10**6
        best = defaultdict(float)
        for schema in set(self.schemas):
            forms = peer_forms(schema, [query])
            for form in forms:
                similarity = functools.partial(
                    levenshtein_similarity, form, max_length=registry.name.max_length
                )
                for length in range(len(form) - reach, len(form) + reach + 1):
                    texts, owners = self.grouped.get((schema, length), ((), ()))
                    for score, indexes in zip(map(similarity, texts), owners, strict=True):
                        if not score:
                            continue
                        for index in indexes:
                            # `compare_names`' penalty for many names, as in `peer_score`.
                            penalty = 2 ** (-len(forms) * len(self.forms[index]) / 40000)
                            best[index] = max(best[index], score * min(1.0, penalty))
        ranked = sorted(
            (index for index in best if best[index] > 0),
            key=lambda index: (-best[index], self.keys[index]),
        )
        return [self.keys[index] for index in ranked[: 4 * TOP]]


# --- measuring --------------------------------------------------------------------------------


def our_ranking(client, query: str) -> tuple[list[str], list[str]]:
    """Our hits' keys: those of the pool's resources, and all of them, best first."""
    response = client.get("/api/v1/search/", {"q": query})
    if response.status_code != 200:
        raise RuntimeError(f"search {query!r} answered {response.status_code}")
    hits = [f"{hit['resource']}/{hit['id']}" for hit in response.json()["results"]]
    return [hit for hit in hits if hit.split("/", 1)[0] in POOL_RESOURCES], hits


MATCH_BATCH = 100


def match_rankings(client, queries: list[str]) -> list[list[str]]:
    """Each query's actors from `/api/v1/match/` (as LegalEntity: any actor), best first,
    the queries posted a hundred at a time."""
    rankings = []
    for start in range(0, len(queries), MATCH_BATCH):
        batch = queries[start : start + MATCH_BATCH]
        body = {
            "queries": [
                {"schema": "LegalEntity", "properties": {"name": [query]}} for query in batch
            ]
        }
        response = client.post(f"/api/v1/match/?limit={TOP}", body, content_type="application/json")
        if response.status_code != 200:
            raise RuntimeError(f"match answered {response.status_code}: {response.content[:200]}")
        responses = response.json()["responses"]
        for index in range(len(batch)):
            results = responses[str(index)]["results"]
            rankings.append([f"actors/{result['id']}" for result in results])
    return rankings


def _scores(rows: list[dict], field: str) -> dict:
    rows = [row for row in rows if row.get(field) is not None]
    n = len(rows)
    return {
        "p_at_1": round(sum(row[field] == 1 for row in rows) / n, 3) if n else None,
        "r_at_5": round(sum(0 < row[field] <= TOP for row in rows) / n, 3) if n else None,
    }


def summarize(rows: list[dict]) -> list[dict]:
    """Precision at 1 and recall at 5, overall and per kind, for ours and the peer."""
    groups = {"all": rows}
    for kind in search_cases.KINDS:
        chosen = [row for row in rows if row["kind"] == kind]
        if chosen:
            groups[kind] = chosen
    table = []
    for name, chosen in groups.items():
        ours, everything, peer, matched = (
            _scores(chosen, field) for field in ("ours", "ours_all", "peer", "match")
        )
        table.append(
            {
                "kind": name,
                "cases": len(chosen),
                "ours_p1": ours["p_at_1"],
                "ours_r5": ours["r_at_5"],
                "ours_all_p1": everything["p_at_1"],
                "peer_p1": peer["p_at_1"],
                "peer_r5": peer["r_at_5"],
                "match_p1": matched["p_at_1"],
                "match_r5": matched["r_at_5"],
            }
        )
    return table


def rank_of(expected: str, ranking: list[str]) -> int:
    """1-based rank, 0 when missing."""
    return ranking.index(expected) + 1 if expected in ranking else 0


def measure(cases: list[dict], client=None) -> dict:
    """Run every case, ours and the peer's; the table, the misses and the seconds each took."""
    client = client or run.new_client()
    started = time.perf_counter()
    pool = PeerPool()
    pool_seconds = time.perf_counter() - started
    missing = sorted({case["expected"] for case in cases} - set(pool.keys))
    rows, ours_seconds, peer_seconds = [], 0.0, 0.0
    for case in cases:
        started = time.perf_counter()
        ours, everything = our_ranking(client, case["query"])
        ours_seconds += time.perf_counter() - started
        started = time.perf_counter()
        peer = pool.ranking(case["query"])
        peer_seconds += time.perf_counter() - started
        rows.append(
            {
                **case,
                "match": None,
                "ours": rank_of(case["expected"], ours),
                "ours_all": rank_of(case["expected"], everything),
                "peer": rank_of(case["expected"], peer),
                "ours_top": ours[:1],
                "peer_top": peer[:1],
            }
        )
    # `/match` answers for actors only: the cases expecting one, in batches.
    screened = [row for row in rows if row["expected"].startswith("actors/")]
    started = time.perf_counter()
    for row, ranking in zip(
        screened, match_rankings(client, [row["query"] for row in screened]), strict=True
    ):
        row["match"] = rank_of(row["expected"], ranking)
    match_seconds = time.perf_counter() - started
    return {
        "cases": len(rows),
        "pool": len(pool.keys),
        "missing_expected": missing,
        "table": summarize(rows),
        "seconds": {
            "ours": round(ours_seconds, 2),
            "peer": round(peer_seconds + pool_seconds, 2),
            "match": round(match_seconds, 2),
        },
        "misses": [
            {key: row[key] for key in ("query", "expected", "kind", "ours", "peer", "ours_top")}
            for row in rows
            if row["ours"] != 1
        ],
    }


def run_search_quality(
    synthetic_sample: int = 30, seed: int = 1, client=None, paper: bool = True
) -> dict:
    """The paper's cases (when its records are loaded), and apart from them the synthetic
    persons' where the database has them."""
    synthetic = search_cases.synthetic_cases(synthetic_sample, seed) if synthetic_sample else []
    result = {}
    if paper:
        result["paper"] = measure(search_cases.load(), client)
    if synthetic:
        result["synthetic"] = measure(synthetic, client)
    return result


COLUMNS = [
    ("kind", "kind"),
    ("cases", "cases"),
    ("ours_p1", "ours P@1"),
    ("ours_r5", "ours R@5"),
    ("ours_all_p1", "ours P@1 all hits"),
    ("peer_p1", "peer P@1"),
    ("peer_r5", "peer R@5"),
    ("match_p1", "/match P@1"),
    ("match_r5", "/match R@5"),
]


def report_lines(result: dict) -> list[str]:
    lines = [
        "",
        "Search quality (ours: /api/v1/search/; peer: followthemoney compare_names; /match: "
        "/api/v1/match/ as LegalEntity, on the cases expecting an actor)",
    ]
    for name, part in result.items():
        lines += [
            f"{name}: {part['cases']} cases, a pool of {part['pool']} records; "
            f"{part['seconds']['ours']} s ours, {part['seconds']['peer']} s peer, "
            f"{part['seconds']['match']} s /match",
            run.table(part["table"], COLUMNS),
        ]
        if part["missing_expected"]:
            lines.append(f"expected but not in the database: {part['missing_expected']}")
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale", type=int, default=0, help="Seed this many synthetic records first (0: none)."
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--sample", type=int, default=30, help="Synthetic persons varied.")
    parser.add_argument(
        "--database-url", default=run.os.environ.get("DATABASE_URL", run.DEFAULT_DATABASE_URL)
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "search_quality.json")
    args = parser.parse_args(argv)
    run.ensure_database(args.database_url)
    run.configure(args.database_url)
    if args.scale:
        run.prepare(args.scale, args.seed, paper=True)
    else:
        from django.core.management import call_command

        call_command("bootstrap", verbosity=0)
    result = run_search_quality(args.sample, args.seed)
    print("\n".join(report_lines(result)))
    args.output.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    print(f"\nWrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
