from django.urls import path

from jalon.activities.views import (
    activities,
    certificates,
    imports,
    organising,
    participants,
    people,
    reach,
    workshop,
)

app_name = "activities"

urlpatterns: list = [
    # Reach and certificates: first, so that an activity route such as "<slug:code>/" cannot take "reach/".
    path("reach/", reach.reach_dashboard, name="reach_dashboard"),
    path("reach/<str:iso3>/", reach.country_reach, name="country_reach"),
    path("certificates/check/", certificates.certificate_check, name="certificate_check"),
    path("certificates/check/<path:code>/", certificates.certificate_check_code, name="certificate_check_code"),
    path("certificates/<str:code>.pdf", certificates.certificate_pdf, name="certificate_pdf"),
    # End of reach and certificates.
    # Running a workshop: calendars, participants page, personal links sent by e-mail (no login).
    path("calendar.ics", workshop.activities_ics, name="activities_ics"),
    path("survey/<str:token>/", workshop.survey_answer, name="survey_answer"),
    path("certificates/link/<str:token>/", workshop.certificate_link, name="certificate_link"),
    path("<slug:code>/calendar.ics", workshop.activity_ics, name="activity_ics"),
    path("<slug:code>/participants/", workshop.participants, name="participants"),
    path("<slug:code>/participants/bulk/", workshop.participants_bulk, name="participants_bulk"),
    path("<slug:code>/participants.<str:format>", workshop.participants_export, name="participants_export"),
    path("<slug:code>/sessions/<int:pk>/sign-in.<str:format>", workshop.signin_sheet, name="signin_sheet"),
    # End of running a workshop.
    # Participant imports: before the activity routes, so that "<slug:code>/" cannot take "imports/".
    path("imports/<int:pk>/", imports.import_job, name="import_job"),
    path("imports/<int:pk>/problems.<str:format>", imports.import_report, name="import_report"),
    path("imports/template-<str:language>.<str:format>", imports.import_template, name="import_template"),
    path("<slug:code>/participants/import/", imports.participant_import, name="participant_import"),
    # End of participant imports.
    # Activities, participants and people (fixed paths before "<slug:code>/").
    path("", activities.activity_list, name="activity_list"),
    path("calendar/", activities.activity_calendar, name="activity_calendar"),
    path("new/", organising.activity_create, name="activity_create"),
    path("people/merge/", people.person_merge, name="person_merge"),
    path("people/merge/confirm/", people.person_merge_confirm, name="person_merge_confirm"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/export.json", people.person_export, name="person_export"),
    path("people/<int:pk>/erase/", people.person_erase, name="person_erase"),
    path("<slug:code>/", activities.activity_detail, name="activity_detail"),
    path("<slug:code>/edit/", organising.activity_edit, name="activity_edit"),
    path("<slug:code>/delete/", organising.activity_delete, name="activity_delete"),
    path("<slug:code>/sessions/new/", organising.session_edit, name="session_create"),
    path("<slug:code>/sessions/<int:pk>/edit/", organising.session_edit, name="session_edit"),
    path("<slug:code>/sessions/<int:pk>/delete/", organising.session_delete, name="session_delete"),
    path("<slug:code>/sessions/<int:pk>/attendance/", participants.attendance_record, name="attendance_record"),
    path("<slug:code>/trainers/", organising.activity_trainers, name="activity_trainers"),
    path("<slug:code>/materials/new/", organising.material_edit, name="material_create"),
    path("<slug:code>/materials/<int:pk>/edit/", organising.material_edit, name="material_edit"),
    path("<slug:code>/materials/<int:pk>/delete/", organising.material_delete, name="material_delete"),
    path("<slug:code>/materials/<int:pk>/file/", organising.material_file, name="material_file"),
    path("<slug:code>/register/", participants.registration_create, name="registration_create"),
    path("<slug:code>/register/done/", participants.registration_done, name="registration_done"),
    path("<slug:code>/registrations/<int:pk>/", participants.evaluation_record, name="evaluation_record"),
    path("<slug:code>/certificates/", certificates.certificates_batch, name="certificates_batch"),
    path(
        "<slug:code>/registrations/<int:pk>/cancel/",
        participants.registration_cancel,
        name="registration_cancel",
    ),
    # End of activities, participants and people.
]
