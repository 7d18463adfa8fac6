"""Property-based run of every operation in the OpenAPI schema, against the app itself.

Schemathesis loads `/api/v1/schema/` from the Django WSGI application in-process and
generates requests for each operation from the schema; every response must be no 5xx and
must conform to the schema (a documented status code, a documented content type, a body
matching the documented schema, documented headers). Each operation runs twice: as an
anonymous client (reads answer, writes are refused) and as a curator with a token (a user of
the Curator group, not a superuser: writes go through, deletes and publishing are refused,
all as documented; a 428 or 412 for a write without a current If-Match is documented too).
A few records are seeded first so lists have rows and each detail route is also called with
a real public id, among them a published designation whose target is a draft, which the
public reads as `target: null` (the schema must allow it), and a pending change (which the
public may not read: 401).

`test_curator_workflows_follow_the_schema_links` then runs Schemathesis' state machine as
the curator: it follows the links the schema declares (a record's create and read answers
lead to its update, delete, history and publication routes by `id`), with the same checks.

The operations are collected when this module is imported, one test per operation and
client, so the test ids are the same on every xdist worker.
"""

import functools
from pathlib import Path

import pytest
import schemathesis
from django.contrib.auth.models import Group, User
from django.contrib.contenttypes.models import ContentType
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import run_state_machine_as_test
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.config import CacheConfig, ReportsConfig, SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from nkhr import dumps
from nkhr.models import PendingChange
from tests.factories import (
    AliasFactory,
    DesignationFactory,
    DesignationRoundFactory,
    EventFactory,
    FundingProgrammeFactory,
    InstrumentFactory,
    LegislationFactory,
    MechanismFactory,
    OrganisationFactory,
    PersonFactory,
    RecommendationFactory,
    ReportFactory,
    SanctionsRegimeFactory,
    SourceFactory,
)

SCHEMA_PATH = "/api/v1/schema/?format=json"
API_PREFIX = "/api/v1/"
# Examples generated per operation and client: enough to vary parameters and bodies, few
# enough that the whole file stays well under a minute on two cores.
MAX_EXAMPLES = 5
# An anonymous write is refused (401) before its body is read, so fewer examples say it all.
MAX_EXAMPLES_REFUSED = 2
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
CLIENTS = ["anonymous", "curator"]
# Resources the public may not read at all (pending changes are for the staff).
STAFF_ONLY = frozenset({"pending-changes"})
# POSTs that only read (screening by example), open to the public as reads are.
READING_POSTS = frozenset({"/api/v1/match/"})
# Steps of the curator's stateful runs: each a chain of linked calls from a fresh state.
STATEFUL_EXAMPLES = 15
STATEFUL_STEPS = 6
# Schemathesis keeps no cache of its own here (by default .schemathesis/ in the working
# directory), and any report goes to pytest's git-ignored folder.
CONFIG = SchemathesisConfig(
    cache=CacheConfig(enabled=False),
    reports=ReportsConfig(
        directory=str(Path(__file__).resolve().parent.parent / ".pytest_cache" / "schemathesis")
    ),
)


def operation_labels(schema) -> list[str]:
    return sorted(result.ok().label for result in schema.get_all_operations())


# Collection cannot call the app (each request opens a transaction, and the database is the
# test's only once a test runs), so the test ids come from the same generator the schema view
# uses; `test_served_schema_has_the_collected_operations` proves the two agree.
LABELS = operation_labels(
    schemathesis.openapi.from_dict(SchemaGenerator().get_schema(public=True), config=CONFIG)
)


@functools.cache
def served_schema():
    """The schema as `/api/v1/schema/` serves it, loaded once per process (inside a test)."""
    return schemathesis.openapi.from_wsgi(SCHEMA_PATH, get_wsgi_application(), config=CONFIG)


def served_operation(label: str):
    return next(r.ok() for r in served_schema().get_all_operations() if r.ok().label == label)


def resource_of(operation) -> str:
    """The resource prefix of an operation's path: `/api/v1/actors/{id}/` -> `actors`."""
    return operation.path.removeprefix(API_PREFIX).split("/", 1)[0]


