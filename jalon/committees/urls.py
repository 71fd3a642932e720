from django.urls import path

from jalon.committees.views import browse, edit, imports, participation

app_name = "committees"

urlpatterns = [
    path("", browse.committee_list, name="committee_list"),
    path("new/", edit.committee_create, name="committee_create"),
    path("participation/", participation.participation_overview, name="participation_overview"),
    path("imports/iso/", imports.iso_import, name="iso_import"),
    path("imports/iso/<int:pk>/", imports.iso_import_job, name="iso_import_job"),
    path("countries/<str:iso3>/", participation.country_profile, name="country_profile"),
    path("members/<int:pk>/", participation.member_profile, name="member_profile"),
    path("<int:pk>/", browse.committee_detail, name="committee_detail"),
    path("<int:pk>/edit/", edit.committee_edit, name="committee_edit"),
    path("<int:pk>/members/", edit.membership_change, name="membership_change"),
    path("<int:pk>/roles/new/", edit.role_create, name="role_create"),
    path("roles/<int:pk>/edit/", edit.role_edit, name="role_edit"),
    path("<int:pk>/meetings/new/", edit.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/edit/", edit.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/delegates/new/", edit.delegate_create, name="delegate_create"),
    path("delegates/<int:pk>/edit/", edit.delegate_edit, name="delegate_edit"),
    path("meetings/<int:pk>/contributions/new/", edit.contribution_create, name="contribution_create"),
]
