"""The admin curators work in: the site's titles, and the pages of the core records.

Building blocks shared with the other apps' admin modules live in `nkhr.admin.base`; the
pages of the core models in `nkhr.admin.records` (imported here so that admin autodiscovery,
which imports `nkhr.admin`, registers them).
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from nkhr.admin import records  # noqa: F401  (registers the core models)

admin.site.site_header = _("NKHR Records")
admin.site.site_title = _("NKHR Records")
admin.site.index_title = _("Records")
