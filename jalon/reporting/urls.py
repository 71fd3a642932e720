"""The cross-domain pages (in the composition root's "web" namespace): the home page."""

from django.urls import path

from jalon.reporting import views

urlpatterns = [
    path("", views.home, name="home"),
]
