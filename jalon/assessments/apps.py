from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "jalon.assessments"
    verbose_name = _("Assessments")

    def ready(self):
        from jalon.assessments.access import assessments_can_list
        from jalon.assessments.computations import register_all
        from jalon.assessments.demo import assessments_demo_build
        from jalon.web.demo import register_step
        from jalon.web.navigation import Link, register

        register_all()
        from jalon.assessments.selectors import priority_sectors_by_member
        from jalon.committees.priorities import priority_sectors_register

        # Twinning weighs committees by the twinned member's national priorities and links objectives to them.
        priority_sectors_register(priority_sectors_by_member)
        register_step(
            75,
            "GSP assessments",
            lambda context: assessments_demo_build(actor=context.users["manager"], focal=context.users["focal"]),
        )
        register(Link("assessments:list", _("Assessments"), 62, visible=assessments_can_list))
