from django.urls import path

from jalon.gap import views

app_name = "gap"

urlpatterns = [
    path("", views.index_list, name="index_list"),
    path("values/import/", views.values_import, name="values_import"),
    path("values/import/<int:job>/", views.values_import_progress, name="values_import_progress"),
    path("values/template.csv", views.values_template, name="values_template"),
    path("values/new/", views.value_record, name="value_record"),
    path("<slug:code>/", views.programme, name="programme"),
    path("<slug:code>/runs/new/", views.run_start, name="run_start"),
    path("<slug:code>/jobs/<int:job>/", views.run_progress, name="run_progress"),
    path("<slug:code>/specs/new/", views.spec_new, name="spec_new"),
    path("<slug:code>/specs/<int:version>/", views.spec_detail, name="spec_detail"),
    path("<slug:code>/runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("<slug:code>/runs/<int:pk>/sensitivity/", views.run_sensitivity, name="run_sensitivity"),
    path("<slug:code>/runs/<int:pk>/audit/", views.run_audit, name="run_audit"),
    path("<slug:code>/runs/<int:pk>/file.json", views.run_file, name="run_file"),
    path("<slug:code>/runs/<int:pk>/countries/<str:iso3>/", views.country, name="country"),
]
