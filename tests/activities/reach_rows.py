"""Access table rows for the reach pages and certificates (spliced into tests/access/matrix_activities.py)."""

import datetime

from jalon.activities import services
from jalon.activities.models import Activity
from jalon.organisations.models import Person
from tests.access.matrix import EVERYONE, TEAM, page


def certificate_build(ctx):
    """A completed registration, with its certificate code, in a workshop `nsb` organised."""
    actor = ctx.users["manager"]
    workshop = services.activity_create(
        actor=actor,
        code="matrix-certified",
        title={"en": "Certified workshop", "fr": "Atelier certifié"},
        type=Activity.Type.WORKSHOP,
        modality=Activity.Modality.IN_PERSON,
        level=Activity.Level.GLOBAL,
        start_date=datetime.date(2025, 4, 1),
        end_date=datetime.date(2025, 4, 2),
        organiser=ctx.nsb,
        status=Activity.Status.COMPLETED,
    )
    person = Person.objects.create(given_name="Awa", family_name="Diop", organisation=ctx.nsb)
    registration = services.registration_create(actor=actor, activity=workshop, person=person)
    return services.registration_complete(actor=actor, registration=registration)


def certificate_code(ctx) -> dict:
    return {"code": ctx.once("certificate", certificate_build).certificate_code}


ROWS = [
    page("reach dashboard", "activities:reach_dashboard", EVERYONE),
    page("country reach", "activities:country_reach", EVERYONE, kwargs=lambda ctx: {"iso3": "SEN"}),
    page("certificate check form", "activities:certificate_check", EVERYONE),
    page("certificate check of a code", "activities:certificate_check_code", EVERYONE, kwargs=certificate_code),
    # Personal data: the organisers (`nsb`'s focal point and contributor) and the programme team.
    page("certificate PDF", "activities:certificate_pdf", TEAM | {"focal", "contributor"}, kwargs=certificate_code),
]
