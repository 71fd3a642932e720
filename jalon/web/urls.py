from django.urls import path

from jalon.web.views import audit, countries, home, organisations

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path("countries/", countries.country_list, name="country_list"),
    path("countries/<str:iso3>/", countries.country_detail, name="country_detail"),
    path("organisations/", organisations.organisation_list_view, name="organisation_list"),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", organisations.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/delete/", organisations.organisation_delete, name="organisation_delete"),
    path("organisations/<int:pk>/people/new/", organisations.person_create, name="person_create"),
    path("audit/", audit.audit_list, name="audit_list"),
    path("audit/<int:pk>/", audit.audit_detail, name="audit_detail"),
]
