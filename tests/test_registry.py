"""The contract every record type registered in nkhr/registry.py keeps: a factory, an admin
page, an API route that answers, a filterset, a search spec (once nkhr.search defines
SearchSpec), and a place in `/api/v1/`, the cross-resource search, the JSON Lines export
and the change history. Each failure names the type and what it lacks; a new type is
checked here as soon as its app registers it (docs/adding-a-record-type.md)."""

import inspect
import json

import django_filters
import pytest
from django.apps import apps
from django.contrib import admin
from factory.django import DjangoModelFactory
from rest_framework.test import APIClient

import nkhr.search
from nkhr.api.search import SearchView
from nkhr.api.urls import RESOURCES
from nkhr.history import is_tracked
from nkhr.registry import RecordType, record_type_for, record_types, references_to
from tests import factories

TYPES = record_types()


def by_prefix(test):
    return pytest.mark.parametrize(
        "record_type", TYPES, ids=[record_type.prefix for record_type in TYPES]
    )(test)


def factory_for(record_type: RecordType):
    """The factory in tests/factories.py that makes records of exactly this type's model."""
    for _, member in inspect.getmembers(factories, inspect.isclass):
        if (
            issubclass(member, DjangoModelFactory)
            and not member._meta.abstract
            and member._meta.model is record_type.model
        ):
            return member
    return None


def make(record_type: RecordType):
    factory = factory_for(record_type)
    assert factory is not None, f"{record_type.prefix}: no factory, so no record to check"
    return factory()


def test_the_api_keeps_its_resource_order():
    assert [record_type.prefix for record_type in TYPES] == [
        "actors",
        "instruments",
        "legislation",
        "mechanisms",
        "reports",
        "sanctions-regimes",
        "designation-rounds",
        "designations",
        "funding-programs",
        "events",
        "recommendations",
        "sources",
    ]
    assert [(t.prefix, t.viewset, t.basename) for t in TYPES] == RESOURCES


def test_a_proxy_resolves_to_its_own_type_or_its_concrete_models():
    sanctions_regime = apps.get_model("sanctions.SanctionsRegime")
    resolution = apps.get_model("mechanisms.Resolution")
    instrument = apps.get_model("nkhr.Instrument")
    assert record_type_for(sanctions_regime).prefix == "sanctions-regimes"
    assert record_type_for(resolution) is record_type_for(instrument)
    assert record_type_for(apps.get_model("nkhr.Alias")) is None


def test_a_proxy_page_lists_what_points_at_it_and_at_its_concrete_model():
    treaty = references_to(apps.get_model("mechanisms.Treaty"))
    labels = {(reference.model, reference.field) for reference in treaty}
    assert ("mechanisms.Report", "treaty") in labels
    assert ("nkhr.Instrument", "based_on") in labels
    instrument = references_to(apps.get_model("nkhr.Instrument"))
    assert ("mechanisms.Report", "treaty") not in {(r.model, r.field) for r in instrument}


@by_prefix
def test_it_has_a_factory(record_type):
    assert factory_for(record_type) is not None, (
        f"{record_type.prefix}: tests/factories.py has no factory of {record_type.label}"
    )


@by_prefix
def test_it_has_an_admin_page(record_type):
    assert admin.site.is_registered(record_type.model), (
        f"{record_type.prefix}: {record_type.label} has no admin page"
    )
    if record_type.admin is not None:
        assert isinstance(admin.site.get_model_admin(record_type.model), record_type.admin), (
            f"{record_type.prefix}: the registered admin is not {record_type.admin.__name__}"
        )


@by_prefix
def test_it_has_a_filterset_and_serializer_its_viewset_serves(record_type):
    filterset = record_type.filterset
    assert filterset is not None and issubclass(filterset, django_filters.FilterSet), (
        f"{record_type.prefix}: no filterset"
    )
    assert record_type.viewset.filterset_class is filterset, (
        f"{record_type.prefix}: the viewset serves another filterset than the registry's"
    )
    assert record_type.viewset.serializer_class is record_type.serializer, (
        f"{record_type.prefix}: the viewset serves another serializer than the registry's"
    )
    assert record_type.viewset.queryset.model is record_type.model, (
        f"{record_type.prefix}: the viewset serves {record_type.viewset.queryset.model}"
    )


