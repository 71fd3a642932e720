from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "jalon.activities"
    verbose_name = _("Capacity-building activities")

    def ready(self):
        # Registers this app's computed indicators with the results engine.
        from jalon.activities import computations  # noqa: F401
