"""The tests every API resource must pass, written once and inherited by each resource.

A resource's test class names its route and factory and gives a few examples; everything
else (listing, detail, brief form, filters, search, ordering, pagination, CSV, writes,
permissions, conditional requests, query counts) is checked here:

    class ActorAPITest(RecordAPITest):
        resource = "actors"
        factory = ActorFactory
        filters = {"kind": ("state", {"kind": "state"})}
        search_cases = [("chong gyong thaek", {"name": "Jong Kyong-thaek"})]

        def valid_payload(self):
            return {"name": "Ministry of Unification", "kind": "ministry"}

        def invalid_payloads(self):
            return [({"kind": "ministry"}, "name")]

A filter example is `name: (query value, factory kwargs of a record that must match)`; a
default-made record must not match. Callables among the kwargs are called first, so a
related record can be made with a known public id (`lambda: ActorFactory(id="x")`).
"""

import csv
import datetime
import io
from urllib.parse import urlsplit

import django_filters
import pytest
from django.apps import apps
from django.contrib.auth.models import Permission, User
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone
from django.utils.http import http_date
from rest_framework.test import APIClient

from nkhr.api.pagination import MAX_LIMIT
from nkhr.api.reading import reader_for
from nkhr.api.urls import RESOURCES
from nkhr.models import Publication
from nkhr.models.publication import VIEW_UNPUBLISHED_CODENAME
from tests.factories import SourceFactory

API_ROOT = "/api/v1/"
BRIEF_KEYS = {"id", "url", "name", "kind"}
RECORD_APPS = ("nkhr", "mechanisms", "sanctions", "grants")


def is_brief(value) -> bool:
    return isinstance(value, dict) and value.keys() == BRIEF_KEYS


def result_ids(response) -> list[str]:
    return [row["id"] for row in response.json()["results"]]


def count_queries(client, url: str, **extra) -> int:
    """The number of database queries one GET of `url` runs (after checking it is a 200)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **extra)
    assert response.status_code == 200, response.content
    return len(queries)


def database_counts() -> dict[str, int]:
    """Rows in every table of the project's apps, to prove a refused write wrote nothing."""
    return {
        model._meta.label: model._base_manager.count()
        for label in RECORD_APPS
        for model in apps.get_app_config(label).get_models()
        if model._meta.managed
    }


def database_rows() -> dict[str, list[dict]]:
    """Every row, every column, of every table of the project's apps (history included), to
    prove a write changed nothing at all."""
    return {
        model._meta.label: list(model._base_manager.order_by("pk").values())
        for label in RECORD_APPS
        for model in apps.get_app_config(label).get_models()
        if model._meta.managed
    }


def user_with_permissions(model, *actions: str) -> User:
    """A user holding the model's `add`/`change`/`delete` permissions named by `actions`, and
    `nkhr.publish_record` with "publish" (without it, a change to a published record waits
    for an editor: `nkhr.pending`)."""
    user = User.objects.create_user(username=f"user-{'-'.join(actions) or 'without'}")
    if "publish" in actions:
        user.user_permissions.add(Permission.objects.get(codename="publish_record"))
        actions = tuple(action for action in actions if action != "publish")
    # A proxy (a sanctions regime) has permissions of its own, under its own content type.
    content_type = ContentType.objects.get_for_model(model, for_concrete_model=False)
    codenames = [f"{action}_{model._meta.model_name}" for action in actions]
    permissions = Permission.objects.filter(content_type=content_type, codename__in=codenames)
    assert permissions.count() == len(codenames), codenames
    user.user_permissions.add(*permissions)
    return user


def analyst_client() -> APIClient:
    """A client of a user who may read drafts (`nkhr.view_unpublished`), as analysts do."""
    user = User.objects.create_user(username="analyst")
    user.user_permissions.add(Permission.objects.get(codename=VIEW_UNPUBLISHED_CODENAME))
    client = APIClient()
    client.force_authenticate(user)
    return client


