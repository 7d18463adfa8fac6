"""Generic checks every registered admin page must pass, written once for every app.

Each app's `test_admin.py` subclasses `AdminPagesContract` with its `app_label` and
hooks in the parametrization:

    pytest_generate_tests = parametrize_model_admins

    class TestSanctionsAdminPages(AdminPagesContract):
        app_label = "sanctions"

Every test that takes `model_admin` then runs once per ModelAdmin registered for a model of
that app (proxies included), as a staff user holding every permission.
"""

import datetime

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from nkhr.history import is_history_model, tracked_models
from tests import factories
from tests.html_forms import admin_form_post


def model_admins(site=admin.site) -> list:
    """(model, ModelAdmin) of every model registered on `site`, proxies included, found
    through the site's public methods."""
    return [
        (model, site.get_model_admin(model))
        for model in apps.get_models()
        if site.is_registered(model)
    ]


def registered_admins(app_label: str) -> list:
    """The ModelAdmins registered for the models of `app_label`, as pytest params."""
    return [
        pytest.param(model_admin, id=model._meta.object_name)
        for model, model_admin in sorted(model_admins(), key=lambda item: item[0]._meta.object_name)
        if model._meta.app_label == app_label
    ]


def parametrize_model_admins(metafunc):
    """`pytest_generate_tests` for modules using `AdminPagesContract`."""
    if "model_admin" in metafunc.fixturenames and metafunc.cls is not None:
        metafunc.parametrize("model_admin", registered_admins(metafunc.cls.app_label))


def factory_for(model):
    """The factory of `model` in tests/factories.py (named `<Model>Factory`)."""
    return getattr(factories, f"{model.__name__}Factory")


def admin_url(model, view: str, *args) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def change_url(obj) -> str:
    return admin_url(type(obj), "change", quote(obj.pk))


