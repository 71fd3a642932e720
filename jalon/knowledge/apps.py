from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "jalon.knowledge"
    verbose_name = _("Knowledge")

    def ready(self):
        # The Q&A forum and the expert roster: what they index, their indicators, the stale-profile reminders.
        from jalon.jobs.queue import recovery_register
        from jalon.knowledge import (
            computations,  # noqa: F401
            forum_search,
            roster_search,
            search,
        )
        from jalon.knowledge.roster_services import roster_stale_remind

        search.register(forum_search.KIND)
        search.register(roster_search.KIND)
        recovery_register("knowledge_roster_reminders", roster_stale_remind)

        from jalon.web.navigation import Link, register

        register(Link("knowledge:thread_list", _("Questions and answers"), 75))

        from jalon.knowledge.forum_demo import knowledge_forum_demo_build
        from jalon.web.demo import register_step

        register_step(
            78,
            "knowledge forum and roster",
            lambda context: knowledge_forum_demo_build(focal=context.users["focal"], actor=context.users["manager"]),
        )
