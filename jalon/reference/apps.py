from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    name = "jalon.reference"
    verbose_name = _("Reference data")

    def ready(self):
        from jalon.reference.services import reference_load
        from jalon.web.demo import register_step

        register_step(10, "reference data", lambda context: reference_load())

        from jalon.web.navigation import Link, register

        register(Link("web:country_list", _("Countries"), 30))
