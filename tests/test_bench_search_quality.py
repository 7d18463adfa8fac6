"""`bench/search_quality.py` on the paper's records, so the search-quality benchmark never rots.

No score is required of either side, only that both were measured; and every case's expected
record must be one the fixtures hold, so a fixture change that drops a record fails here
rather than lowering a number quietly.
"""

import pytest
from followthemoney import model
from followthemoney.compare import compare_names

from bench import search_cases
from bench.search_quality import PeerPool, measure, peer_forms, peer_score


def test_every_case_expects_a_record_of_the_fixtures():
    records = search_cases.fixture_records()
    cases = search_cases.load()
    assert len(cases) >= 290
    assert {case["kind"] for case in cases} <= set(search_cases.KINDS)
    assert [case for case in cases if case["expected"] not in records] == []


def test_the_cases_file_is_what_the_rules_write(db):
    assert search_cases.load() == search_cases.paper_cases()


@pytest.mark.parametrize(
    ("schema", "query", "names"),
    [
        ("Person", "JONG, Kyong Thaek", ["Jong Kyong Thaek", "Chong Gyong Thaek"]),
        ("Person", "Mr. Ri Yong-gil", ["Ri Yong Gil"]),
        ("Organization", "Korea Kwangmyong Trading Corp", ["Korea Kwangmyong Trading Company"]),
    ],
)
def test_the_peer_scores_as_followthemoney_compares(schema, query, names):
    left, right = model.make_entity(schema), model.make_entity(schema)
    left.add("name", query)
    right.add("name", names)
    expected = compare_names(model.get(schema), left, right)
    assert peer_score(peer_forms(schema, [query]), peer_forms(schema, names)) == pytest.approx(
        expected
    )


def test_the_paper_set_is_measured_for_ours_and_the_peer(paper, client):
    # The cases and every fourth of the rest: each kind, in a few seconds (the
    # whole set is `make bench`'s to run).
    every = search_cases.load()
    cases = [case for n, case in enumerate(every) if case["origin"] == "issue" or n % 4 == 0]
    assert {case["kind"] for case in cases} == {case["kind"] for case in every}
    result = measure(cases, client)
    assert result["missing_expected"] == []
    assert result["cases"] == len(cases)
    assert result["pool"] == len(PeerPool().keys)
    rows = {row["kind"]: row for row in result["table"]}
    assert rows["all"]["cases"] == len(cases)
    for row in rows.values():
        for column in ("ours_p1", "ours_r5", "ours_all_p1", "peer_p1", "peer_r5"):
            assert 0 <= row[column] <= 1
    # `/match` is measured on the cases expecting an actor.
    assert 0 <= rows["all"]["match_p1"] <= rows["all"]["match_r5"] <= 1
    # An exact name is the least either side finds.
    assert rows["exact"]["ours_p1"] > 0 and rows["exact"]["peer_p1"] > 0
