from django.urls import path

from jalon.results.views import computed, frameworks, iati, measurements, narratives, programmes

app_name = "results"

# The tracking table (results:tracking, tracking_csv, tracking_xlsx) is a reporting page, included in this
# namespace by jalon/urls.py (jalon.reporting.urls.tracking_urlpatterns).
urlpatterns = [
    path("", programmes.programme_list, name="programme_list"),
    path("new/", frameworks.programme_create, name="programme_create"),
    path("approvals/", measurements.approval_queue, name="approval_queue"),
    path("measurements/<int:pk>/edit/", measurements.measurement_edit, name="measurement_edit"),
    path("measurements/<int:pk>/review/", measurements.measurement_review, name="measurement_review"),
    path("measurements/<int:pk>/evidence/", measurements.measurement_evidence, name="measurement_evidence"),
    path("measurements/<int:pk>/comments/", measurements.measurement_comments, name="measurement_comments"),
    path("iati-import/", iati.iati_import_programmes, name="iati_import_programmes"),
    path("iati-imports/<int:pk>/", iati.iati_import_job, name="iati_import_job"),
    path("iati-imports/<int:pk>/confirm/", iati.iati_import_confirm, name="iati_import_confirm"),
    path("<slug:code>/", programmes.programme_detail, name="programme_detail"),
    path("<slug:code>/iati-import/", iati.iati_import, name="iati_import"),
    path("<slug:code>/iati-export/", iati.iati_export, name="iati_export"),
    path("<slug:code>/indicators/<int:pk>/", programmes.indicator_detail, name="indicator_detail"),
    path("<slug:code>/indicators/<int:pk>/report/", measurements.measurement_create, name="measurement_create"),
    path("<slug:code>/indicators/<int:pk>/computation/", computed.indicator_computation, name="indicator_computation"),
    path("<slug:code>/indicators/<int:pk>/recompute/", computed.indicator_recompute, name="indicator_recompute"),
    path("<slug:code>/indicators/<int:pk>/narratives/<int:period>/", narratives.narrative_edit, name="narrative_edit"),
    # Building and editing the framework (programme managers).
    path("<slug:code>/edit/", frameworks.programme_edit, name="programme_edit"),
    path("<slug:code>/structure/", frameworks.framework_structure, name="framework_structure"),
    path("<slug:code>/levels/new/", frameworks.level_edit, name="level_create"),
    path("<slug:code>/levels/<int:pk>/edit/", frameworks.level_edit, name="level_edit"),
    path("<slug:code>/levels/<int:pk>/delete/", frameworks.level_delete, name="level_delete"),
    path("<slug:code>/periods/new/", frameworks.period_edit, name="period_create"),
    path("<slug:code>/periods/generate/", frameworks.periods_generate, name="periods_generate"),
    path("<slug:code>/periods/<int:pk>/edit/", frameworks.period_edit, name="period_edit"),
    path("<slug:code>/periods/<int:pk>/delete/", frameworks.period_delete, name="period_delete"),
    path("<slug:code>/dimensions/new/", frameworks.dimension_edit, name="dimension_create"),
    path("<slug:code>/dimensions/<int:pk>/edit/", frameworks.dimension_edit, name="dimension_edit"),
    path("<slug:code>/dimensions/<int:pk>/delete/", frameworks.dimension_delete, name="dimension_delete"),
    path("<slug:code>/results/new/", frameworks.result_edit, name="result_create"),
    path("<slug:code>/results/<int:pk>/edit/", frameworks.result_edit, name="result_edit"),
    path("<slug:code>/results/<int:pk>/delete/", frameworks.result_delete, name="result_delete"),
    path("<slug:code>/results/<int:pk>/indicators/new/", frameworks.indicator_create, name="indicator_create"),
    path("<slug:code>/indicators/<int:pk>/edit/", frameworks.indicator_edit, name="indicator_edit"),
    path(
        "<slug:code>/indicators/<int:pk>/targets-by-disaggregation/",
        frameworks.disaggregated_targets,
        name="disaggregated_targets",
    ),
    path("<slug:code>/indicators/<int:pk>/delete/", frameworks.indicator_delete, name="indicator_delete"),
]
