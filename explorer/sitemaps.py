"""`sitemap.xml`: every public record's page, a section per record type."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from explorer.records import published, url_of
from nkhr.registry import record_types

PAGES = (
    "explorer:home",
    "explorer:search",
    "explorer:timeline",
    "explorer:charts",
    "explorer:downloads",
    "explorer:about",
)


class PagesSitemap(Sitemap):
    def items(self):
        return list(PAGES)

    def location(self, item):
        return reverse(item)


class RecordSitemap(Sitemap):
    limit = 10_000

    def __init__(self, model):
        self.model = model

    def items(self):
        columns = ["pk", "updated", *(["kind"] if hasattr(self.model, "kind") else [])]
        return published(self.model._default_manager.all()).only(*columns).order_by("pk")

    def location(self, item):
        return url_of(item)

    def lastmod(self, item):
        return item.updated


def sitemaps() -> dict:
    found = {"pages": PagesSitemap()}
    for record_type in record_types():
        if not record_type.model._meta.proxy:
            found[record_type.prefix] = RecordSitemap(record_type.model)
    return found
