"""Reference data pages (in the composition root's "web" namespace)."""

from django.urls import path

from jalon.reference import views

urlpatterns = [
    path("countries/", views.country_list, name="country_list"),
    path("countries/<str:iso3>/", views.country_detail, name="country_detail"),
]