@by_prefix
def test_it_has_a_search_spec(record_type):
    spec = getattr(nkhr.search, "SearchSpec", None)
    if spec is None:
        # Until nkhr.search defines SearchSpec, a type's `search` may be anything or None.
        return
    assert isinstance(record_type.search, spec), (
        f"{record_type.prefix}: no nkhr.search.SearchSpec in its registration"
    )


@by_prefix
def test_its_optional_parts_fit_it(record_type):
    if record_type.import_resource is not None:
        model_admin = admin.site.get_model_admin(record_type.model)
        assert record_type.import_resource in getattr(model_admin, "resource_classes", ()), (
            f"{record_type.prefix}: its admin page does not import with "
            f"{record_type.import_resource.__name__}"
        )
        assert record_type.import_resource._meta.model is record_type.model
    if record_type.ftm is not None:
        assert callable(record_type.ftm), f"{record_type.prefix}: its ftm is not callable"
    for reference in record_type.references:
        # Declared once, by the app that owns the model that points.
        owner = reference.pointing_model._meta.app_label
        assert owner == record_type.model._meta.app_label, (
            f"{record_type.prefix}: declares {reference.model}.{reference.field}, "
            f"which the {owner} app should declare"
        )
        assert reference.target is not None, (
            f"{record_type.prefix}: {reference.model}.{reference.field} is not a relation"
        )


def test_every_reference_is_declared_once():
    declared = [(r.model, r.field) for t in TYPES for r in t.references]
    assert len(declared) == len(set(declared)), sorted(declared)


@pytest.mark.django_db
@by_prefix
def test_its_route_answers_and_the_root_lists_it(record_type):
    record = make(record_type)
    client = APIClient()
    root = client.get("/api/v1/").json()
    assert root.get(record_type.prefix) == f"http://testserver/api/v1/{record_type.prefix}/", (
        f"{record_type.prefix}: not in /api/v1/"
    )
    listed = client.get(f"/api/v1/{record_type.prefix}/")
    assert listed.status_code == 200, f"{record_type.prefix}: the list answers {listed.status_code}"
    detail = client.get(f"/api/v1/{record_type.prefix}/{record.pk}/")
    assert detail.status_code == 200, (
        f"{record_type.prefix}: the detail answers {detail.status_code}"
    )
    assert detail.json()["id"] == record.pk


@by_prefix
def test_the_cross_resource_search_covers_it(record_type):
    assert (record_type.prefix, record_type.viewset) in SearchView.resources, (
        f"{record_type.prefix}: not among the cross-resource search's resources"
    )


@pytest.mark.django_db
@by_prefix
def test_the_json_lines_export_holds_it(record_type):
    record = make(record_type)
    response = APIClient().get("/api/v1/export/", {"resource": record_type.prefix})
    assert response.status_code == 200, f"{record_type.prefix}: the export refuses it"
    body = b"".join(response.streaming_content).decode()
    rows = [json.loads(line) for line in body.splitlines()]
    assert (record_type.prefix, record.pk) in {(row["resource"], row["id"]) for row in rows}, (
        f"{record_type.prefix}: the JSON Lines export leaves out {record.pk}"
    )


@pytest.mark.django_db
@by_prefix
def test_the_history_records_it(record_type):
    assert is_tracked(record_type.model), f"{record_type.prefix}: changes are not recorded"
    record = make(record_type)
    history = record_type.model._meta.concrete_model.history
    # The historical model's own key is history_id; the record's key is a plain field there.
    assert history.filter(**{record._meta.pk.attname: record.pk}).exists(), (
        f"{record_type.prefix}: making {record.pk} left no version in the history"
    )
