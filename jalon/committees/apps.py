from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "jalon.committees"
    verbose_name = _("Committees and participation")

    def ready(self):
        # Registers this app's computed indicators with the results engine.
        from jalon.committees import computations  # noqa: F401
