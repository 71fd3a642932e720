from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "jalon.reporting"
    verbose_name = _("Reporting")

    def ready(self):
        from jalon.jobs.kinds import JobKind, register
        from jalon.reporting.access import report_jobs_visible, report_run_job_url, reports_link_visible
        from jalon.reporting.tasks import report_run
        from jalon.web.navigation import Link
        from jalon.web.navigation import register as register_link

        register(JobKind("report-run", _("Report"), report_run, visible=report_jobs_visible, url=report_run_job_url))
        register_link(Link("reporting:portfolio", _("Dashboards"), 88, visible=reports_link_visible))
        register_link(Link("reporting:index", _("Reports"), 90, visible=reports_link_visible))
