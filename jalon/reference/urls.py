"""Reference data pages (in the composition root's "web" namespace)."""

from django.urls import path

from jalon.web.views import countries

urlpatterns = [
    path("countries/", countries.country_list, name="country_list"),
    path("countries/<str:iso3>/", countries.country_detail, name="country_detail"),
]
