"""Participation measures per member and per country, on a date and as yearly series, with the
developing/developed split; aggregated in the database in a fixed number of queries."""

import datetime

import pytest

from jalon.committees import selectors
from jalon.committees.models import Contribution, LeadershipRole, Meeting, MeetingDelegate
from jalon.organisations.models import Organisation, Person
from jalon.reference.models import DevelopingCountryRule

pytestmark = pytest.mark.django_db

Y2023, Y2024, Y2025 = datetime.date(2023, 12, 31), datetime.date(2024, 12, 31), datetime.date(2025, 12, 31)


@pytest.fixture
def world(make_committee, member_of, org):
    """Three committees; ASN (Senegal) O then P in TC 1, P in TC 2 from 2024; KEBS (Kenya) O in TC 1 until
    mid-2025; AFNOR (France) P everywhere since before the records; TC 3 created in 2025."""
    asn, kebs, afnor = org("ASN"), org("KEBS"), org("AFNOR")
    tc1 = make_committee("ISO/TC 901", creation_date=datetime.date(2000, 1, 1))
    tc2 = make_committee("ISO/TC 902", creation_date=datetime.date(2000, 1, 1))
    tc3 = make_committee("ISO/TC 903", creation_date=datetime.date(2025, 3, 1))
    member_of(tc1, asn, "o", since=None, until=datetime.date(2024, 6, 1))
    member_of(tc1, asn, "p", since=datetime.date(2024, 6, 1))
    member_of(tc2, asn, "p", since=datetime.date(2024, 2, 1))
    member_of(tc1, kebs, "o", until=datetime.date(2025, 7, 1))
    for committee in (tc1, tc2):
        member_of(committee, afnor, "p")
    member_of(tc3, afnor, "p", since=datetime.date(2025, 3, 1))
    LeadershipRole.objects.create(committee=tc1, role="secretariat", organisation=afnor)
    LeadershipRole.objects.create(
        committee=tc2, role="convenor", organisation=asn, start_date=datetime.date(2025, 1, 1)
    )
    meeting = Meeting.objects.create(
        committee=tc1, title={"en": "Plenary"}, start_date=datetime.date(2025, 5, 5), end_date=datetime.date(2025, 5, 9)
    )
    for organisation, present in ((asn, True), (asn, True), (kebs, False)):
        name = f"{organisation.acronym}{present}"
        person = Person.objects.create(given_name="D", family_name=name, organisation=organisation)
        MeetingDelegate.objects.create(meeting=meeting, person=person, organisation=organisation, present=present)
    Contribution.objects.create(meeting=meeting, organisation=asn, title="C1", submitted_on=datetime.date(2025, 4, 1))
    Contribution.objects.create(meeting=meeting, organisation=asn, title="C2", submitted_on=datetime.date(2024, 4, 1))
    return {"asn": asn, "kebs": kebs, "afnor": afnor}


def test_measures_per_member_on_a_date(world, django_assert_num_queries):
    with django_assert_num_queries(5):
        found = selectors.participation_by(group="member", on=datetime.date(2025, 6, 30))
    asn = found[world["asn"].pk]
    assert (asn.p_count, asn.o_count, asn.leadership, asn.meetings_attended, asn.contributions) == (2, 0, 1, 1, 1)
    assert asn.committees == 3 and str(asn.p_share) == "66.7"
    kebs = found[world["kebs"].pk]
    assert (kebs.p_count, kebs.o_count, kebs.meetings_attended) == (0, 1, 0)
    afnor = found[world["afnor"].pk]
    assert (afnor.p_count, afnor.leadership) == (3, 1)


def test_measures_on_an_earlier_date_follow_the_intervals(world):
    found = selectors.participation_by(group="member", on=datetime.date(2024, 3, 1))
    asn = found[world["asn"].pk]
    assert (asn.p_count, asn.o_count, asn.leadership, asn.committees) == (1, 1, 0, 2)
    assert asn.contributions == 0  # C2 comes on 1 April
    assert selectors.participation_by(group="member", on=datetime.date(2024, 4, 30))[world["asn"].pk].contributions == 1
    assert world["kebs"].pk in found and found[world["kebs"].pk].o_count == 1


def test_measures_per_country(world, org):
    found = selectors.participation_by(group="country", on=datetime.date(2025, 12, 31))
    senegal = found[world["asn"].country_id]
    assert (senegal.p_count, senegal.o_count, senegal.leadership) == (2, 0, 1)
    assert world["kebs"].country_id not in found or found[world["kebs"].country_id].o_count == 0


def test_one_member_measures(world):
    measures = selectors.participation_of(organisation=world["kebs"], on=datetime.date(2025, 12, 31))
    assert (measures.p_count, measures.o_count, measures.committees) == (0, 0, 3)


def test_a_yearly_series_in_a_fixed_number_of_queries(world, django_assert_num_queries):
    asn_only = Organisation.objects.filter(pk=world["asn"].pk)
    with django_assert_num_queries(5):
        series = selectors.participation_series(
            years=[2023, 2024, 2025], organisations=asn_only, today=datetime.date(2026, 1, 15)
        )
    keys = ("year", "p_count", "o_count", "leadership", "meetings_attended", "contributions")
    rows = [tuple(row[key] for key in keys) for row in series]
    assert rows == [(2023, 0, 1, 0, 0, 0), (2024, 2, 0, 0, 0, 1), (2025, 2, 0, 1, 1, 1)]
    assert [r["committees"] for r in series] == [2, 2, 3]


def test_the_series_stops_at_today_in_the_current_year(world):
    series = selectors.participation_series(years=[2025], today=datetime.date(2025, 6, 30))
    assert series[0]["as_of"] == datetime.date(2025, 6, 30)
    assert series[0]["o_count"] == 1  # KEBS, until 1 July


def test_committee_lists_count_members_in_a_fixed_number_of_queries(world, django_assert_num_queries):
    rule = DevelopingCountryRule.objects.get(code="dac-eligible")
    developing = selectors.developing_country_ids(rule=rule, on=datetime.date(2025, 6, 30))
    with django_assert_num_queries(1):
        rows = list(
            selectors.committees_with_counts(on=datetime.date(2025, 6, 30), developing=developing)
            .filter(reference__startswith="ISO/TC 90")
            .values_list("reference", "p_count", "o_count", "developing_p_count", "developing_o_count")
        )
    assert rows == [("ISO/TC 901", 2, 1, 1, 1), ("ISO/TC 902", 2, 0, 1, 0), ("ISO/TC 903", 1, 0, 0, 0)]
