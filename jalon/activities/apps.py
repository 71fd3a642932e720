from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "jalon.activities"
    verbose_name = _("Capacity-building activities")

    def ready(self):
        from jalon.activities.demo import demo_activities_build
        from jalon.web.demo import register_step

        register_step(40, "activities", lambda context: demo_activities_build(actor=context.users["manager"]))

        from jalon.web.navigation import Link, register

        register(Link("activities:activity_list", _("Activities"), 20))
        register(Link("activities:reach_dashboard", _("Reach"), 70))

        # Registers this app's computed indicators with the results engine.
        from jalon.activities import computations  # noqa: F401

        # The participant import runs as a background job of interop's (which must not import activities).
        from jalon.activities.imports import participants_import
        from jalon.interop.jobs import runner_register
        from jalon.interop.models import ImportJob

        runner_register(ImportJob.Kind.PARTICIPANTS, participants_import)
