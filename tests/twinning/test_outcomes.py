"""Outcomes computed from the committee history: after an ISO Open Data import in which the twinned member
becomes a P-member, the arrangement's page and the programme's computed indicator show it, with nobody typing
it; roles, meetings attended and contributions within the window; spill-over on other committees."""

import datetime
from decimal import Decimal

import pytest

from jalon.committees import services as committee_services
from jalon.committees.demo import csv_with_changes
from jalon.committees.iso_import import ISO_COMMITTEES_FILE, iso_committees_import
from jalon.committees.models import Committee, LeadershipRole
from jalon.organisations.models import Organisation, Person
from jalon.results.computations import REGISTRY
from jalon.results.models import Period
from jalon.twinning import selectors, services
from jalon.twinning.models import Arrangement
from tests.committees.conftest import read_rows, write_rows
from tests.twinning.conftest import agreement_file, days

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def _ids(value: str) -> list[str]:
    inner = value.strip()[1:-1] if value.strip().startswith("[") else value
    return [item.strip() for item in inner.split(",") if item.strip()]


@pytest.fixture
def imported(tmp_path, nsb):
    """Two real ISO committees where ASN is an O-member and AFNOR a P-member, imported 200 days ago."""
    afnor = Organisation.objects.get(acronym="AFNOR")
    rows = [
        row
        for row in read_rows(ISO_COMMITTEES_FILE)
        if str(nsb.iso_member_id) in _ids(row["oMembers.id"]) and str(afnor.iso_member_id) in _ids(row["pMembers.id"])
    ][:2]
    assert len(rows) == 2
    first = tmp_path / "first.csv"
    write_rows(first, rows)
    iso_committees_import(path=first, as_of=days(-200))
    return first, [Committee.objects.get(reference=row["reference"]) for row in rows]


def _arrangement(programme, committee, actor) -> Arrangement:
    arrangement = services.arrangement_create(
        actor=actor,
        programme=programme,
        kind="p_member",
        committee=committee,
        twinned_member=Organisation.objects.get(acronym="ASN"),
        lead_member=Organisation.objects.get(acronym="AFNOR"),
    )
    arrangement = services.arrangement_identify_partner(actor=actor, arrangement=arrangement)
    arrangement = services.arrangement_sign(
        actor=actor,
        arrangement=arrangement,
        agreement=agreement_file(),
        signed_on=days(-160),
        manager_notified_on=days(-159),
    )
    return services.arrangement_activate(actor=actor, arrangement=arrangement, start_date=days(-150))


def test_an_import_where_the_twinned_member_becomes_p_shows_in_the_outcome_and_the_indicator(
    world, users, imported, tmp_path, nsb
):
    first, (committee, other) = imported
    manager = users["manager"]
    arrangement = _arrangement(world.programme, committee, manager)
    period = Period.objects.create(
        programme=world.programme, code="now", name={"en": "Now"}, start=days(-365), end=days(30)
    )
    compute = REGISTRY["twinning_became_p_share"].compute
    before = selectors.arrangement_outcomes(arrangement)
    assert before.started and before.became_p_on is None and before.status_now == "o"
    assert compute(world.programme, period)[0].numerator == 0

    later = csv_with_changes(
        source=first,
        target=tmp_path / "later.csv",
        moves=[
            (committee.reference, nsb.iso_member_id, nsb.acronym, "p"),
            (other.reference, nsb.iso_member_id, nsb.acronym, "p"),
        ],
    )
    iso_committees_import(path=later, as_of=days(-30))

    outcome = selectors.arrangement_outcomes(Arrangement.objects.get(pk=arrangement.pk))
    assert outcome.became_p_on == days(-30) and outcome.status_now == "p"
    assert [(e.committee.reference, e.kind, e.phase) for e in outcome.on_committee] == [
        (committee.reference, "o_to_p", "during")
    ]
    assert [(e.committee.reference, e.kind) for e in outcome.spill_over] == [(other.reference, "o_to_p")]
    total = compute(world.programme, period)[0]
    assert (total.value, total.numerator, total.denominator) == (Decimal("100.0"), 1, 1)

    # The page shows the same, with the events behind it.
    content = _page(arrangement, manager)
    assert committee.reference in content and "Moved from O to P" in content and other.reference in content


def _page(arrangement, user) -> str:
    from django.test import Client

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client.get(f"/en/twinning/{arrangement.pk}/").content.decode()


