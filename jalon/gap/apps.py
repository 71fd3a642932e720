from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GapConfig(AppConfig):
    name = "jalon.gap"
    verbose_name = _("Standardization gap index")

    def ready(self):
        from jalon.gap.access import gap_jobs_visible, gap_run_job_url
        from jalon.gap.tasks import gap_run
        from jalon.jobs.kinds import JobKind, register

        register(JobKind("gap-run", _("Gap index run"), gap_run, visible=gap_jobs_visible, url=gap_run_job_url))
