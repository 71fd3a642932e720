"""The composition root: every app's pages and API endpoints, under the URL names they have always had.

Pages of reference data, the directory, the audit log and the home page share the "web" namespace; each
other domain has its own (results, activities, committees, support). The API router gathers each app's
`routes(router)`.
"""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from jalon.activities import api as activities_api
from jalon.api.schema import SchemaView
from jalon.assessments import api as assessments_api
from jalon.committees import api as committees_api
from jalon.finance import api as finance_api
from jalon.gap import api as gap_api
from jalon.knowledge import api as knowledge_api
from jalon.organisations import api as organisations_api
from jalon.organisations import urls as organisations_urls
from jalon.reference import api as reference_api
from jalon.reference import urls as reference_urls
from jalon.reporting import urls as reporting_urls
from jalon.results import api as results_api
from jalon.results import urls as results_urls
from jalon.support import api as support_api
from jalon.twinning import api as twinning_api
from jalon.web import urls as web_urls
from jalon.web.views.health import healthz

router = DefaultRouter()
for api in (
    reference_api,
    organisations_api,
    results_api,
    activities_api,
    committees_api,
    support_api,
    gap_api,
    twinning_api,
    finance_api,
    assessments_api,
    knowledge_api,
):
    api.routes(router)

api_patterns: list[URLPattern | URLResolver] = [
    path("v1/", include((router.urls, "api"), namespace="api")),
    path("schema/", SchemaView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]

web_pages = [
    *reporting_urls.urlpatterns,
    *reference_urls.urlpatterns,
    *organisations_urls.urlpatterns,
    *web_urls.urlpatterns,
]

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/", include(api_patterns)),
    path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT})
    if settings.DEBUG
    else path("", include([])),
]

urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("accounts/", include("jalon.accounts.urls")),
    path("programmes/", include(([*results_urls.urlpatterns, *reporting_urls.tracking_urlpatterns], "results"))),
    path("activities/", include("jalon.activities.urls")),
    path("committees/", include("jalon.committees.urls")),
    path("support/", include("jalon.support.urls")),
    path("gap/", include("jalon.gap.urls")),
    path("twinning/", include("jalon.twinning.urls")),
    path("finance/", include("jalon.finance.urls")),
    path("assessments/", include("jalon.assessments.urls")),
    path("knowledge/", include("jalon.knowledge.urls")),
    path("jobs/", include("jalon.jobs.urls")),
    path("reports/", include((reporting_urls.report_urlpatterns, "reporting"))),
    path("accounts/tokens/", include("jalon.api.urls")),
    path("", include((web_pages, "web"))),
    prefix_default_language=True,
)

handler403 = "jalon.web.views.errors.permission_denied"
handler404 = "jalon.web.views.errors.page_not_found"
handler500 = "jalon.web.views.errors.server_error"
