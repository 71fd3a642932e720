from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TwinningConfig(AppConfig):
    name = "jalon.twinning"
    verbose_name = _("Twinning")

    def ready(self):
        from jalon.twinning.demo import twinning_demo_build, twinning_demo_link_priorities
        from jalon.web.demo import register_step

        register_step(65, "twinning", lambda context: twinning_demo_build(actor=context.users["manager"]))
        # After the assessments demo (75) has given members their national strategies.
        register_step(
            80,
            "twinning: national priorities",
            lambda context: twinning_demo_link_priorities(actor=context.users["manager"]),
        )

        from jalon.twinning.access import twinning_can_list
        from jalon.web.navigation import Link, register

        register(Link("twinning:arrangement_list", _("Twinning"), 65, visible=twinning_can_list))

        # Registers the computed indicators with the results engine.
        from jalon.twinning import computations  # noqa: F401
