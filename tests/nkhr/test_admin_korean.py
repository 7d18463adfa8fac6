"""The admin in Korean: every page a curator opens shows no English message.

With the paper's records loaded and the language set to Korean (the switcher's cookie), the
index, each app's page, every record page (list, add, change, history, a version, import)
and the curation pages are rendered, and `tests.i18n.English` lists any message of the
project's, Django's or a library's catalogue left in English on them. History words
("Restored", "Reverted to version N", the paper's first versions) and the import pages
(template files, errors, preview, the message after an import) are checked by name too.
"""

from collections.abc import Iterator

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.admin.utils import quote
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models
from django.test import Client
from django.urls import reverse
from django.utils import translation

from nkhr.history import Channel, record_initial_versions
from nkhr.imports import RecordImportExportMixin
from nkhr.models import Actor, Recommendation
from nkhr.services import RESTORED, restore_deleted
from nkhr.templatetags.nkhr_history import history_reason
from tests.i18n import English
from tests.record_pages import RECORD_APPS, admin_url, fullest_record, record_model_admins

pytestmark = pytest.mark.django_db

# What `manage.py bootstrap` writes on the paper's first versions.
FIRST_VERSION_REASON = "Loaded from the paper's fixtures (KINU CO22-19)"


@pytest.fixture
def editor(django_user_model):
    """An editor: sees every page a curator sees, and the review queue."""
    user = django_user_model.objects.create_user(username="editor", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def client_in(language: str, user) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


@pytest.fixture
def korean(editor) -> Client:
    return client_in("ko", editor)


@pytest.fixture
def records(paper):
    """The paper's records with their first versions, as `make run` leaves them."""
    record_initial_versions(Channel.FIXTURE, FIRST_VERSION_REASON)


def record_texts() -> Iterator[str]:
    """What the records say (names, titles, descriptions, ids): the same in any language.
    Fields with choices are left out: their labels are messages, to be translated."""
    for model in apps.get_models():
        if model._meta.app_label not in RECORD_APPS or hasattr(model, "instance_type"):
            continue
        names = [
            field.attname
            for field in model._meta.concrete_fields
            if isinstance(field, models.CharField | models.TextField) and not field.choices
        ]
        for row in model._base_manager.values_list("pk", *names):
            yield from (str(value) for value in row if value)
        for obj in model._base_manager.all():
            yield str(obj)


def language_names() -> list[str]:
    """The switcher names each language in itself ("English", "한국어")."""
    return [translation.get_language_info(code)["name_local"] for code, _ in settings.LANGUAGES]


@pytest.fixture
def english(records, editor) -> English:
    return English(data=[*record_texts(), *language_names(), editor.get_username()])


def import_file_words() -> Iterator[str]:
    """What an import file says, which the import pages quote as it is: its columns
    ("name", "citation_source") and the stored values of choices ("person", "draft")."""
    for _model, model_admin in record_model_admins():
        if not isinstance(model_admin, RecordImportExportMixin):
            continue
        for resource in model_admin.get_import_resource_classes(None):
            yield from (field.column_name for field in resource().get_import_fields())
            for field in resource._meta.model._meta.fields:
                yield from (str(value) for value, _label in field.flatchoices)


def english_on(client: Client, url: str, english: English, **post) -> list:
    response = client.post(url, post, follow=True) if post else client.get(url, follow=True)
    assert response.status_code == 200, url
    return english.left_on(response.content.decode())


def record_pages(user) -> Iterator[str]:
    """Every page of every record app's models: list, add, and for the record with the most
    rows its change, history and version pages; the import page where there is one."""
    for model, model_admin in record_model_admins():
        yield admin_url(model, "changelist")
        yield admin_url(model, "add")
        record = fullest_record(model_admin, user)
        if record is not None:
            pk = quote(record.pk)
            yield admin_url(model, "change", pk)
            yield admin_url(model, "history", pk)
            version = model._meta.concrete_model.history.filter(id=record.pk).first()
            if version is not None:
                yield admin_url(model, "simple_history", pk, version.history_id)
        if isinstance(model_admin, RecordImportExportMixin):
            yield admin_url(model, "import")


def curation_pages() -> Iterator[str]:
    yield reverse("admin:index")
    for label in RECORD_APPS:
        yield reverse("admin:app_list", args=[label])
    for name in ("review_queue", "deleted_records", "my_api_token", "password_change"):
        yield reverse(f"admin:{name}")


def test_the_check_finds_english_on_an_english_page(records, editor, english):
    # Without this, a check that found nothing would pass every page.
    found = english_on(client_in("en", editor), admin_url(Actor, "changelist"), english)
    texts = {text for text, _message in found}
    assert {"Actors", "Search", "Filter"} <= texts


def test_the_check_knows_messages_with_their_values_filled_in(english):
    assert english.message_of("Established or born precision:") == "%(label)s precision"
    assert english.message_of("Reverted to version 12") == "Reverted to version %(version)s"
    assert english.message_of("설립일 정밀도:") is None
    assert english.message_of("Jong Kyong Thaek") is None  # a record's name


def test_index_and_curation_pages_are_korean(korean, english):
    untranslated = {
        url: found for url in curation_pages() if (found := english_on(korean, url, english))
    }
    assert not untranslated


def test_every_record_page_is_korean(korean, english, editor):
    untranslated = {
        url: found for url in record_pages(editor) if (found := english_on(korean, url, english))
    }
    assert not untranslated


def test_history_words_are_korean(korean, english, editor):
    actor = Actor.objects.get(pk="jong-kyong-thaek")
    actor.description += " (revised)"
    actor._change_reason = "Reverted to version 1"  # as the admin's revert writes it
    actor.save()
    recommendation = Recommendation.objects.first()
    Recommendation.objects.filter(pk=recommendation.pk).first().delete()
    restore_deleted(Recommendation, recommendation.pk, editor)

    pages = [
        korean.get(admin_url(Actor, "history", actor.pk)).content.decode(),
        korean.get(admin_url(Recommendation, "history", recommendation.pk)).content.decode(),
    ]
    for page in pages:
        for reason in ("Reverted to version 1", RESTORED, FIRST_VERSION_REASON):
            assert f">{reason}<" not in page
        assert "논문 픽스처에서 불러옴" in page
        assert not english.left_on(page)
    assert "버전 1(으)로 되돌림" in pages[0]
    assert "복원됨" in pages[1]


def test_history_reasons_written_in_english_are_shown_translated():
    with translation.override("ko"):
        assert history_reason("Reverted to version 12") == "버전 12(으)로 되돌림"
        assert history_reason("Restored") == "복원됨"
        assert history_reason("import of actors.csv") == "actors.csv 가져오기"
        assert history_reason("a curator's own words") == "a curator's own words"
        assert history_reason(None) == ""


IMPORT_HEADER = "name,kind,citation_source,citation_page\n"


def upload(client: Client, content: str, name: str = "actors.csv"):
    file = SimpleUploadedFile(name, content.encode(), content_type="text/csv")
    # The format left at "from the file", as a browser sends it.
    data = {"import_file": file, "format": "", "resource": "0"}
    return client.post(admin_url(Actor, "import"), data, follow=True)


def test_import_pages_are_korean(korean, english):
    english = english.allowing(import_file_words())
    page = korean.get(admin_url(Actor, "import")).content.decode()
    assert "서식 파일에서 시작하십시오" in page
    assert not english.left_on(page)

    with_errors = upload(korean, IMPORT_HEADER + "Ri Song Chol,wizard,,\n")
    assert with_errors.status_code == 200
    errors_page = with_errors.content.decode()
    assert "nkhr-import-errors" in errors_page
    assert not english.left_on(errors_page)

    preview = upload(korean, IMPORT_HEADER + "Ri Song Chol,person,kinu-co22-19,3\n")
    preview_page = preview.content.decode()
    assert "confirm" in preview_page
    assert not english.left_on(preview_page)

    form = preview.context["confirm_form"]
    data = {name: form[name].value() for name in form.fields}
    done = korean.post(admin_url(Actor, "process_import"), {**data, "confirm": "1"}, follow=True)
    assert done.status_code == 200
    messages = [str(message) for message in done.context["messages"]]
    assert any("가져오기 완료" in message for message in messages), messages
    assert not english.left_on(done.content.decode())


def test_the_korean_catalogue_has_no_message_left_untranslated_or_fuzzy():
    # The page checks above find only English that has a translation; a message added
    # without one, or left fuzzy by makemessages (not compiled), would pass them.
    from tests.i18n import PROJECT_CATALOGUE, po_entries

    left = [
        msgid
        for msgid, _plural, msgstrs, fuzzy in po_entries(PROJECT_CATALOGUE)
        if msgid and (fuzzy or not all(msgstrs))
    ]
    assert not left
