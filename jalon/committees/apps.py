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

        # The ISO committee file imported from a page, in the background.
        from django.urls import reverse

        from jalon.committees.iso_import import JOB_KIND
        from jalon.committees.tasks import iso_committees_import_task
        from jalon.jobs.kinds import JobKind
        from jalon.jobs.kinds import register as register_kind

        register_kind(
            JobKind(
                JOB_KIND,
                _("ISO committee import"),
                iso_committees_import_task,
                url=lambda job: reverse("committees:iso_import_job", kwargs={"pk": job.pk}),
            )
        )

        # Registers this app's computed indicators with the results engine.
        from jalon.committees import computations  # noqa: F401
