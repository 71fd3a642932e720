"""The shared pages (in the composition root's "web" namespace): the audit log."""

from django.urls import path

from jalon.web.views import audit

urlpatterns = [
    path("audit/", audit.audit_list, name="audit_list"),
    path("audit/<int:pk>/", audit.audit_detail, name="audit_detail"),
]
