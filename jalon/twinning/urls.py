from django.urls import path

from jalon.twinning import views

app_name = "twinning"

urlpatterns = [
    path("", views.arrangement_list, name="arrangement_list"),
    path("recommendations/", views.recommendations, name="recommendations"),
    path("new/", views.arrangement_create, name="arrangement_create"),
    path("settings/<slug:code>/", views.settings_edit, name="settings"),
    path("<int:pk>/", views.arrangement_detail, name="arrangement_detail"),
    path("<int:pk>/edit/", views.arrangement_edit, name="arrangement_edit"),
    path("<int:pk>/agreement/", views.arrangement_agreement, name="arrangement_agreement"),
    path("<int:pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("<int:pk>/reviews/new/", views.review_create, name="review_create"),
    path("<int:pk>/<slug:step>/", views.arrangement_step, name="arrangement_step"),
]
