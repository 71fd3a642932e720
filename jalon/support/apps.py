from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "jalon.support"
    verbose_name = _("Sponsorships and fellowships")
