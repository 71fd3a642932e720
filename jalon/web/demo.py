"""The demo: a fresh database with real reference data, ISO members, the seed frameworks with a
synthetic history of measurements, and one user per role."""

from dataclasses import dataclass

from django.core.management import call_command
from django.db import transaction

from jalon.accounts.models import Role, User
from jalon.accounts.services import role_assign, user_create
from jalon.activities.demo import demo_activities_build
from jalon.committees.demo import committees_demo_build
from jalon.organisations.models import Organisation
from jalon.organisations.services import iso_members_load
from jalon.reference.services import reference_load
from jalon.results.demo import demo_history_build
from jalon.results.services import frameworks_load
from jalon.support.demo import support_demo_build

DEMO_PASSWORD = "jalon-demo"  # noqa: S105 - printed on purpose: a local demo, never a deployment
DEMO_ORGANISATION = "ASN"  # Association Sénégalaise de Normalisation: a French-speaking NSB in an LDC


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    organisation_acronym: str | None = None


DEMO_USERS = (
    DemoUser("admin", Role.PLATFORM_ADMIN),
    DemoUser("manager", Role.PROGRAMME_MANAGER),
    DemoUser("focal", Role.FOCAL_POINT, DEMO_ORGANISATION),
    DemoUser("contributor", Role.CONTRIBUTOR, DEMO_ORGANISATION),
    DemoUser("viewer", Role.VIEWER),
)


def demo_build(*, stdout=None) -> list[DemoUser]:
    """Migrate, load the shipped data and create the demo users (the database is expected to be empty)."""
    call_command("migrate", interactive=False, verbosity=0)
    with transaction.atomic():
        reference_load()
        iso_members_load()
        frameworks_load()
        users = {}
        for demo in DEMO_USERS:
            user = User.objects.filter(username=demo.username).first() or user_create(
                actor=None,
                username=demo.username,
                password=DEMO_PASSWORD,
                email=f"{demo.username}@demo.jalon.test",
                first_name=demo.username.capitalize(),
                last_name="Demo",
            )
            organisation = (
                Organisation.objects.get(acronym=demo.organisation_acronym, kind=Organisation.Kind.NSB)
                if demo.organisation_acronym
                else None
            )
            role_assign(actor=None, user=user, role=demo.role, organisation=organisation)
            users[demo.username] = user
        demo_history_build(
            actor=users["manager"],
            reporter=users["focal"],
            organisation=Organisation.objects.get(acronym=DEMO_ORGANISATION, kind=Organisation.Kind.NSB),
        )
        demo_activities_build(actor=users["manager"])
        committees_demo_build(actor=users["manager"])
        support_demo_build(actor=users["manager"], applicant=users["focal"])
    return list(DEMO_USERS)
