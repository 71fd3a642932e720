from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "jalon.web"
    verbose_name = _("Web pages")

    def ready(self):
        from jalon.lib import collation

        collation.connect()
