"""Computed participation indicators: exact values on small data, and a framework indicator filling itself."""

import datetime
from decimal import Decimal

import pytest

from jalon.committees import services
from jalon.committees.models import Committee, LeadershipRole, Meeting, MeetingDelegate, ParticipationEvent
from jalon.organisations.models import Organisation, Person
from jalon.results.computations import REGISTRY, indicator_link_computation
from jalon.results.models import Indicator, Level, Period, Programme, Result

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    programme = Programme.objects.create(
        code="participation",
        owner=Organisation.objects.get(acronym="ISO"),
        title={"en": "Participation"},
        start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )
    for year in (2025, 2026):
        Period.objects.create(
            programme=programme,
            code=str(year),
            name={"en": str(year)},
            start=datetime.date(year, 1, 1),
            end=datetime.date(year, 12, 31),
        )
    return programme


def period(programme, year):
    return programme.periods.get(code=str(year))


def values(parts):
    return [(part.dimension, part.code, part.value) for part in parts]


@pytest.fixture
def moves(make_committee, org):
    """O->P moves: ASN twice in 2025 (counted once), KEBS and ABNT in 2025, ABNORM in 2026, AFNOR
    (France, not developing) in 2025."""
    tc1, tc2 = make_committee("ISO/TC 911"), make_committee("ISO/TC 912")
    dates = [
        ("ASN", tc1, datetime.date(2025, 3, 1)),
        ("ASN", tc2, datetime.date(2025, 9, 1)),
        ("KEBS", tc1, datetime.date(2025, 12, 31)),
        ("ABNT", tc1, datetime.date(2025, 5, 1)),
        ("ABNORM", tc1, datetime.date(2026, 2, 1)),
        ("AFNOR", tc1, datetime.date(2025, 5, 1)),
    ]
    for acronym, committee, day in dates:
        ParticipationEvent.objects.create(committee=committee, organisation=org(acronym), kind="o_to_p", date=day)
    ParticipationEvent.objects.create(committee=tc2, organisation=org("KEBS"), kind="joined_p", date=dates[0][2])


def test_developing_members_moving_from_o_to_p_are_counted_once_each_by_region(programme, moves):
    parts = REGISTRY["committees_o_to_p_by_region"].compute(programme, period(programme, 2025))
    # ASN and KEBS (Africa 002), ABNT (Americas 019); AFNOR is not developing; ABNORM moved in 2026.
    assert values(parts) == [(None, "", Decimal(3)), ("region", "002", Decimal(2)), ("region", "019", Decimal(1))]


def test_developing_members_moving_from_o_to_p_by_income_group(programme, moves):
    parts = REGISTRY["committees_o_to_p_by_income"].compute(programme, period(programme, 2026))
    assert values(parts) == [(None, "", Decimal(1)), ("income", "LIC", Decimal(1))]


def test_leadership_positions_of_developing_members_are_counted_at_the_end_of_the_period(
    programme, make_committee, org
):
    tc = make_committee("ISO/TC 921")
    LeadershipRole.objects.create(committee=tc, role="chair", organisation=org("ASN"))
    LeadershipRole.objects.create(
        committee=tc, role="secretariat", organisation=org("KEBS"), end_date=datetime.date(2025, 6, 30)
    )
    LeadershipRole.objects.create(
        committee=tc, role="convenor", organisation=org("ABNT"), start_date=datetime.date(2025, 12, 31)
    )
    LeadershipRole.objects.create(committee=tc, role="secretariat", organisation=org("AFNOR"))
    parts = REGISTRY["committees_leadership_developing"].compute(programme, period(programme, 2025))
    assert values(parts) == [(None, "", Decimal(2)), ("region", "002", Decimal(1)), ("region", "019", Decimal(1))]


@pytest.fixture
def sponsored(make_committee, org):
    """Two 2025 meetings: ASN's two sponsored delegates (one woman, one man; the man attends both), KEBS's
    sponsored delegate absent, an unsponsored AFNOR delegate; a 2026 meeting with ABNT sponsored."""
    tc = make_committee("ISO/TC 931")
    meetings = [
        Meeting.objects.create(committee=tc, start_date=day, end_date=day, city="Dakar")
        for day in (datetime.date(2025, 3, 1), datetime.date(2025, 10, 1), datetime.date(2026, 3, 1))
    ]
    people = {}
    for acronym, name, sex in (("ASN", "Awa", "female"), ("ASN", "Moussa", "male"), ("KEBS", "Grace", "female")):
        people[name] = Person.objects.create(given_name=name, family_name="X", sex=sex, organisation=org(acronym))
    people["Jean"] = Person.objects.create(given_name="Jean", family_name="X", organisation=org("AFNOR"))
    people["Ana"] = Person.objects.create(given_name="Ana", family_name="X", organisation=org("ABNT"))
    rows = [
        (meetings[0], "Awa", True, True),
        (meetings[0], "Moussa", True, True),
        (meetings[1], "Moussa", True, True),
        (meetings[1], "Grace", False, True),
        (meetings[1], "Jean", True, False),
        (meetings[2], "Ana", True, True),
    ]
    for meeting, name, present, is_sponsored in rows:
        person = people[name]
        MeetingDelegate.objects.create(
            meeting=meeting, person=person, organisation=person.organisation, present=present, sponsored=is_sponsored
        )


def test_meetings_attended_by_sponsored_delegates_by_sex(programme, sponsored):
    parts = REGISTRY["committees_sponsored_attendance"].compute(programme, period(programme, 2025))
    assert values(parts) == [(None, "", Decimal(3)), ("sex", "female", Decimal(1)), ("sex", "male", Decimal(2))]


def test_nsbs_sponsored_are_the_distinct_organisations_of_sponsored_delegates(programme, sponsored):
    parts = REGISTRY["committees_nsbs_sponsored"].compute(programme, period(programme, 2025))
    assert values(parts) == [(None, "", Decimal(2)), ("region", "002", Decimal(2))]


def test_every_committee_computation_has_its_title_and_method_in_english_and_french():
    keys = [key for key in REGISTRY if key.startswith("committees_")]
    assert len(keys) == 5
    for key in keys:
        computation = REGISTRY[key]
        assert computation.title["en"] and computation.title["fr"] and computation.method["fr"]
        assert "committees" in computation.sources


def test_a_framework_indicator_linked_to_a_computation_fills_itself_and_follows_new_records(
    programme, make_committee, org, users, django_capture_on_commit_callbacks
):
    level = Level.objects.create(programme=programme, key="outcome", name={"en": "Outcome"}, iati_result_type=2)
    result = Result.objects.create(programme=programme, level=level, code="IO4", title={"en": "Leadership"})
    indicator = Indicator.objects.create(result=result, code="L1", title={"en": "Leadership positions"})
    committee = make_committee("ISO/TC 941", body=Committee.Body.ISO)
    LeadershipRole.objects.create(committee=committee, role="chair", organisation=org("ASN"))

    indicator_link_computation(actor=users["manager"], indicator=indicator, key="committees_leadership_developing")

    totals = dict(indicator.measurements.filter(dimension_value=None).values_list("period__code", "value"))
    # Every started period is computed (2026 has started on the machine's clock since the tests were written).
    assert totals == {code: Decimal(1) for code in totals} and "2025" in totals
    with django_capture_on_commit_callbacks(execute=True):
        services.leadership_role_create(
            actor=users["manager"], committee=committee, role="co_convenor", organisation=org("KEBS")
        )
    totals = dict(indicator.measurements.filter(dimension_value=None).values_list("period__code", "value"))
    assert totals == {code: Decimal(2) for code in totals} and "2025" in totals
