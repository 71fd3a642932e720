from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from jalon.api import activities, committees, results, support, views

router = DefaultRouter()
router.register("countries", views.CountryViewSet, basename="country")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("programmes", results.ProgrammeViewSet, basename="programme")
router.register("measurements", results.MeasurementViewSet, basename="measurement")
activities.routes(router)
committees.routes(router)
support.routes(router)

urlpatterns = [
    path("v1/", include((router.urls, "api"), namespace="api")),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
