from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ResultsConfig(AppConfig):
    name = "jalon.results"
    verbose_name = _("Results frameworks")

    def ready(self):
        from jalon.results.demo import demo_results_build
        from jalon.web.demo import register_step

        register_step(30, "frameworks", demo_results_build)

        from jalon.web.navigation import Link, register

        register(Link("results:programme_list", _("Programmes"), 10))
        from jalon.results.access import approval_queue_can_open

        register(Link("results:approval_queue", _("Approvals"), 12, visible=approval_queue_can_open))

        from jalon.jobs.queue import recovery_register
        from jalon.organisations.services import organisations_changed
        from jalon.reference.services import reference_changed
        from jalon.results.computations import computed_recover, computed_refresh_all, computed_schedule_refresh

        # Computed indicators read reference data and organisations: refresh them when those change.
        reference_changed.connect(lambda: computed_schedule_refresh(source="reference"))
        organisations_changed.connect(lambda: computed_schedule_refresh(source="organisations"))
        # Their refreshes have no Job: the worker's recovery queues again those lost or failed.
        recovery_register("computed_refreshes", computed_recover)
        from jalon.results.iati_import import iati_previews_expire

        # IATI import previews never confirmed: removed with their copy of the file after IATI_PREVIEW_KEEP_DAYS.
        recovery_register("iati_previews_expired", iati_previews_expire)
        # Last of the demo: its computed values are up to date when it opens, without waiting for the worker.
        register_step(1000, "computed indicators", lambda context: computed_refresh_all())

        from django.urls import reverse

        from jalon.jobs.kinds import JobKind
        from jalon.jobs.kinds import register as register_kind
        from jalon.results.access import iati_import_jobs_visible
        from jalon.results.iati import EXPORT_JOB
        from jalon.results.iati_import import IMPORT_JOB
        from jalon.results.tasks import iati_export_run, iati_import_run

        # IATI imports run as background jobs with progress, followed by their owner, the administrators and
        # the managers of the programme imported into; shown with their preview on the results' own page.
        register_kind(
            JobKind(
                IMPORT_JOB,
                _("IATI import"),
                iati_import_run,
                visible=iati_import_jobs_visible,
                url=lambda job: reverse("results:iati_import_job", kwargs={"pk": job.pk}),
            )
        )
        # IATI exports: on the generic job page (progress, the warnings, the file to download).
        register_kind(JobKind(EXPORT_JOB, _("IATI export"), iati_export_run, visible=iati_import_jobs_visible))
