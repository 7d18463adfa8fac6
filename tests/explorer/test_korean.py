"""The explorer in Korean: no message of the project's or Django's catalogues is left in
English on any page type (record data, the same in every language, aside)."""

import pytest
from django.conf import settings
from django.test import Client

from tests.i18n import English
from tests.nkhr.test_admin_korean import language_names, record_texts

URLS = [
    "/",
    "/search/?q=Chong+Gyong+Thaek",
    "/timeline/",
    "/charts/",
    "/downloads/",
    "/about/",
    "/actors/",
    "/actors/jong-kyong-thaek/",
    "/designation-rounds/us-treasury-nkspea-designations-2016-2018/",
    "/legislation/us-114-hr-757/",
]


@pytest.fixture
def korean() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "ko"
    return client


def test_every_page_type_is_korean(paper, korean):
    # API, CSV, JSON and the like read the same in Korean.
    english = English(data=[*record_texts(), *language_names()])
    left = {}
    for url in URLS:
        response = korean.get(url)
        assert response.status_code == 200, url
        found = english.left_on(response.content.decode())
        if found:
            left[url] = found
    assert not left