def if_match(client, url: str) -> dict:
    """The If-Match header of a write to `url`, as a client sends it: the ETag of a GET just
    made (writes to an existing record need one; 428 without it)."""
    response = client.get(url)
    assert response.status_code == 200, response.content
    return {"HTTP_IF_MATCH": response["ETag"]}


def add_every_row(record, each: int = 2):
    """Give `record` `each` rows in every relation that points at it and has a factory (its
    aliases, citations, bill actions, positions held, designations targeting it …), so that
    a read that forgot to prefetch one of them queries once per row and is caught."""
    from django.db import IntegrityError, transaction

    from tests import factories

    model = type(record)
    for relation in model._meta.related_objects:
        row_factory = getattr(factories, f"{relation.related_model.__name__}Factory", None)
        if not relation.one_to_many or row_factory is None:
            continue
        for _ in range(each):
            try:
                with transaction.atomic():
                    row_factory(**{relation.field.name: record})
            except IntegrityError:  # a row the relation allows only once
                break
    if hasattr(record, "citations"):
        for _ in range(each):
            factories.CitationFactory(record=record)
    return record


def resolve_callables(kwargs: dict) -> dict:
    return {name: value() if callable(value) else value for name, value in kwargs.items()}


class RecordAPITest:
    """Generic tests of one resource under `/api/v1/`; subclasses set the attributes below."""

    # Not collected itself; each subclass that names a resource is (see __init_subclass__).
    __test__ = False

    # URL prefix under /api/v1/ (a name from nkhr.api.urls.RESOURCES).
    resource: str = ""
    # factory_boy factory of the resource's model; `factory()` alone makes a valid record.
    factory = None
    # filter name -> (query value, factory kwargs of a record the filter must keep)
    filters: dict[str, tuple[str, dict]] = {}
    # (search words, factory kwargs of the record they must find)
    search_cases: list[tuple[str, dict]] = []
    # Fields `?ordering=` is tested on; None means every field the viewset declares.
    ordering_fields: list[str] | None = None
    # Overrides for the filters the error tests use (None: found in the filterset).
    choice_filter: str | None = None
    related_filter: str | None = None
    # Whether the resource's records carry citations (sources are cited, never citing).
    has_citations = True
    # Whether a linked record shows at least one related record (checked in the CSV test).
    has_links = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # pytest collects classes named Test*; these are named <Model>APITest, so opt in.
        if cls.resource:
            cls.__test__ = True

    # --- hooks -------------------------------------------------------------------------------

    def make_record(self, **kwargs):
        return self.factory(**kwargs)

    def make_linked_record(self):
        """A record with its related records set, for the CSV and query-count tests."""
        return self.make_record()

    def valid_payload(self) -> dict:
        """A POST body that creates a record (related records may be made here)."""
        raise NotImplementedError

    def invalid_payloads(self) -> list[tuple[dict, str]]:
        """Bad POST bodies, each with the field its 400 must name."""
        raise NotImplementedError

    def patch_payload(self) -> dict:
        for name in ("name", "title"):
            if name in {f.name for f in self.model._meta.fields}:
                return {name: "A name changed by PATCH"}
        raise NotImplementedError

    # --- derived attributes ------------------------------------------------------------------

    @property
    def model(self):
        return self.factory._meta.model

    @property
    def viewset(self):
        return next(viewset for prefix, viewset, _ in RESOURCES if prefix == self.resource)

    @property
    def basename(self) -> str:
        return next(basename for prefix, _, basename in RESOURCES if prefix == self.resource)

    @property
    def list_url(self) -> str:
        return f"{API_ROOT}{self.resource}/"

    def detail_url(self, record) -> str:
        return f"{self.list_url}{record.pk}/"

    @property
    def filterset_filters(self) -> dict:
        return self.viewset.filterset_class.base_filters

    def find_filter(self, wanted) -> str | None:
        return next((name for name, f in self.filterset_filters.items() if wanted(f)), None)

    @property
    def choice_filter_name(self) -> str | None:
        return self.choice_filter or self.find_filter(
            lambda f: (
                isinstance(f, django_filters.ChoiceFilter | django_filters.MultipleChoiceFilter)
                and not hasattr(f, "queryset")
            )
        )

    @property
    def related_filter_name(self) -> str | None:
        return self.related_filter or self.find_filter(
            lambda f: isinstance(f, django_filters.ModelMultipleChoiceFilter)
        )

    @property
    def date_filter_name(self) -> str:
        partial_dates = self.viewset.filterset_class.partial_dates
        return f"{partial_dates[0] if partial_dates else 'created'}_after"

    def pytest_generate_tests(self, metafunc):
        # One test per example, so a failure names the filter or field it is about.
        if "filter_name" in metafunc.fixturenames:
            metafunc.parametrize("filter_name", list(self.filters))
        if "search_case" in metafunc.fixturenames:
            metafunc.parametrize(
                "search_case", self.search_cases, ids=[words for words, _ in self.search_cases]
            )
        if "ordering_field" in metafunc.fixturenames:
            fields = self.ordering_fields
            if fields is None:
                fields = self.viewset.ordering_fields
            metafunc.parametrize("ordering_field", list(fields))

    @pytest.fixture
    def client(self):
        return APIClient()

    def client_with(self, *actions: str) -> APIClient:
        client = APIClient()
        client.force_authenticate(user_with_permissions(self.model, *actions))
        return client

    # --- reading -----------------------------------------------------------------------------

    def test_list_gives_count_and_results(self, client, db):
        records = [self.make_record(), self.make_record()]
        response = client.get(self.list_url)
        assert response.status_code == 200
        data = response.json()
        assert data["count"] == self.model.objects.count()
        assert {r.pk for r in records} <= set(result_ids(response))
        for row in data["results"]:
            assert {"id", "url", "created", "updated"} <= row.keys()
            if self.has_citations:
                for citation in row["citations"]:
                    assert {"source", "source_title", "locator", "quote"} <= citation.keys()
                    assert is_brief(citation["source"])
        if self.has_citations:
            assert any(row["citations"] for row in data["results"])

    def test_each_result_links_to_its_detail(self, client, db):
        self.make_record()
        for row in client.get(self.list_url).json()["results"]:
            parts = urlsplit(row["url"])
            assert parts.scheme == "http" and parts.netloc == "testserver"
            match = resolve(parts.path)
            assert match.url_name == f"{self.basename}-detail"
            assert match.kwargs["pk"] == row["id"]

    def test_citations_say_where_in_which_source(self, client, db):
        if not self.has_citations:
            pytest.skip("this resource carries no citations")
        source = SourceFactory(title="KINU Online Series CO22-19")
        record = self.make_record(cited__source=source, cited__section="2.b.(1)")
        citations = client.get(self.detail_url(record)).json()["citations"]
        assert len(citations) == 1
        assert citations[0]["source"]["id"] == source.pk
        assert citations[0]["source_title"] == "KINU Online Series CO22-19"
        assert citations[0]["locator"] == "section 2.b.(1)"

    def test_detail_by_public_id(self, client, db):
        record = self.make_record()
        response = client.get(self.detail_url(record))
        assert response.status_code == 200
        assert response.json()["id"] == record.pk
        assert response.json()["url"] == f"http://testserver{self.detail_url(record)}"

    def test_unknown_id_is_404(self, client, db):
        assert client.get(f"{self.list_url}no-such-record/").status_code == 404

    def test_brief_mode(self, client, db):
        record = self.make_record()
        rows = client.get(self.list_url, {"brief": "1"}).json()["results"]
        assert rows and all(row.keys() == BRIEF_KEYS for row in rows)
        detail = client.get(self.detail_url(record), {"brief": "1"}).json()
        assert detail.keys() == BRIEF_KEYS
        assert detail["id"] == record.pk

    # --- filters -----------------------------------------------------------------------------

    def test_filter_narrows(self, client, db, filter_name):
        value, kwargs = self.filters[filter_name]
        matching = self.make_record(**resolve_callables(kwargs))
        other = self.make_record()
        response = client.get(self.list_url, {filter_name: value})
        assert response.status_code == 200, response.content
        ids = result_ids(response)
        assert matching.pk in ids
        assert other.pk not in ids

    def test_updated_since(self, client, db):
        old, new = self.make_record(), self.make_record()
        # queryset.update() skips the signal that stamps `updated`.
        self.model._base_manager.filter(pk=old.pk).update(
            updated=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
        )
        response = client.get(self.list_url, {"updated_since": "2021-01-01T00:00:00Z"})
        assert response.status_code == 200
        ids = result_ids(response)
        assert new.pk in ids
        assert old.pk not in ids
        malformed = client.get(self.list_url, {"updated_since": "yesterday"})
        assert malformed.status_code == 400
        assert "updated_since" in malformed.json()

    def test_unknown_parameter_is_400_naming_it(self, client, db):
        response = client.get(self.list_url, {"no_such_filter": "x"})
        assert response.status_code == 400
        assert "no_such_filter" in response.json()

    def test_unknown_choice_is_400_naming_the_parameter(self, client, db):
        name = self.choice_filter_name
        if name is None:
            pytest.skip("no choice filter on this resource")
        response = client.get(self.list_url, {name: "no-such-choice"})
        assert response.status_code == 400
        assert name in response.json()

    def test_malformed_date_is_400_naming_the_parameter(self, client, db):
        name = self.date_filter_name
        response = client.get(self.list_url, {name: "2015-13-40"})
        assert response.status_code == 400
        assert name in response.json()
        assert client.get(self.list_url, {name: "last year"}).status_code == 400

    def test_unknown_related_id_is_400(self, client, db):
        name = self.related_filter_name
        if name is None:
            pytest.skip("no filter on a related record")
        response = client.get(self.list_url, {name: "no-such-record"})
        assert response.status_code == 400
        assert name in response.json()

    # --- search, ordering, pagination --------------------------------------------------------

    def test_search_finds_by_natural_text(self, client, db, search_case):
        words, kwargs = search_case
        wanted = self.make_record(**resolve_callables(kwargs))
        other = self.make_record()
        response = client.get(self.list_url, {"search": words})
        assert response.status_code == 200
        ids = result_ids(response)
        assert wanted.pk in ids
        assert other.pk not in ids

    def test_ordering(self, client, db, ordering_field):
        for _ in range(3):
            self.make_record()
        for ordering in (ordering_field, f"-{ordering_field}"):
            response = client.get(self.list_url, {"ordering": ordering, "limit": MAX_LIMIT})
            assert response.status_code == 200
            values = dict(self.model.objects.values_list("pk", ordering_field))
            # Ties come back in any order; the values must still follow the database's order,
            # empty values last (first reversed) on every database.
            term = (
                F(ordering_field).desc(nulls_first=True)
                if ordering.startswith("-")
                else F(ordering_field).asc(nulls_last=True)
            )
            expected = list(self.model.objects.order_by(term).values_list(ordering_field))
            assert [(values[pk],) for pk in result_ids(response)] == expected
            # A cursor asked for with an ordering still sees every row once.
            assert self.pull_with_cursor(client, ordering=ordering) == sorted(values)

    def test_unknown_ordering_field_is_400(self, client, db):
        self.make_record()
        response = client.get(self.list_url, {"ordering": "no_such_field"})
        assert response.status_code == 400
        assert "ordering" in response.json()

    def test_limit_and_offset(self, client, db):
        for _ in range(3):
            self.make_record()
        total = self.model.objects.count()
        first = client.get(self.list_url, {"ordering": "id", "limit": 2})
        rest = client.get(self.list_url, {"ordering": "id", "limit": 2, "offset": 2})
        assert first.json()["count"] == total
        assert len(first.json()["results"]) == 2
        assert first.json()["next"] is not None
        assert len(rest.json()["results"]) == min(2, total - 2)
        assert not set(result_ids(first)) & set(result_ids(rest))

    def test_page_size_over_the_maximum_is_400(self, client, db):
        self.make_record()
        response = client.get(self.list_url, {"limit": MAX_LIMIT + 1, "offset": 1})
        assert response.status_code == 400
        assert "limit" in response.json()
        response = client.get(self.list_url, {"limit": MAX_LIMIT, "offset": 1})
        assert response.status_code == 200
        assert f"limit={MAX_LIMIT}" in response.json()["previous"]

    def pull_with_cursor(self, client, **params) -> list[str]:
        """Every id `?mode=cursor` gives, following `next` two rows at a time (sorted)."""
        url, seen = self.list_url, []
        params = {"mode": "cursor", "limit": 2, **params}
        while url:
            response = client.get(url, params)
            assert response.status_code == 200, response.content
            data = response.json()
            assert "count" not in data
            seen += [row["id"] for row in data["results"]]
            # The next link carries every parameter itself.
            url, params = data["next"], {}
        assert len(seen) == len(set(seen)), "a row came twice"
        return sorted(seen)

    def test_cursor_mode_pages_through_every_row_once(self, client, db):
        for _ in range(5):
            self.make_record()
        assert self.pull_with_cursor(client) == sorted(
            self.model.objects.values_list("pk", flat=True)
        )

    # --- CSV ---------------------------------------------------------------------------------

    def test_csv_columns_equal_json_keys(self, client, db):
        self.make_linked_record()
        json_rows = {row["id"]: row for row in client.get(self.list_url).json()["results"]}
        response = client.get(self.list_url, {"format": "csv"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/csv")
        reader = csv.DictReader(io.StringIO(response.content.decode()))
        rows = list(reader)
        assert reader.fieldnames == list(next(iter(json_rows.values())).keys())
        assert {row["id"] for row in rows} == set(json_rows)
        linked = 0
        for row in rows:
            for key, value in json_rows[row["id"]].items():
                if is_brief(value):
                    assert row[key] == value["id"]
                    linked += 1
                elif isinstance(value, list) and value and all(map(is_brief, value)):
                    assert row[key] == ";".join(item["id"] for item in value)
                    linked += 1
        if self.has_links:
            assert linked, "no related record in the CSV; make_linked_record() should link one"

    # --- writes ------------------------------------------------------------------------------

    def test_anonymous_write_is_refused(self, client, db):
        payload = self.valid_payload()
        before = database_counts()
        response = client.post(self.list_url, payload, format="json")
        assert response.status_code in {401, 403}
        assert database_counts() == before

    def test_create_with_permission(self, db):
        payload = self.valid_payload()
        before = self.model.objects.count()
        response = self.client_with("add").post(self.list_url, payload, format="json")
        assert response.status_code == 201, response.content
        assert self.model.objects.count() == before + 1
        assert response.json()["publication"] == "draft"
        # A new record is a draft: readable by analysts and curators, not yet by the public.
        readback = analyst_client().get(response.json()["url"])
        assert readback.status_code == 200
        assert readback.json()["id"] == response.json()["id"]
        assert APIClient().get(response.json()["url"]).status_code == 404

    def test_create_without_permission_is_403(self, db):
        payload = self.valid_payload()
        before = database_counts()
        response = self.client_with().post(self.list_url, payload, format="json")
        assert response.status_code == 403
        assert database_counts() == before

    def test_invalid_payloads_are_400_and_write_nothing(self, db):
        client = self.client_with("add")
        cases = self.invalid_payloads()
        assert cases
        for payload, field in cases:
            before = database_counts()
            response = client.post(self.list_url, payload, format="json")
            assert response.status_code == 400, (payload, response.content)
            assert field in response.json(), (field, response.json())
            assert database_counts() == before, payload

    def test_patch_needs_a_current_if_match(self, db):
        record = self.make_record()
        client = self.client_with("change", "publish")
        url = self.detail_url(record)
        etag = client.get(url)["ETag"]
        payload = self.patch_payload()
        before = self.model.objects.values().get(pk=record.pk)

        stale = client.patch(url, payload, format="json", HTTP_IF_MATCH='"0123456789abcdef"')
        assert stale.status_code == 412
        assert self.model.objects.values().get(pk=record.pk) == before

        current = client.patch(url, payload, format="json", HTTP_IF_MATCH=etag)
        assert current.status_code == 200, current.content
        after = self.model.objects.values().get(pk=record.pk)
        assert all(after[name] == value for name, value in payload.items())
        assert client.get(url)["ETag"] != etag
        # The answer carries the new version's ETag, for the next write.
        assert current["ETag"] == client.get(url)["ETag"]

    def test_write_without_if_match_is_428_and_changes_nothing(self, db):
        record = self.make_record()
        client = self.client_with("change", "delete", "publish")
        url = self.detail_url(record)
        before = database_rows()
        for write in (client.put, client.patch):
            response = write(url, client.get(url).json(), format="json")
            assert response.status_code == 428
            assert "If-Match" in response.json()["detail"]
        assert client.delete(url).status_code == 428
        assert database_rows() == before
        # `*` names no version: the write goes to whatever version is current.
        response = client.patch(url, self.patch_payload(), format="json", HTTP_IF_MATCH="*")
        assert response.status_code == 200, response.content

    def test_writing_back_what_was_read_changes_nothing(self, db):
        # A client that PUTs (or PATCHes) a record as it read it changed nothing: no history
        # version, `updated` and the ETag kept, nested rows kept with their ids.
        record = self.make_linked_record()
        client = self.client_with("change")
        url = self.detail_url(record)
        read = client.get(url)
        before = database_rows()
        for write in (client.put, client.patch):
            response = write(url, read.json(), format="json", HTTP_IF_MATCH=read["ETag"])
            assert response.status_code == 200, response.content
            assert database_rows() == before
            assert client.get(url)["ETag"] == read["ETag"]

    def test_change_without_permission_is_403(self, db):
        record = self.make_record()
        client = self.client_with()
        url = self.detail_url(record)
        response = client.patch(url, self.patch_payload(), format="json", **if_match(client, url))
        assert response.status_code == 403

    def test_anonymous_change_and_delete_are_refused(self, client, db):
        record = self.make_record()
        url = self.detail_url(record)
        etag = if_match(client, url)
        assert client.patch(url, self.patch_payload(), format="json", **etag).status_code in {
            401,
            403,
        }
        assert client.delete(url, **etag).status_code in {401, 403}
        assert self.model._base_manager.filter(pk=record.pk).exists()

    def test_delete_with_permission(self, db):
        record = self.make_record()
        url = self.detail_url(record)
        refused = self.client_with()
        assert refused.delete(url, **if_match(refused, url)).status_code == 403
        client = self.client_with("delete")
        assert client.delete(url, HTTP_IF_MATCH='"0123456789abcdef"').status_code == 412
        assert self.model._base_manager.filter(pk=record.pk).exists()
        response = client.delete(url, HTTP_IF_MATCH=client.get(url)["ETag"])
        assert response.status_code == 204
        assert not self.model._base_manager.filter(pk=record.pk).exists()
        assert client.get(url).status_code == 404

    # --- conditional GET and query counts ----------------------------------------------------

    def test_conditional_get(self, client, db):
        record = self.make_record()
        response = client.get(self.detail_url(record))
        assert response["ETag"]
        assert response["Last-Modified"]
        again = client.get(self.detail_url(record), HTTP_IF_NONE_MATCH=response["ETag"])
        assert again.status_code == 304

    # Both ways a page is read (`read_values`): from values (what requests take) and through
    # the serializer (what the values reader is held equal to). A prefetch left out of the
    # viewset, or its equivalent out of the reader, makes one of them grow with the rows.
    @pytest.mark.parametrize("read_values", [True, False], ids=["values", "serializer"])
    @pytest.mark.parametrize("reader", ["anonymous", "analyst"])
    def test_query_count_does_not_grow_with_linked_rows(self, db, monkeypatch, read_values, reader):
        monkeypatch.setattr(self.viewset, "read_values", read_values)
        client = analyst_client() if reader == "analyst" else APIClient()
        first = add_every_row(self.make_linked_record(), each=1)
        client.get(self.list_url)  # the reader's permissions, loaded once per user
        list_one = count_queries(client, f"{self.list_url}?limit=1&ordering=created")
        detail_one = count_queries(client, self.detail_url(first))
        for _ in range(2):
            add_every_row(self.make_linked_record(), each=2)
        add_every_row(first, each=1)
        assert count_queries(client, f"{self.list_url}?limit=3&ordering=created") == list_one
        assert count_queries(client, self.detail_url(first)) == detail_one

    # --- lists read from values --------------------------------------------------------------

    def test_list_and_detail_are_read_from_values(self):
        for brief in (False, True):
            assert reader_for(self.viewset.serializer_class, brief) is not None
            assert reader_for(self.viewset.serializer_class, brief, detail=True) is not None

    def linked_records_with_drafts_around(self) -> list:
        """Linked records whose linked records are all drafts: the public must not see
        those links, nested rows or citations, whichever path reads them."""
        listed = [self.make_linked_record() for _ in range(3)]
        # Dated on purpose across a second (Last-Modified counts seconds): the records in
        # its last microsecond, the rows around them (citations, aliases …) at the next,
        # so that a row one path counts and the other leaves out moves the page by a whole
        # second, every run; the drafts later still, so that the page's date is theirs
        # where either path wrongly counts a draft's edits.
        second = timezone.now().replace(microsecond=0) - datetime.timedelta(hours=1)
        own = self.model._meta.concrete_model
        for label in RECORD_APPS:
            for model in apps.get_app_config(label).get_models():
                names = {f.name for f in model._meta.fields}
                if "updated" not in names:
                    continue
                if model._meta.concrete_model is own:
                    before = second - datetime.timedelta(microseconds=1)
                    model._base_manager.update(updated=before)
                elif "publication" in names:
                    later = second + datetime.timedelta(hours=2)
                    model._base_manager.update(publication=Publication.DRAFT, updated=later)
                else:
                    model._base_manager.update(updated=second)
        return listed

    @pytest.mark.parametrize("reader", ["anonymous", "analyst"])
    @pytest.mark.parametrize("query", ["", "brief=true", "format=csv", "mode=cursor"])
    def test_values_list_equals_serializer_list(self, db, monkeypatch, reader, query):
        assert self.linked_records_with_drafts_around()
        client = analyst_client() if reader == "analyst" else APIClient()
        url = f"{self.list_url}?{query}"
        from_values = client.get(url)
        monkeypatch.setattr(self.viewset, "read_values", False)
        from_serializer = client.get(url)
        assert from_values.status_code == from_serializer.status_code == 200
        assert from_values.content == from_serializer.content

    @pytest.mark.parametrize("reader", ["anonymous", "analyst"])
    @pytest.mark.parametrize("query", ["", "brief=true"])
    def test_values_detail_equals_serializer_detail(self, db, monkeypatch, reader, query):
        records = self.linked_records_with_drafts_around()
        client = analyst_client() if reader == "analyst" else APIClient()
        urls = [f"{self.detail_url(record)}?{query}" for record in records]
        from_values = [client.get(url) for url in urls]
        monkeypatch.setattr(self.viewset, "read_values", False)
        for url, response in zip(urls, from_values, strict=True):
            expected = client.get(url)
            assert response.status_code == expected.status_code == 200
            assert response.content == expected.content
            assert response.get("ETag") == expected.get("ETag")
            if not query:
                assert response["Last-Modified"] == expected["Last-Modified"]
        if query == "brief=true":
            # A brief page shows the record alone: its own last change.
            for record, response in zip(records, from_values, strict=True):
                record.refresh_from_db()
                assert response["Last-Modified"] == http_date(record.updated.timestamp())
