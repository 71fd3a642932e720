from django.apps import AppConfig
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "jalon.activities"
    verbose_name = _("Capacity-building activities")

    def ready(self):
        from jalon.activities.demo import demo_activities_build
        from jalon.web.demo import register_step

        register_step(40, "activities", lambda context: demo_activities_build(actor=context.users["manager"]))

        from jalon.web.navigation import Link, register

        register(Link("activities:activity_list", _("Activities"), 20))
        register(Link("activities:reach_dashboard", _("Reach"), 70))

        # Registers this app's computed indicators with the results engine.
        from jalon.activities import computations  # noqa: F401

        job_kinds_register()

        # Reminders (sessions tomorrow, surveys unanswered): the worker runs this every minute; each goes once.
        from jalon.activities.mail import scheduled_send
        from jalon.jobs.queue import recovery_register

        recovery_register("activity_reminders", scheduled_send)
        # The reach summary takes the changes of the last minute (reach_summary.py).
        from jalon.activities.reach_summary import reach_summary_update

        recovery_register("reach_summary", reach_summary_update)

        reach_cache_connect()

        from django.db.models.signals import pre_save

        from jalon.activities.models import Activity, title_sort_keys

        # However the activity is saved (services, the admin): its sort columns follow its title.
        pre_save.connect(
            lambda sender, instance, **kwargs: title_sort_keys(instance),
            sender=Activity,
            dispatch_uid="activity-title-sort",
            weak=False,
        )


def reach_cache_connect() -> None:
    """Every save or deletion of what the reach figures read renews the reach cache's stamp (reach_cache.py)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

    from jalon.accounts.models import RoleAssignment
    from jalon.activities.models import Activity, ActivitySession, Attendance, Registration
    from jalon.activities.reach_cache import reach_result_deleted, reach_signal
    from jalon.organisations.models import Organisation, Person
    from jalon.reference.models import Classification, Country
    from jalon.results.models import Result

    for model in (Activity, ActivitySession, Registration, Attendance, Person, Organisation, Country, Classification):
        post_save.connect(reach_signal, sender=model, dispatch_uid=f"reach-save-{model._meta.label_lower}")
        post_delete.connect(reach_signal, sender=model, dispatch_uid=f"reach-delete-{model._meta.label_lower}")
    post_save.connect(reach_signal, sender=RoleAssignment, dispatch_uid="reach-save-role")
    post_delete.connect(reach_signal, sender=RoleAssignment, dispatch_uid="reach-delete-role")
    for through in (Activity.outputs.through, Activity.countries.through):
        m2m_changed.connect(reach_signal, sender=through, dispatch_uid=f"reach-m2m-{through._meta.label_lower}")
    pre_delete.connect(reach_result_deleted, sender=Result, dispatch_uid="reach-result-deleted")


def job_kinds_register() -> None:
    """Participant imports and certificate batches run as background jobs (jalon.jobs, which must not import
    activities), followed by the activity's team; an import on its own page."""
    from jalon.activities import access, tasks
    from jalon.activities.certificates import CERTIFICATES
    from jalon.activities.imports import PARTICIPANTS
    from jalon.jobs.kinds import JobKind, register

    register(
        JobKind(
            name=PARTICIPANTS,
            label=_("Participant import"),
            task=tasks.participants_import,
            visible=access.activity_jobs_visible,
            url=lambda job: reverse("activities:import_job", kwargs={"pk": job.pk}),
        )
    )
    register(
        JobKind(
            name=CERTIFICATES,
            label=_("All certificates of an activity (ZIP)"),
            task=tasks.certificates_batch,
            visible=access.activity_jobs_visible,
        )
    )
