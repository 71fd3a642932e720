from django.urls import path

from jalon.web.views import committee_forms, committees

app_name = "committees"

urlpatterns = [
    path("", committees.committee_list, name="committee_list"),
    path("new/", committee_forms.committee_create, name="committee_create"),
    path("participation/", committees.participation_overview, name="participation_overview"),
    path("countries/<str:iso3>/", committees.country_profile, name="country_profile"),
    path("members/<int:pk>/", committees.member_profile, name="member_profile"),
    path("<int:pk>/", committees.committee_detail, name="committee_detail"),
    path("<int:pk>/edit/", committee_forms.committee_edit, name="committee_edit"),
    path("<int:pk>/members/", committee_forms.membership_change, name="membership_change"),
    path("<int:pk>/roles/new/", committee_forms.role_create, name="role_create"),
    path("roles/<int:pk>/edit/", committee_forms.role_edit, name="role_edit"),
    path("<int:pk>/meetings/new/", committee_forms.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/edit/", committee_forms.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/delegates/new/", committee_forms.delegate_create, name="delegate_create"),
    path("delegates/<int:pk>/edit/", committee_forms.delegate_edit, name="delegate_edit"),
    path("meetings/<int:pk>/contributions/new/", committee_forms.contribution_create, name="contribution_create"),
]
