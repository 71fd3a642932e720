from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "jalon.reporting"
    verbose_name = _("Reporting")