def count_queries(client, url: str) -> int:
    """Queries run to serve `url` (which must answer 200)."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def post_data_from(response) -> dict:
    """POST data of an admin add/change page as a browser submits it: the fields read from
    the page's HTML (`tests.html_forms`), not rebuilt from the form objects, so a field the
    page never renders is missing here too. Single values are strings, ready to be edited
    and posted back; the save button is pressed."""
    assert response.status_code == 200
    data = admin_form_post(response.content.decode())
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}


def admin_request(user):
    """A GET request by `user`, for ModelAdmin methods that take one."""
    request = RequestFactory().get("/")
    request.user = user
    return request


def parent_link(row_model, parent_model, fk_name: str | None = None) -> str:
    """The name of the foreign key of `row_model` to `parent_model` (an inline's rows)."""
    if fk_name:
        return fk_name
    concrete = parent_model._meta.concrete_model
    (name,) = [
        field.name
        for field in row_model._meta.concrete_fields
        if field.many_to_one and field.related_model._meta.concrete_model is concrete
    ]
    return name


def record_with_inline_rows(model_admin, user):
    """A record of `model_admin`'s model with a row in every inline of its change page."""
    model = model_admin.model
    record = factory_for(model)()
    request = admin_request(user)
    for inline in model_admin.get_inline_instances(request, record):
        row_factory = factory_for(inline.model)
        if getattr(inline, "ct_field", None):  # a generic inline: citations
            if not inline.model.objects.filter(object_id=record.pk).exists():
                row_factory(record=record)
            continue
        link = parent_link(inline.model, model, inline.fk_name)
        if not inline.model._default_manager.filter(**{link: record}).exists():
            row_factory(**{link: record})
    return record


def page_state(model_admin, record, user) -> dict:
    """Everything a change page shows and saves: the record's columns and those of each
    inline's rows (keyed by primary key), plus how many history versions exist."""
    request = admin_request(user)
    record = model_admin.get_queryset(request).get(pk=record.pk)
    state = {"record": model_to_dict_all(record), "versions": count_versions()}
    for inline in model_admin.get_inline_instances(request, record):
        formset = inline.get_formset(request, record)(instance=record, prefix="x")
        rows = formset.get_queryset()
        state[inline.model._meta.label] = {row.pk: model_to_dict_all(row) for row in rows}
    return state


def model_to_dict_all(obj) -> dict:
    """Every concrete column of `obj` and its many-to-many links, as stored."""
    opts = obj._meta
    values = {field.attname: getattr(obj, field.attname) for field in opts.concrete_fields}
    for field in opts.many_to_many:
        values[field.name] = sorted(getattr(obj, field.name).values_list("pk", flat=True))
    return values


def count_versions() -> int:
    """Every history version of every tracked model, in one statement (a page is checked
    twice per record, over forty history tables)."""
    table = connection.ops.quote_name
    counts = " + ".join(
        f"(SELECT COUNT(*) FROM {table(model.history.model._meta.db_table)})"
        for model in tracked_models()
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {counts}")
        return cursor.fetchone()[0]


def assert_saves_unchanged(client, model_admin, record, user):
    """Open `record`'s change page, press Save as a browser would, and expect the redirect
    of a successful save, with the record, its rows and its history all as they were."""
    before = page_state(model_admin, record, user)
    url = admin_url(model_admin.model, "change", quote(record.pk))
    page = client.get(url)
    assert page.status_code == 200, url
    response = client.post(url, admin_form_post(page.content.decode()))
    assert response.status_code == 302, (url, form_errors(response))
    assert (url, page_state(model_admin, record, user)) == (url, before)


def form_errors(response) -> list:
    """The form and inline errors of an admin page answered instead of a redirect."""
    if response.context is None or "adminform" not in response.context:
        return []
    errors = [response.context["adminform"].form.errors]
    for inline in response.context["inline_admin_formsets"]:
        errors += [inline.formset.non_form_errors(), *inline.formset.errors]
    return [error for error in errors if error]


def log_in_curator(client, user_model):
    """Log `client` in as a staff user (not a superuser) holding every permission."""
    curator = user_model.objects.create_user(username="curator", password="unused", is_staff=True)
    curator.user_permissions.set(Permission.objects.all())
    client.force_login(curator)
    return client


@pytest.mark.django_db
class AdminPagesContract:
    """What every admin page of `app_label` must do (see the module docstring)."""

    app_label: str = ""

    def test_every_model_is_registered(self):
        models = [
            model
            for model in apps.get_app_config(self.app_label).get_models()
            # History shows on each record's page; a model without permissions holds none.
            if not is_history_model(model) and model._meta.default_permissions
        ]
        missing = [model.__name__ for model in models if not admin.site.is_registered(model)]
        assert not missing

    def test_relations_are_chosen_by_autocomplete(self, model_admin):
        # A plain <select> would load every actor (or source, or bill) into every form.
        opts = model_admin.model._meta
        relations = [
            field.name
            for field in [*opts.fields, *opts.many_to_many]
            if field.is_relation
            and field.editable
            and field.related_model is not ContentType
            and (not field.many_to_many or field.remote_field.through._meta.auto_created)
            and field.name not in (model_admin.exclude or ())
        ]
        assert set(relations) <= set(model_admin.autocomplete_fields)

    def test_changelist_lists_a_row(self, staff_client, model_admin):
        row = factory_for(model_admin.model)()
        response = staff_client.get(admin_url(model_admin.model, "changelist"))
        assert response.status_code == 200
        assert row.pk in {obj.pk for obj in response.context["cl"].result_list}

    def test_changelist_search_renders(self, staff_client, model_admin):
        factory_for(model_admin.model)()
        url = admin_url(model_admin.model, "changelist")
        for term in ("Chong Gyong", "hr 757", "정경택", "2015-06"):
            response = staff_client.get(url, {"q": term})
            assert response.status_code == 200, term

    def test_add_page_renders(self, staff_client, model_admin):
        response = staff_client.get(admin_url(model_admin.model, "add"))
        assert response.status_code == 200

    def test_change_page_renders(self, staff_client, model_admin):
        row = factory_for(model_admin.model)()
        response = staff_client.get(change_url(row))
        assert response.status_code == 200
        assert response.context["original"].pk == row.pk

    def test_change_page_saves_unchanged_as_a_browser_posts_it(
        self, staff_client, django_user_model, model_admin
    ):
        # Rendered HTML in, browser-submitted fields out: a field the page never renders
        # (a hidden primary key of an inline row) fails the save here as in Chromium.
        curator = django_user_model.objects.get(username="curator")
        record = record_with_inline_rows(model_admin, curator)
        assert_saves_unchanged(staff_client, model_admin, record, curator)

    def test_paper_records_save_unchanged_as_a_browser_posts_them(
        self, staff_client, django_user_model, model_admin, paper
    ):
        curator = django_user_model.objects.get(username="curator")
        records = list(model_admin.get_queryset(admin_request(curator)))
        for record in records:
            assert_saves_unchanged(staff_client, model_admin, record, curator)

    def test_a_page_saved_over_a_newer_change_is_refused_and_kept(
        self, staff_client, django_user_model, model_admin
    ):
        curator = django_user_model.objects.get(username="curator")
        record = record_with_inline_rows(model_admin, curator)
        url = change_url(record)
        page = staff_client.get(url)
        # Someone else changes the record while the page is open (a real change always
        # moves `updated`).
        later = timezone.now() + datetime.timedelta(seconds=1)
        model_admin.model._base_manager.filter(pk=record.pk).update(updated=later)
        before = page_state(model_admin, record, curator)

        stale = staff_client.post(url, admin_form_post(page.content.decode()))

        assert stale.status_code == 200, url
        assert "changed by someone else" in stale.content.decode()
        assert page_state(model_admin, record, curator) == before
        # The page came back with the current version: saving it again is a choice.
        again = staff_client.post(url, admin_form_post(stale.content.decode()))
        assert again.status_code == 302, (url, form_errors(again))

    def test_changelist_queries_do_not_grow_with_rows(self, staff_client, model_admin):
        factory = factory_for(model_admin.model)
        url = admin_url(model_admin.model, "changelist")
        factory.create_batch(2)
        staff_client.get(url)  # warm caches (content types, session) outside the count
        with_two_rows = count_queries(staff_client, url)
        factory.create_batch(20)
        assert count_queries(staff_client, url) == with_two_rows


def changelist_pks(client, model, term: str) -> list:
    """The public ids an admin changelist search for `term` lists."""
    response = client.get(admin_url(model, "changelist"), {"q": term})
    assert response.status_code == 200
    return [obj.pk for obj in response.context["cl"].result_list]
