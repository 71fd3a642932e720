from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from jalon.web.views.home import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/", include("jalon.api.urls")),
    path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})
    if settings.DEBUG
    else path("", include([])),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("jalon.accounts.urls")),
    path("programmes/", include("jalon.web.urls_results")),
    path("activities/", include("jalon.web.urls_activities")),
    path("committees/", include("jalon.web.urls_committees")),
    path("support/", include("jalon.web.urls_support")),
    path("", include("jalon.web.urls")),
    prefix_default_language=True,
)

handler403 = "jalon.web.views.errors.permission_denied"
handler404 = "jalon.web.views.errors.page_not_found"
handler500 = "jalon.web.views.errors.server_error"
