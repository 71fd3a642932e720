from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "jalon.committees"
    verbose_name = _("Committees and participation")

    def ready(self):
        from jalon.committees.demo import committees_demo_build
        from jalon.web.demo import register_step

        register_step(50, "committees", lambda context: committees_demo_build(actor=context.users["manager"]))

        from jalon.web.navigation import Link, register

        register(Link("committees:committee_list", _("Committees"), 50))

        # Registers this app's computed indicators with the results engine.
        from jalon.committees import computations  # noqa: F401