@pytest.fixture
def keep_test_connection():
    """Keep the database connection open across requests, as Django's test client does.

    The WSGI handler closes "old" connections when a request starts and finishes; inside a
    test's transaction that closes the connection (PostgreSQL), losing the test's data."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def public_ids(db, keep_test_connection) -> dict[str, str]:
    """A little of everything, so lists have rows; the public id of one record per resource."""
    person = PersonFactory(name="Kim Jong Un")
    AliasFactory(actor=person, name="Kim Jong-un")
    AliasFactory(actor=person, name="Kim Jeong-eun")
    OrganisationFactory(name="Ministry of State Security", kind="ministry")
    regime = SanctionsRegimeFactory()
    designation_round = DesignationRoundFactory(regime=regime)
    designation = DesignationFactory(target=person, regime=regime, round=designation_round)
    mechanism = MechanismFactory()
    # A published record linking to a draft: the public reads the link as null.
    draft = PersonFactory(name="Draft Person", publication="draft")
    DesignationFactory(target=draft, regime=regime, round=designation_round)
    records = {
        "actors": person,
        "sources": SourceFactory(),
        "instruments": InstrumentFactory(),
        "legislation": LegislationFactory(),
        "mechanisms": mechanism,
        "reports": ReportFactory(),
        "sanctions-regimes": regime,
        "designation-rounds": designation_round,
        "designations": designation,
        "funding-programs": FundingProgrammeFactory(),
        "events": EventFactory(),
        "recommendations": RecommendationFactory(),
    }
    ids = {resource: record.pk for resource, record in records.items()}
    # A curator's change to a published record, waiting for an editor.
    proposer = User.objects.create_user("proposer")
    ids["pending-changes"] = str(
        PendingChange.objects.create(
            content_type=ContentType.objects.get_for_model(person),
            object_id=person.pk,
            author=proposer,
            base={"name": person.name},
            proposed={"name": "Kim Jong-un"},
        ).pk
    )
    return ids


def client_headers(client: str) -> dict[str, str]:
    if client == "anonymous":
        return {}
    user = User.objects.create_user("schemathesis", password="a long passphrase", is_staff=True)
    user.groups.add(Group.objects.get(name="Curator"))
    return {"Authorization": f"Token {Token.objects.create(user=user).key}"}


def strategy_for(operation, public_ids: dict[str, str]):
    """Cases of the operation; a detail route is tried with a real record's id first (the
    first branch of `one_of` is the one Hypothesis starts from) and with generated ids."""
    strategy = operation.as_strategy()
    if "{id}" in operation.path:
        real_id = public_ids[resource_of(operation)]
        strategy = st.one_of(operation.as_strategy(path_parameters={"id": real_id}), strategy)
    if "{name}" in operation.path:  # a file of the bulk dump
        real_name = public_ids[resource_of(operation)]
        strategy = st.one_of(operation.as_strategy(path_parameters={"name": real_name}), strategy)
    return strategy


@pytest.mark.parametrize("client", CLIENTS)
@pytest.mark.parametrize("label", LABELS)
def test_operation_conforms_to_the_schema(label, client, public_ids):
    operation = served_operation(label)
    if resource_of(operation) == "dumps":
        # A bulk dump of the records, so /dumps/ lists one and its files are served (built
        # for these operations alone: it is half of the records' setup).
        public_ids["dumps"] = dumps.build(write=lambda line: None).manifest["files"][0]["name"]
    headers = client_headers(client)
    statuses = []
    reads = operation.method.upper() == "GET" or (
        operation.method.upper() == "POST" and operation.path in READING_POSTS
    )
    refused = client == "anonymous" and (not reads or resource_of(operation) in STAFF_ONLY)

    @settings(
        max_examples=MAX_EXAMPLES_REFUSED if refused else MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        # Shrinking is left on: a failure is reported with its smallest request.
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy_for(operation, public_ids))
    def call_and_validate(case):
        statuses.append(case.call_and_validate(headers=headers, checks=CHECKS).status_code)

    call_and_validate()
    if refused:
        assert set(statuses) <= {401, 403}, statuses
    elif operation.method.upper() == "GET":
        # Proves the run reached real rows rather than only 404s and 400s: a read's first
        # case is its simplest (no optional parameter, the seeded record's id).
        assert any(200 <= status < 300 for status in statuses), statuses


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_test_connection")
def test_served_schema_has_the_collected_operations():
    assert operation_labels(served_schema()) == LABELS


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_test_connection")
def test_the_schema_links_each_records_routes(public_ids):
    links = served_operation("POST /api/v1/actors/").definition.raw["responses"]["201"]["links"]
    assert {link["operationId"] for link in links.values()} == {
        "actors_retrieve",
        "actors_update",
        "actors_partial_update",
        "actors_destroy",
        "actors_history_list",
        "actors_publication_create",
    }


def test_curator_workflows_follow_the_schema_links(public_ids):
    headers = client_headers("curator")
    calls: list[tuple[str, int]] = []

    # Pending changes are left out: their operations are checked one by one above.
    schema = served_schema().exclude(path_regex="pending-changes")

    class CuratorWorkflow(schema.as_state_machine()):
        # Each scenario starts from the same rows: what one scenario created is rolled back
        # before the next, so a replay sees the answers the first run saw (a second create of
        # the same name would otherwise be refused, leaving the rules that follow its link
        # without an id, which Hypothesis reports as flaky generation).
        def setup(self):
            self.savepoint = transaction.savepoint()

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        def get_call_kwargs(self, case):
            return {"headers": headers}

        def validate_response(self, response, case, **kwargs):
            calls.append((case.operation.label, response.status_code))
            case.validate_response(response, checks=CHECKS)

    run_state_machine_as_test(
        CuratorWorkflow,
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=STATEFUL_STEPS,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    linked = sorted({label for label, _ in calls if "{id}" in label})
    print(f"stateful: {len(calls)} calls, {len(linked)} operations reached by a link")
    # Links were followed: some call was made with an id a previous answer gave.
    assert any("{id}" in label for label, _ in calls), calls
    assert not [call for call in calls if call[1] >= 500], calls
