"""The admin curators work in: the site's titles, and the pages of the core records.

Building blocks shared with the other apps' admin modules live in `nkhr.admin.base`; the
pages of the core models in `nkhr.admin.records` (imported here so that admin autodiscovery,
which imports `nkhr.admin`, registers them). The pages that span every kind of record (the
review queue, the deleted records) come from `nkhr.admin.workflow` and are linked from the
index; the language switcher sits in the header (templates/admin/base_site.html). Each
login manages its own API token on "My API token" (`nkhr.admin.tokens`), also on the index.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from nkhr.admin import records  # noqa: F401  (registers the core models)
from nkhr.admin.index import arrange_index
from nkhr.admin.merging import add_merge_pages
from nkhr.admin.tokens import add_token_pages
from nkhr.admin.workflow import add_workflow_pages

admin.site.site_header = _("NKHR Records")
admin.site.site_title = _("NKHR Records")
admin.site.index_title = _("Records")
# Django's index with the curation pages above the recent actions.
admin.site.index_template = "admin/workflow/index.html"
add_workflow_pages(admin.site)
add_merge_pages(admin.site)
# Records first, in the order curators open them; rows inside records off the index.
arrange_index(admin.site)
add_token_pages(admin.site)
