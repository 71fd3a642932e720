"""The cross-domain pages (in the composition root's "web" namespace): the home page. And the tracking
table of a programme, which jalon/urls.py includes in the "results" namespace beside the results pages."""

from django.urls import path

from jalon.reporting import dashboard_views, narrative_views, report_views, tracking_views, views

urlpatterns = [
    path("", views.home, name="home"),
]

tracking_urlpatterns = [
    path("<slug:code>/tracking/", tracking_views.tracking, name="tracking"),
    path("<slug:code>/tracking.csv", tracking_views.tracking, {"fmt": "csv"}, name="tracking_csv"),
    path("<slug:code>/tracking.xlsx", tracking_views.tracking, {"fmt": "xlsx"}, name="tracking_xlsx"),
]

# A programme's reports, included by jalon/urls.py under reports/ in the "reporting" namespace.
report_urlpatterns = [
    path("", report_views.reports_index, name="index"),
    # Before "<code>/": a programme coded "portfolio" keeps its reports' pages, not its dashboard's address.
    path("portfolio/", dashboard_views.portfolio, name="portfolio"),
    path("<slug:code>/dashboard/", dashboard_views.programme_dashboard, name="dashboard"),
    path("<slug:code>/", report_views.reports, name="reports"),
    path("<slug:code>/new/", report_views.run_start, name="run_start"),
    path("<slug:code>/<int:pk>/", report_views.run_detail, name="run_detail"),
    path("<slug:code>/<int:pk>/<slug:language>.<slug:format>", report_views.run_file, name="run_file"),
    path("<slug:code>/narrative/", narrative_views.sections, name="sections"),
    path(
        "<slug:code>/narrative/<slug:period>/<int:result>/<str:language>/",
        narrative_views.section_edit,
        name="section_edit",
    ),
    path(
        "<slug:code>/narrative/<slug:period>/<int:result>/<str:language>/step/",
        narrative_views.section_move,
        name="section_move",
    ),
]
