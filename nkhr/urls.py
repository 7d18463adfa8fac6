from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("nkhr.api.urls")),
]
# The public website at `/` (the explorer), named by the settings: the core imports no app.
if settings.PUBLIC_SITE_URLCONF:
    urlpatterns.append(path("", include(settings.PUBLIC_SITE_URLCONF)))
else:
    urlpatterns.append(path("", RedirectView.as_view(url="/admin/", permanent=False)))
