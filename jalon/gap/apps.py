from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GapConfig(AppConfig):
    name = "jalon.gap"
    verbose_name = _("Standardization gap index")

    def ready(self):
        from django.urls import reverse

        from jalon.gap.access import gap_jobs_visible, gap_run_job_url
        from jalon.gap.computations import register_all
        from jalon.gap.demo import gap_demo_build
        from jalon.gap.tasks import gap_run, gap_values_import
        from jalon.jobs.kinds import JobKind, register
        from jalon.web.demo import register_step
        from jalon.web.navigation import Link
        from jalon.web.navigation import register as register_link

        register_all()
        register(JobKind("gap-run", _("Gap index run"), gap_run, visible=gap_jobs_visible, url=gap_run_job_url))
        register(
            JobKind(
                "gap-values-import",
                _("Gap index values import"),
                gap_values_import,
                url=lambda job: reverse("gap:values_import_progress", kwargs={"job": job.pk}),
            )
        )
        register_step(70, "standardization gap index", lambda context: gap_demo_build(actor=context.users["manager"]))
        register_link(Link("gap:index_list", _("Gap index"), 65))
