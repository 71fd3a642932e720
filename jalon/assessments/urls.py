from django.urls import path

from jalon.assessments import views

app_name = "assessments"

urlpatterns = [
    path("", views.assessment_list, name="list"),
    path("new/", views.assessment_create, name="create"),
    path("portfolio/", views.portfolio, name="portfolio"),
    path("published/", views.published, name="published"),
    path("banks/<slug:code>/v<int:version>/", views.bank, name="bank"),
    path("<int:pk>/", views.assessment_detail, name="detail"),
    path("<int:pk>/sections/<int:section>/", views.assessment_section, name="section"),
    path("<int:pk>/step/<slug:step>/", views.assessment_step, name="step"),
    path("<int:pk>/evidence/<int:answer>/", views.answer_evidence, name="evidence"),
    path("<int:pk>/compare/", views.assessment_compare, name="compare"),
    path("<int:pk>/findings/new/", views.finding_create, name="finding_create"),
    path("<int:pk>/areas/new/", views.area_create, name="area_create"),
    path("areas/<int:area>/actions/new/", views.action_create, name="action_create"),
    path("actions/<int:pk>/edit/", views.action_edit, name="action_edit"),
    path("finances/", views.profile_list, name="profile_list"),
    path("finances/new/", views.profile_create, name="profile_create"),
    path("finances/<int:pk>/", views.profile_detail, name="profile_detail"),
    path("finances/<int:pk>/edit/", views.profile_edit, name="profile_edit"),
    path("finances/<int:pk>/risks/new/", views.risk_create, name="risk_create"),
    path("risks/<int:pk>/edit/", views.risk_edit, name="risk_edit"),
    path("surveys/", views.survey_list, name="survey_list"),
    path("surveys/new/", views.survey_create, name="survey_create"),
    path("surveys/<slug:code>/", views.survey_detail, name="survey_detail"),
    path("surveys/<slug:code>/results/", views.survey_results, name="survey_results"),
    path("surveys/<slug:code>/xlsform/", views.survey_xlsform, name="survey_xlsform"),
    path("surveys/<slug:code>/do/<slug:action>/", views.survey_action, name="survey_action"),
    path("s/<str:token>/", views.survey_answer, name="survey_answer"),
    path("strategies/", views.strategy_list, name="strategy_list"),
    path("strategies/new/", views.strategy_create, name="strategy_create"),
    path("strategies/<int:pk>/", views.strategy_detail, name="strategy_detail"),
    path("strategies/<int:pk>/edit/", views.strategy_edit, name="strategy_edit"),
    path("strategies/<int:pk>/document/", views.strategy_document, name="strategy_document"),
    path("strategies/<int:pk>/sectors/new/", views.sector_create, name="sector_create"),
    path("strategies/<int:pk>/items/new/", views.item_create, name="item_create"),
]