def test_roles_meetings_and_contributions_in_the_window_count_and_those_before_do_not(world, users, nsb):
    manager = users["manager"]
    committee = world.tc34
    arrangement = _arrangement(world.programme, committee, manager)
    person = Person.objects.create(given_name="Fatou", family_name="Ba", organisation=nsb, sex="female")
    LeadershipRole.objects.create(
        committee=committee, role="vice_chair", organisation=nsb, person=person, start_date=days(-20)
    )
    LeadershipRole.objects.create(committee=world.tc176, role="convenor", organisation=nsb, start_date=days(-400))
    meeting = committee_services.meeting_create(
        actor=manager,
        committee=committee,
        title={"en": "Plenary"},
        start_date=days(-40),
        end_date=days(-38),
        mode="virtual",
    )
    delegate = committee_services.delegate_register(actor=manager, meeting=meeting, person=person)
    committee_services.delegate_mark_present(actor=manager, delegate=delegate)
    committee_services.contribution_create(
        actor=manager, meeting=meeting, organisation=nsb, title="Comments", submitted_on=days(-45)
    )
    outcome = selectors.arrangement_outcomes(arrangement)
    assert (outcome.roles_gained, outcome.meetings_attended, outcome.contributions) == (1, 1, 1)
    period = Period.objects.create(programme=world.programme, code="y", name={"en": "Y"}, start=days(-365), end=days(0))
    parts = REGISTRY["twinning_roles_gained"].compute(world.programme, period)
    assert parts[0].value == 1
    found = [(p.dimension, p.code, p.value) for p in parts]
    assert ("sex", "female", Decimal(1)) in found
    # Senegal: Africa (M49 002), lower-middle income.
    assert ("region", "002", Decimal(1)) in found and ("income", "LMC", Decimal(1)) in found


def test_indicators_of_running_arrangements_meetings_and_reviews(world, users):
    manager = users["manager"]
    arrangement = _arrangement(world.programme, world.tc34, manager)
    period = Period.objects.create(programme=world.programme, code="y", name={"en": "Y"}, start=days(-365), end=days(0))
    by_kind = REGISTRY["twinning_running_by_kind"].compute(world.programme, period)
    assert [(p.dimension, p.code, p.value) for p in by_kind] == [(None, "", 1), ("custom", "p_member", 1)]
    meeting_share = REGISTRY["twinning_meeting_share"].compute
    assert meeting_share(world.programme, period)[0].numerator == 0
    services.meeting_record(actor=manager, arrangement=arrangement, date=days(-5), mode="virtual")
    assert meeting_share(world.programme, period)[0].value == Decimal("100.0")
    # Started 150 days ago: not yet due for an annual review.
    assert REGISTRY["twinning_review_share"].compute(world.programme, period) == []
    # An earlier period without arrangements counts none.
    earlier = Period.objects.create(
        programme=world.programme, code="old", name={"en": "Old"}, start=days(-900), end=days(-500)
    )
    assert REGISTRY["twinning_running_by_kind"].compute(world.programme, earlier)[0].value == 0
    assert datetime.date.today() >= arrangement.start_date


def test_a_framework_indicator_linked_to_the_became_p_share_fills_itself_after_the_import(
    world, users, imported, tmp_path, nsb, django_capture_on_commit_callbacks
):
    """The issue's "done when": after the committee import, the programme's indicator holds the new value, stored
    by the computed refresh the import queues, with nobody entering it."""
    from jalon.results.computations import indicator_link_computation
    from jalon.results.models import Indicator, Level, Result

    first, (committee, _other) = imported
    manager = users["manager"]
    _arrangement(world.programme, committee, manager)
    period = Period.objects.create(
        programme=world.programme, code="now", name={"en": "Now"}, start=days(-365), end=days(30)
    )
    level = Level.objects.create(programme=world.programme, key="outcome", name={"en": "Outcome"}, iati_result_type=2)
    result = Result.objects.create(programme=world.programme, level=level, code="IO2", title={"en": "Participation"})
    indicator = Indicator.objects.create(result=result, code="T1", title={"en": "Twinned members now P"})
    indicator_link_computation(actor=manager, indicator=indicator, key="twinning_became_p_share")

    def stored():
        return indicator.measurements.filter(period=period, dimension_value=None).values_list(
            "value", "numerator", "denominator"
        )

    assert list(stored()) == [(Decimal("0.0"), 0, 1)]
    later = csv_with_changes(
        source=first, target=tmp_path / "later.csv", moves=[(committee.reference, nsb.iso_member_id, nsb.acronym, "p")]
    )
    with django_capture_on_commit_callbacks(execute=True):
        iso_committees_import(path=later, as_of=days(-30))
    assert list(stored()) == [(Decimal("100.0"), 1, 1)]
