"""The estimated cost of an NSB's international participation, from the committees module (P-memberships,
meetings attended, roles held) and a programme's unit costs: worked out by hand, used by the "funding of
international participation" ratio when the profile gives no cost, shown on the profile page with how it is
computed. The unit costs are set on pages of the programme's managers."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from jalon.accounts.models import AuditEntry
from jalon.assessments import participation, selectors, services
from jalon.assessments.models import ParticipationCost
from jalon.committees.models import Committee, CommitteeMembership, LeadershipRole, Meeting, MeetingDelegate
from jalon.reference.models import Currency
from jalon.results.models import Programme
from tests.assessments.test_sustainability import profile
from tests.factories import PersonFactory

D = Decimal
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def programme(nsb):
    return Programme.objects.create(
        code="nsb-finance", owner=nsb, title={"en": "Finance"}, start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )  # fmt: skip


@pytest.fixture
def costs(programme):
    return services.participation_cost_create(
        actor=None, programme=programme, currency=Currency.objects.get(code="XOF"), p_membership=D("1000"),
        meeting_in_person=D("2500"), meeting_remote=D("100"), secretariat=D("5000"), chair=D("800"),
    )  # fmt: skip


def committee(reference: str) -> Committee:
    return Committee.objects.create(body="iso", kind="tc", reference=reference, title={"en": reference})


def meeting(tc, day: datetime.date, mode="in_person") -> Meeting:
    return Meeting.objects.create(committee=tc, title={"en": "Plenary"}, start_date=day, end_date=day, mode=mode)


def delegate(meeting, nsb, **flags) -> MeetingDelegate:
    return MeetingDelegate.objects.create(meeting=meeting, person=PersonFactory(organisation=nsb), organisation=nsb,
                                          **{"present": True, **flags})  # fmt: skip


@pytest.fixture
def participated(nsb):
    """ASN in 2024 (366 days): P in TC 1 all year (366 days), in TC 2 from 1 July (184), in TC 4 until 1 April
    (Jan-Mar: 91), O in TC 3 (not costed): 641 committee-days. Delegates: one in person, one in person and
    sponsored (not costed), one at a virtual meeting and one remote at a hybrid one (2 remote), one absent
    and one in 2023 (neither counted). Roles: TC 1's secretariat all year; TC 2's chair from 1 October
    (92 days)."""
    tc1, tc2, tc3, tc4 = (committee(f"ISO/TC {n}") for n in (9001, 9002, 9003, 9004))
    day = datetime.date
    CommitteeMembership.objects.create(committee=tc1, member=nsb, status="p")
    CommitteeMembership.objects.create(committee=tc2, member=nsb, status="p", since=day(2024, 7, 1))
    CommitteeMembership.objects.create(committee=tc3, member=nsb, status="o")
    CommitteeMembership.objects.create(
        committee=tc4, member=nsb, status="p", since=day(2022, 1, 1), until=day(2024, 4, 1)
    )
    plenary = meeting(tc1, day(2024, 5, 6))
    delegate(plenary, nsb)
    delegate(plenary, nsb, sponsored=True)
    delegate(plenary, nsb, present=False)
    delegate(meeting(tc2, day(2024, 9, 2), mode="virtual"), nsb)
    delegate(meeting(tc4, day(2024, 2, 12), mode="hybrid"), nsb, remote=True)
    delegate(meeting(tc1, day(2023, 5, 8)), nsb)
    LeadershipRole.objects.create(committee=tc1, role="secretariat", organisation=nsb, start_date=day(2020, 1, 1))
    LeadershipRole.objects.create(
        committee=tc2, role="chair", organisation=nsb, start_date=day(2024, 10, 1), end_date=day(2025, 9, 30)
    )


def test_the_estimate_of_a_known_year_is_the_one_computed_by_hand(nsb, costs, participated):
    found = participation.estimates(organisation_id=nsb.pk, years={2024: costs})[2024]
    lines = [(line.quantity, line.unit_cost, line.amount) for line in found.lines]
    assert lines == [
        (D("1.751"), D("1000"), D("1751.37")),  # 641 / 366 committee-years; 641 x 1000 / 366 = 1751.366
        (D("1.000"), D("2500"), D("2500.00")),
        (D("2.000"), D("100"), D("200.00")),
        (D("1.000"), D("5000"), D("5000.00")),
        (D("0.251"), D("800"), D("201.09")),  # 92 x 800 / 366 = 201.093
    ]
    assert found.total == D("9652.46") and found.sponsored == 1
    # 2023: TC 1 and TC 4 all year (2 x 365 days), the 2023 meeting, the secretariat; no chair yet.
    earlier = participation.estimates(organisation_id=nsb.pk, years={2023: costs})[2023]
    assert earlier.total == D("2000.00") + D("2500.00") + D("5000.00")


def test_the_funding_ratio_uses_the_estimate_only_when_the_profile_gives_no_cost(nsb, programme, costs, participated):
    # International participation budgeted: 4826.23, half the estimate: 0.5 is not under the default high
    # threshold (0.5) but under the medium one (1): medium risk.
    typed_none = profile(nsb, participation_needed=D("0"), cost_international=D("4826.23"))
    result = selectors.profile_sustainability(typed_none, programme)
    ratio = next(r for r in result.ratios if r.ratio == "participation_funding")
    assert result.estimated and (ratio.value, ratio.band) == (D("0.500"), "medium")
    # Without the programme (no unit costs), the ratio cannot be computed.
    alone = selectors.profile_sustainability(typed_none, None)
    assert not alone.estimated and next(r for r in alone.ratios if r.ratio == "participation_funding").value is None
    # The NSB's own figure wins: 4826.23 / 4826.23 = 1, low risk; the estimate is kept for comparison.
    typed = profile(nsb, year=2025, participation_needed=D("4826.23"), cost_international=D("4826.23"))
    result = selectors.profile_sustainability(typed, programme)
    ratio = next(r for r in result.ratios if r.ratio == "participation_funding")
    assert not result.estimated and result.estimate is not None and (ratio.value, ratio.band) == (D("1.000"), "low")


def test_the_profile_page_shows_the_estimate_and_how_it_is_computed(client_as, nsb, programme, costs, participated):
    typed_none = profile(nsb, participation_needed=D("0"), cost_international=D("4826.23"))
    url = reverse("assessments:profile_detail", kwargs={"pk": typed_none.pk})
    focal = client_as("focal")
    without = focal.get(url).content.decode()
    assert "no estimate is made" in without and "?programme=nsb-finance" in without
    page = focal.get(url + "?programme=nsb-finance").content.decode()
    assert "9652.46 XOF" in page and "1751.37 XOF" in page and "201.09 XOF" in page
    assert "the funding ratio divides" in page and "1 delegate paid by a sponsorship" in page
    assert "days held in the year / days in the year" in page


def test_a_programme_s_managers_set_its_unit_costs_per_currency(client_as, users, programme):
    team = client_as("manager")
    settings_url = reverse("assessments:cost_settings", kwargs={"code": programme.code})
    assert "No participation costs set" in team.get(settings_url).content.decode()
    create = reverse("assessments:cost_create", kwargs={"code": programme.code})
    data = {"currency": "XOF", "p_membership": "1000", "meeting_in_person": "2500", "meeting_remote": "100",
            "secretariat": "5000", "chair": "800"}  # fmt: skip
    assert team.post(create, data).status_code == 302
    setting = ParticipationCost.objects.get(programme=programme)
    again = team.post(create, data)
    assert again.status_code == 200 and "already has participation costs in this currency" in again.content.decode()
    negative = team.post(create, {**data, "currency": "EUR", "chair": "-1"})
    assert negative.status_code == 200 and ParticipationCost.objects.count() == 1
    edit = reverse("assessments:cost_edit", kwargs={"pk": setting.pk})
    assert team.post(edit, {**data, "version": setting.version, "chair": "900"}).status_code == 302
    setting.refresh_from_db()
    assert (setting.chair, setting.version) == (D("900"), 2)
    stale = team.post(edit, {**data, "version": 1, "chair": "950"})
    assert stale.status_code == 200 and "Someone else changed" in stale.content.decode()
    assert client_as("focal").get(settings_url).status_code == 403
    with pytest.raises(ValidationError):
        services.participation_cost_delete(actor=users["focal"], setting=setting)
    team = client_as("manager")
    delete = reverse("assessments:cost_delete", kwargs={"pk": setting.pk})
    assert team.get(delete).status_code == 200 and team.post(delete).status_code == 302
    assert not ParticipationCost.objects.exists()
    assert AuditEntry.objects.filter(model="assessments.participationcost", action="delete").exists()


def test_the_estimate_reads_a_constant_number_of_queries(django_assert_num_queries, nsb, costs, participated):
    profiles = [profile(nsb, year=year, participation_needed=D("0")) for year in (2022, 2023, 2024)]
    settings = participation.settings_for(costs.programme)
    with django_assert_num_queries(3):
        found = participation.profile_estimates(profiles, settings)
    assert sorted(e.year for e in found.values()) == [2022, 2023, 2024]


def test_a_programme_s_managers_set_each_ratio_s_thresholds_in_its_direction(client_as, nsb, programme):
    known = profile(nsb)  # concentration 0.415 (shares 0.6, 0.2, 0.1, 0.05, 0.05): medium with the defaults
    team = client_as("manager")
    url = reverse("assessments:threshold_edit", kwargs={"code": programme.code, "ratio": "concentration"})
    page = team.get(url).content.decode()
    assert 'value="0.25"' in page or 'value="0.250"' in page
    wrong = team.post(url, {"medium": "0.5", "high": "0.4"})
    assert wrong.status_code == 200 and "worse when higher" in wrong.content.decode()
    assert team.post(url, {"medium": "0.3", "high": "0.4"}).status_code == 302
    result = selectors.profile_sustainability(known, programme)
    assert next(r for r in result.ratios if r.ratio == "concentration").band == "high" and result.band == "high"
    reserves = reverse("assessments:threshold_edit", kwargs={"code": programme.code, "ratio": "reserves_months"})
    wrong = team.post(reserves, {"medium": "3", "high": "6"})
    assert wrong.status_code == 200 and "worse when lower" in wrong.content.decode()
    # The second edit of a row carries its version; a stale one is refused.
    set_row = programme.ratio_thresholds.get(ratio="concentration")
    assert team.post(url, {"version": set_row.version, "medium": "0.3", "high": "0.45"}).status_code == 302
    stale = team.post(url, {"version": set_row.version, "medium": "0.3", "high": "0.5"})
    assert stale.status_code == 200 and "Someone else changed" in stale.content.decode()
    assert (
        team.get(reverse("assessments:threshold_edit", kwargs={"code": programme.code, "ratio": "x"})).status_code
        == 404
    )
    assert client_as("focal").get(url).status_code == 403


def test_the_api_gives_the_estimate_with_a_programme_s_unit_costs(client_as, nsb, programme, costs, participated):
    typed_none = profile(nsb, participation_needed=D("0"), cost_international=D("4826.23"))
    api = client_as("focal")
    path = reverse("api:assessment-financial-profile-detail", kwargs={"pk": typed_none.pk})
    plain = api.get(path).json()["sustainability"]
    assert plain["participation_estimate"] is None and not plain["participation_estimated"]
    found = api.get(path, {"programme": programme.code}).json()["sustainability"]
    assert found["participation_estimated"] and D(str(found["participation_estimate"]["total"])) == D("9652.46")
    assert [D(str(line["amount"])) for line in found["participation_estimate"]["lines"]] == [
        D("1751.37"), D("2500.00"), D("200.00"), D("5000.00"), D("201.09")
    ]  # fmt: skip
    funding = next(r for r in found["ratios"] if r["ratio"] == "participation_funding")
    assert (D(str(funding["value"])), funding["band"]) == (D("0.500"), "medium")
