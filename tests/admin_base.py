"""Generic checks every registered admin page must pass, written once for every app.

Each app's `test_admin.py` subclasses `AdminPagesContract` with its `app_label` and
hooks in the parametrization:

    pytest_generate_tests = parametrize_model_admins

    class TestSanctionsAdminPages(AdminPagesContract):
        app_label = "sanctions"

Every test that takes `model_admin` then runs once per ModelAdmin registered for a model of
that app (proxies included), as a staff user holding every permission.
"""

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from nkhr.history import is_history_model
from tests import factories


def registered_admins(app_label: str) -> list:
    """The ModelAdmins registered for the models of `app_label`, as pytest params."""
    return [
        pytest.param(model_admin, id=model._meta.object_name)
        for model, model_admin in sorted(
            admin.site._registry.items(), key=lambda item: item[0]._meta.object_name
        )
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
    """POST data reproducing an admin add/change page as rendered: the main form's values
    and every inline's management form and rows, ready to be edited and posted back."""
    data = {}
    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        forms += [formset.management_form, *formset.forms]
    for form in forms:
        for name in form.fields:
            value = form[name].value()
            if value is not None:
                data[form.add_prefix(name)] = value
    return data


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
