"""Pages of the admin's own beside the model pages (the review queue, deleted and merged
records)."""

from django.urls import path


def add_site_pages(site, pages) -> None:
    """Serve `pages` ((route, view, name), each view called with the request and `site`)
    under `site`, before its own URLs, leaving the site itself as it is (call before its
    URLs are read, as `nkhr.admin` does when the admin is discovered)."""
    site_urls = site.get_urls

    def page(view):
        def bound(request):
            return view(request, site)

        return site.admin_view(bound)

    def get_urls():
        return [
            *(path(route, page(view), name=name) for route, view, name in pages),
            *site_urls(),
        ]

    site.get_urls = get_urls
