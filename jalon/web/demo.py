"""The demo: a fresh database with real reference data, ISO members, the seed frameworks with a synthetic
history, the demo records of every module, and one user per role.

Each app adds its part from AppConfig.ready() with `register_step`; the steps run in their order, in one
transaction, each reading and filling the shared `DemoContext` (the demo's NSB, its users).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.management import call_command
from django.db import transaction

from jalon.accounts.models import Role, User
from jalon.accounts.services import role_assign, user_create

if TYPE_CHECKING:  # the organisations app fills it; web imports no domain at run time
    from jalon.organisations.models import Organisation

DEMO_PASSWORD = "jalon-demo"  # noqa: S105 - printed on purpose: a local demo, never a deployment


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    # Focal points and contributors act for the demo's NSB (DemoContext.organisation).
    for_organisation: bool = False


DEMO_USERS = (
    DemoUser("admin", Role.PLATFORM_ADMIN),
    DemoUser("manager", Role.PROGRAMME_MANAGER),
    DemoUser("focal", Role.FOCAL_POINT, for_organisation=True),
    DemoUser("contributor", Role.CONTRIBUTOR, for_organisation=True),
    DemoUser("viewer", Role.VIEWER),
)


@dataclass
class DemoContext:
    # The national standards body the demo's focal point and contributor act for (set by the organisations
    # app's step).
    organisation: "Organisation | None" = None
    users: dict[str, User] = field(default_factory=dict)


@dataclass(frozen=True, order=True)
class Step:
    order: int
    name: str
    build: Callable[[DemoContext], None] = field(compare=False)


STEPS: list[Step] = []


def register_step(order: int, name: str, build: Callable[[DemoContext], None]) -> None:
    if all(step.name != name for step in STEPS):
        STEPS.append(Step(order, name, build))
        STEPS.sort()


def demo_users_build(context: DemoContext) -> None:
    for demo in DEMO_USERS:
        user = User.objects.filter(username=demo.username).first() or user_create(
            actor=None,
            username=demo.username,
            password=DEMO_PASSWORD,
            email=f"{demo.username}@demo.jalon.test",
            first_name=demo.username.capitalize(),
            last_name="Demo",
        )
        organisation = context.organisation if demo.for_organisation else None
        role_assign(actor=None, user=user, role=demo.role, organisation=organisation)
        context.users[demo.username] = user


def demo_build() -> tuple[list[DemoUser], DemoContext]:
    """Migrate, then run every registered step (the database is expected to be empty)."""
    call_command("migrate", interactive=False, verbosity=0)
    context = DemoContext()
    with transaction.atomic():
        for step in STEPS:
            step.build(context)
    return list(DEMO_USERS), context
