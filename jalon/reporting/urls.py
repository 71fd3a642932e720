"""The cross-domain pages (in the composition root's "web" namespace): the home page. And the tracking
table of a programme, which jalon/urls.py includes in the "results" namespace beside the results pages."""

from django.urls import path

from jalon.reporting import tracking_views, views

urlpatterns = [
    path("", views.home, name="home"),
]

tracking_urlpatterns = [
    path("<slug:code>/tracking/", tracking_views.tracking, name="tracking"),
    path("<slug:code>/tracking.csv", tracking_views.tracking, {"fmt": "csv"}, name="tracking_csv"),
    path("<slug:code>/tracking.xlsx", tracking_views.tracking, {"fmt": "xlsx"}, name="tracking_xlsx"),
]
