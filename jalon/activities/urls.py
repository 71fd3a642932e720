from django.urls import path  # noqa: F401

from jalon.web.views import activities, activity_participants, activity_people, certificates, reach
from jalon.web.views import imports as imports

app_name = "activities"

urlpatterns: list = [
    # Reach and certificates: first, so that an activity route such as "<slug:code>/" cannot take "reach/".
    path("reach/", reach.reach_dashboard, name="reach_dashboard"),
    path("reach/<str:iso3>/", reach.country_reach, name="country_reach"),
    path("certificates/check/", certificates.certificate_check, name="certificate_check"),
    path("certificates/check/<path:code>/", certificates.certificate_check_code, name="certificate_check_code"),
    path("certificates/<str:code>.pdf", certificates.certificate_pdf, name="certificate_pdf"),
    # End of reach and certificates.
    # Participant imports: before the activity routes, so that "<slug:code>/" cannot take "imports/".
    path("imports/<int:pk>/", imports.import_job, name="import_job"),
    path("imports/<int:pk>/problems.<str:format>", imports.import_report, name="import_report"),
    path("imports/template-<str:language>.<str:format>", imports.import_template, name="import_template"),
    path("<slug:code>/participants/import/", imports.participant_import, name="participant_import"),
    # End of participant imports.
    # Activities, participants and people (fixed paths before "<slug:code>/").
    path("", activities.activity_list, name="activity_list"),
    path("calendar/", activities.activity_calendar, name="activity_calendar"),
    path("new/", activities.activity_create, name="activity_create"),
    path("people/merge/", activity_people.person_merge, name="person_merge"),
    path("people/merge/confirm/", activity_people.person_merge_confirm, name="person_merge_confirm"),
    path("people/<int:pk>/", activity_people.person_detail, name="person_detail"),
    path("people/<int:pk>/export.json", activity_people.person_export, name="person_export"),
    path("people/<int:pk>/erase/", activity_people.person_erase, name="person_erase"),
    path("<slug:code>/", activities.activity_detail, name="activity_detail"),
    path("<slug:code>/edit/", activities.activity_edit, name="activity_edit"),
    path("<slug:code>/delete/", activities.activity_delete, name="activity_delete"),
    path("<slug:code>/sessions/new/", activities.session_edit, name="session_create"),
    path("<slug:code>/sessions/<int:pk>/edit/", activities.session_edit, name="session_edit"),
    path("<slug:code>/sessions/<int:pk>/delete/", activities.session_delete, name="session_delete"),
    path(
        "<slug:code>/sessions/<int:pk>/attendance/", activity_participants.attendance_record, name="attendance_record"
    ),
    path("<slug:code>/materials/new/", activities.material_edit, name="material_create"),
    path("<slug:code>/materials/<int:pk>/edit/", activities.material_edit, name="material_edit"),
    path("<slug:code>/materials/<int:pk>/delete/", activities.material_delete, name="material_delete"),
    path("<slug:code>/register/", activity_participants.registration_create, name="registration_create"),
    path("<slug:code>/register/done/", activity_participants.registration_done, name="registration_done"),
    path("<slug:code>/registrations/<int:pk>/", activity_participants.evaluation_record, name="evaluation_record"),
    path(
        "<slug:code>/registrations/<int:pk>/cancel/",
        activity_participants.registration_cancel,
        name="registration_cancel",
    ),
    # End of activities, participants and people.
]
