"""The directory's pages (in the composition root's "web" namespace)."""

from django.urls import path

from jalon.web.views import organisations

urlpatterns = [
    path("organisations/", organisations.organisation_list_view, name="organisation_list"),
    path("organisations/new/", organisations.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", organisations.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", organisations.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/delete/", organisations.organisation_delete, name="organisation_delete"),
    path("organisations/<int:pk>/people/new/", organisations.person_create, name="person_create"),
]
