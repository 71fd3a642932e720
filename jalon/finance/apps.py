from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinanceConfig(AppConfig):
    name = "jalon.finance"
    verbose_name = _("Finance")

    def ready(self):
        from jalon.finance.computations import register_all
        from jalon.finance.demo import finance_demo_build
        from jalon.web.demo import register_step
        from jalon.web.navigation import Link
        from jalon.web.navigation import register as register_link

        register_all()

        from jalon.finance.iati import WRITER
        from jalon.results.iati import activity_writer_register

        activity_writer_register(WRITER)

        from jalon.finance.services import arrangement_support_sync
        from jalon.results.hooks import support_changed

        # A twinning arrangement's lead-funded support becomes a commitment in the ledger.
        support_changed.connect(arrangement_support_sync)

        from django.urls import reverse

        from jalon.finance import tasks
        from jalon.finance.access import finance_jobs_visible
        from jalon.finance.imports import CONTRIBUTIONS, SPENDING
        from jalon.jobs.kinds import JobKind
        from jalon.jobs.kinds import register as register_kind

        for name, label in ((CONTRIBUTIONS, _("Contributions import")), (SPENDING, _("Expenditure import"))):
            register_kind(
                JobKind(
                    name=name,
                    label=label,
                    task=tasks.ledger_import,
                    visible=finance_jobs_visible,
                    url=lambda job: reverse("finance:job", kwargs={"pk": job.pk}),
                )
            )
        register_step(75, "finance ledger", lambda context: finance_demo_build(actor=context.users["manager"]))
        register_link(Link("finance:index", _("Finance"), 62))
