from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupportConfig(AppConfig):
    name = "jalon.support"
    verbose_name = _("Sponsorships and fellowships")

    def ready(self):
        from jalon.support.demo import support_demo_build
        from jalon.web.demo import register_step

        register_step(
            60,
            "sponsorships and fellowships",
            lambda context: support_demo_build(actor=context.users["manager"], applicant=context.users["focal"]),
        )

        from jalon.support.access import support_can_list
        from jalon.web.navigation import Link, register

        register(Link("support:application_list", _("Support"), 60, visible=support_can_list))

        # Registers the eligibility rule kinds (rule_kinds.KINDS), which the models read to name and check a rule.
        # The worker reminds sponsored delegates of their reports due (support.mail), every minute, once each.
        from jalon.jobs.queue import recovery_register
        from jalon.support import rules  # noqa: F401
        from jalon.support.mail import report_reminders_send

        recovery_register("support_report_reminders", report_reminders_send)
