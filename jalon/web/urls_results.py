from django.urls import path

from jalon.web.views import results

app_name = "results"

urlpatterns = [
    path("", results.programme_list, name="programme_list"),
    path("approvals/", results.approval_queue, name="approval_queue"),
    path("measurements/<int:pk>/edit/", results.measurement_edit, name="measurement_edit"),
    path("measurements/<int:pk>/review/", results.measurement_review, name="measurement_review"),
    path("<slug:code>/", results.programme_detail, name="programme_detail"),
    path("<slug:code>/tracking/", results.tracking, name="tracking"),
    path("<slug:code>/tracking.csv", results.tracking, {"fmt": "csv"}, name="tracking_csv"),
    path("<slug:code>/tracking.xlsx", results.tracking, {"fmt": "xlsx"}, name="tracking_xlsx"),
    path("<slug:code>/indicators/<int:pk>/", results.indicator_detail, name="indicator_detail"),
    path("<slug:code>/indicators/<int:pk>/report/", results.measurement_create, name="measurement_create"),
]
