from django.urls import path

from jalon.support import views as support

app_name = "support"

urlpatterns = [
    path("", support.application_list, name="application_list"),
    path("review/", support.review_queue, name="review_queue"),
    path("costs/", support.costs, name="costs"),
    path("sponsorships/new/", support.sponsorship_create, name="sponsorship_create"),
    path("sponsorships/<int:pk>/", support.sponsorship_detail, name="sponsorship_detail"),
    path("sponsorships/<int:pk>/edit/", support.sponsorship_edit, name="sponsorship_edit"),
    path("sponsorships/<int:pk>/report-file/", support.sponsorship_report_file, name="sponsorship_report_file"),
    path("sponsorships/<int:pk>/<slug:step>/", support.sponsorship_step, name="sponsorship_step"),
    path("fellowships/review/", support.fellowship_review, name="fellowship_review"),
    path("fellowships/new/", support.fellowship_create, name="fellowship_create"),
    path("fellowships/<int:pk>/", support.fellowship_detail, name="fellowship_detail"),
    path("fellowships/<int:pk>/edit/", support.fellowship_edit, name="fellowship_edit"),
    path("fellowships/<int:pk>/<slug:step>/", support.fellowship_step, name="fellowship_step"),
]
