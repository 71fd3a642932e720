from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "jalon.knowledge"
    verbose_name = _("Knowledge")

    def ready(self):
        from jalon.activities.sections import ActivitySection
        from jalon.activities.sections import register as register_activity_section
        from jalon.finance.sections import ProposalSection
        from jalon.finance.sections import register as register_proposal_section
        from jalon.knowledge.views.lessons import activity_lessons_section, proposal_lessons_section

        # Lessons offered while writing a proposal or planning an activity (finance and activities sit below).
        register_proposal_section(ProposalSection("knowledge lessons", 50, proposal_lessons_section))
        register_activity_section(ActivitySection("knowledge lessons", 50, activity_lessons_section))

        from jalon.knowledge import computations_library

        computations_library.register_all()

        # Lessons, resources and claims in the shared search (each write indexes its record again).
        from jalon.knowledge import library_search, search

        for kind in library_search.KINDS:
            search.register(kind)

        from jalon.knowledge.demo_library import knowledge_library_demo_build
        from jalon.web.demo import register_step

        register_step(
            85, "knowledge library", lambda context: knowledge_library_demo_build(actor=context.users["manager"])
        )

        from jalon.web.navigation import Link
        from jalon.web.navigation import register as register_link

        register_link(Link("knowledge:lesson_list", _("Lessons"), 70))
        register_link(Link("knowledge:resource_list", _("Library"), 71))
        register_link(Link("knowledge:product_list", _("Conforming products"), 72))
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
        from jalon.knowledge.tasks import claims_expired_store, routings_unsent_requeue

        recovery_register("knowledge_routing_mail", routings_unsent_requeue)
        # Claims past their end date: the expired status stored (reads go by the dates meanwhile).
        recovery_register("knowledge_claims_expired", claims_expired_store)

        from jalon.web.navigation import Link, register

        register(Link("knowledge:thread_list", _("Questions and answers"), 75))

        from jalon.knowledge.forum_demo import knowledge_forum_demo_build
        from jalon.web.demo import register_step

        register_step(
            78,
            "knowledge forum and roster",
            lambda context: knowledge_forum_demo_build(focal=context.users["focal"], actor=context.users["manager"]),
        )
