from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("nkhr.api.urls")),
    path("", RedirectView.as_view(url="/admin/", permanent=False)),
]
