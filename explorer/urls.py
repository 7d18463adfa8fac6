"""The explorer, served at `/`: after the admin's and the API's routes."""

from django.contrib.sitemaps import views as sitemap_views
from django.urls import path

from explorer import views
from explorer.sitemaps import sitemaps

app_name = "explorer"

SITEMAPS = sitemaps()

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("timeline/", views.timeline_page, name="timeline"),
    path("charts/", views.charts_page, name="charts"),
    path("downloads/", views.downloads, name="downloads"),
    path("about/", views.about, name="about"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "explorer:sitemap-section"},
        name="sitemap",
    ),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap-section",
    ),
    path("<slug:prefix>/", views.record_list, name="list"),
    path("<slug:prefix>/<slug:pk>/", views.record, name="record"),
]
