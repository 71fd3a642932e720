"""Each eligibility rule passes, fails (or does not apply) with a reason that names it, in English and French."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext

from jalon.committees.models import CommitteeMembership
from jalon.reference.models import Classification, Country, DevelopingCountryRule
from jalon.support.models import EligibilityRule, FellowshipEligibility, Outcome, Scheme, Sponsorship
from jalon.support.rules import (
    DEFAULT_RULES,
    FAILED,
    KINDS,
    MESSAGES,
    NOT_APPLICABLE,
    PASSED,
    evaluate,
    rules_for,
)
from tests.support.conftest import in_days, make_meeting

pytestmark = pytest.mark.django_db


def result_of(application, kind: str):
    rule = EligibilityRule(scheme=application.scheme, kind=kind, outcome=KINDS[kind].outcome)
    return evaluate(application, rules=[rule]).results[0]


def approved(make_sponsorship, manager, **changes) -> Sponsorship:
    sponsorship = make_sponsorship(**changes)
    Sponsorship.objects.filter(pk=sponsorship.pk).update(status=Sponsorship.Status.APPROVED)
    return sponsorship


# Developing-country list and OECD DAC list -----------------------------------------------------------------


def test_a_member_in_a_developing_country_passes_the_programme_list(make_sponsorship):
    result = result_of(make_sponsorship(), "developing_country_list")
    assert result.status == PASSED
    with translation.override("en"):
        assert "Senegal is a developing country" in result.reason
        assert result.text.startswith("Developing country (programme's list): ")


def test_a_member_in_a_developed_country_fails_the_programme_list(make_sponsorship, nsb):
    nsb.country = Country.objects.get(iso3="FRA")
    result = result_of(make_sponsorship(organisation=nsb), "developing_country_list")
    assert result.status == FAILED and result.refuses
    with translation.override("en"):
        assert "France is not a developing country" in result.reason
        assert "“ODA eligible" in result.reason or "DAC" in result.reason


def test_the_programme_rule_is_the_programmes_own(make_sponsorship, world, nsb):
    # Senegal is an LDC and on the DAC list; Kenya is on the DAC list but not an LDC.
    world.iso_programme.developing_rule = DevelopingCountryRule.objects.get(code="ldc")
    world.iso_programme.save()
    nsb.country = Country.objects.get(iso3="KEN")
    assert result_of(make_sponsorship(organisation=nsb), "developing_country_list").status == FAILED


def test_a_missing_developing_country_rule_fails_with_its_reason(make_sponsorship):
    DevelopingCountryRule.objects.filter(code="dac-eligible").update(code="renamed")
    assert result_of(make_sponsorship(), "developing_country_list").code == "no_rule"


def test_no_loaded_classification_for_the_date_fails_rather_than_guesses(make_sponsorship, world):
    world.iso_programme.developing_rule_as_of = datetime.date(1990, 1, 1)
    world.iso_programme.save()
    result = result_of(make_sponsorship(), "developing_country_list")
    assert result.status == FAILED and result.code == "no_classification"


def test_the_oecd_dac_list_passes_for_senegal_and_fails_for_france(make_sponsorship, nsb):
    assert result_of(make_sponsorship(), "oecd_dac_list").status == PASSED
    nsb.country = Country.objects.get(iso3="FRA")
    result = result_of(make_sponsorship(organisation=nsb), "oecd_dac_list")
    assert result.status == FAILED
    with translation.override("en"):
        assert result.text.startswith("On the OECD DAC list: France is not on the OECD DAC list")


def test_an_unknown_dac_status_fails_with_its_own_reason(make_sponsorship, nsb):
    Classification.objects.filter(country=nsb.country, scheme="dac").delete()
    assert result_of(make_sponsorship(), "oecd_dac_list").code == "dac_unknown"


# Committee membership ----------------------------------------------------------------------------------------


def test_a_p_member_passes_and_an_o_member_fails(make_sponsorship, world, other_nsb):
    assert result_of(make_sponsorship(), "p_member_of_committee").status == PASSED
    other = Sponsorship(**{**_fields(world), "organisation": other_nsb, "person": world.kebs_expert})
    result = result_of(other, "p_member_of_committee")
    assert result.status == FAILED
    with translation.override("en"):
        assert result.reason == ("KEBS is only an O-member of ISO/TC 34 on the meeting date: P-membership is required.")


def test_a_membership_ended_before_the_meeting_does_not_count(make_sponsorship, world, nsb):
    CommitteeMembership.objects.filter(member=nsb).update(until=in_days(10))
    result = result_of(make_sponsorship(), "p_member_of_committee")
    assert result.status == FAILED and result.code == "not_member"


def _fields(world):
    from tests.support.conftest import sponsorship_fields

    fields = sponsorship_fields(world)
    fields["committee"] = world.committee
    return fields


# Mirror committee and the candidate's role -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("mirror", "accept_planned", "status"),
    [("exists", True, PASSED), ("planned", True, PASSED), ("planned", False, FAILED), ("none", True, FAILED)],
)
def test_the_mirror_committee_must_exist_or_be_planned(world, mirror, accept_planned, status):
    sponsorship = Sponsorship(**{**_fields(world), "mirror_committee": mirror})
    rule = EligibilityRule(
        scheme=Scheme.ISO_SPONSORSHIP,
        kind="mirror_committee_exists_or_planned",
        params={"accept_planned": accept_planned},
    )
    assert evaluate(sponsorship, rules=[rule]).results[0].status == status


def test_the_candidates_role_flags_rather_than_refuses(world):
    sponsorship = Sponsorship(**{**_fields(world), "mirror_role": "none"})
    result = result_of(sponsorship, "candidate_has_role_in_mirror_committee")
    assert result.status == FAILED and result.flags and not result.refuses
    with translation.override("en"):
        assert "declared: No role" in result.reason
    sponsorship.mirror_role = "secretary"
    assert result_of(sponsorship, "candidate_has_role_in_mirror_committee").status == PASSED


def test_the_role_rule_does_not_apply_without_an_existing_mirror_committee(world):
    sponsorship = Sponsorship(**{**_fields(world), "mirror_committee": "planned", "mirror_role": "none"})
    assert result_of(sponsorship, "candidate_has_role_in_mirror_committee").status == NOT_APPLICABLE


# Quota and report back -------------------------------------------------------------------------------------


def test_a_fourth_sponsorship_in_a_year_fails_the_quota_of_three(make_sponsorship, users, world):
    meetings = [make_meeting(world.committee, in_days(61 + n), f"Meeting {n}") for n in range(3)]
    for meeting in meetings[:2]:
        approved(make_sponsorship, users["manager"], meeting=meeting)
    fourth = make_sponsorship()
    assert result_of(fourth, "max_per_member_per_year").status == PASSED
    approved(make_sponsorship, users["manager"], meeting=meetings[2])
    result = result_of(fourth, "max_per_member_per_year")
    assert result.status == FAILED
    with translation.override("en"):
        assert "already has 3 sponsorships awarded for meetings in" in result.reason
        assert "the limit is 3" in result.reason


def test_the_quota_is_a_parameter(make_sponsorship, users, world):
    approved(make_sponsorship, users["manager"], meeting=world.other_meeting)
    rule = EligibilityRule(scheme=Scheme.ISO_SPONSORSHIP, kind="max_per_member_per_year", params={"n": 1})
    assert evaluate(make_sponsorship(), rules=[rule]).results[0].status == FAILED


def test_a_missing_report_on_an_earlier_sponsorship_flags_the_application(make_sponsorship, world):
    first = make_sponsorship()
    assert result_of(make_sponsorship(), "report_back_required").status == NOT_APPLICABLE
    past = make_meeting(world.committee, in_days(-60), "Past meeting")
    Sponsorship.objects.filter(pk=first.pk).update(status=Sponsorship.Status.ATTENDED, meeting=past)
    result = result_of(make_sponsorship(), "report_back_required")
    assert result.status == FAILED and result.flags
    with translation.override("en"):
        assert "ISO/TC 34" in result.reason and "has not been submitted" in result.reason
    Sponsorship.objects.filter(pk=first.pk).update(status=Sponsorship.Status.REPORT_SUBMITTED)
    assert result_of(make_sponsorship(), "report_back_required").status == PASSED


# ITU fellowships ---------------------------------------------------------------------------------------------


def test_a_member_state_on_the_yearly_list_passes(make_fellowship, world):
    fellowship = make_fellowship()
    assert result_of(fellowship, "itu_eligible_member_state").status == PASSED
    FellowshipEligibility.objects.all().delete()
    result = result_of(fellowship, "itu_eligible_member_state")
    assert result.status == FAILED and result.code == "itu_no_list"
    france = Country.objects.get(iso3="FRA")
    FellowshipEligibility.objects.create(year=world.itu_meeting.start_date.year, country=france)
    assert result_of(fellowship, "itu_eligible_member_state").code == "itu_not_eligible"


def test_a_demo_list_says_it_is_not_itus_list(make_fellowship):
    FellowshipEligibility.objects.update(is_demo=True)
    with translation.override("en"):
        assert "not ITU's published list" in result_of(make_fellowship(), "itu_eligible_member_state").reason


def submitted(make_fellowship, **changes):
    fellowship = make_fellowship(**changes)
    fellowship.status = "submitted"
    fellowship.save()
    return fellowship


def test_a_third_partial_for_a_member_state_at_a_meeting_fails(make_fellowship, world):
    others = [
        world.delegate.__class__.objects.create(given_name=n, family_name="X", organisation=world.ministry)
        for n in ("A", "B", "C")
    ]
    submitted(make_fellowship, person=others[0], partial_part="ticket")
    second = make_fellowship(person=others[1], partial_part="allowance")
    assert result_of(second, "itu_one_full_or_two_partial_per_state_per_meeting").status == PASSED
    second.status = "approved"
    second.save()
    third = make_fellowship(person=others[2], partial_part="ticket")
    result = result_of(third, "itu_one_full_or_two_partial_per_state_per_meeting")
    assert result.status == FAILED
    with translation.override("en"):
        assert result.text == (
            "One full or two partial fellowships per Member State per meeting: Senegal already has two partial "
            "fellowships for this meeting: a third is not possible."
        )


def test_a_full_fellowship_must_be_the_member_states_only_one_at_the_meeting(make_fellowship, world):
    submitted(make_fellowship)
    full = make_fellowship(kind="full", partial_part="", person=world.expert, organisation=world.expert.organisation)
    assert result_of(full, "itu_one_full_or_two_partial_per_state_per_meeting").code == "state_meeting_full_alone"


def test_with_two_partials_one_must_be_the_ticket(make_fellowship, world):
    submitted(make_fellowship, partial_part="allowance")
    other = make_fellowship(partial_part="allowance", person=world.expert, organisation=world.expert.organisation)
    result = result_of(other, "itu_partial_two_means_one_ticket")
    assert result.status == FAILED
    other.partial_part = "ticket"
    assert result_of(other, "itu_partial_two_means_one_ticket").status == PASSED
    other.kind, other.partial_part = "full", ""
    assert result_of(other, "itu_partial_two_means_one_ticket").status == NOT_APPLICABLE


def test_a_person_has_at_most_two_partials_in_a_financial_year(make_fellowship, world):
    # The financial year is given, as a reviewer may when a meeting straddles two budgets.
    submitted(make_fellowship, meeting=world.itu_meeting, financial_year=2031)
    submitted(make_fellowship, meeting=world.itu_meeting_2, partial_part="allowance", financial_year=2031)
    third_meeting = make_meeting(world.study_group, in_days(62), "Rapporteur group")
    third = make_fellowship(meeting=third_meeting, financial_year=2031)
    next_year = make_fellowship(meeting=third_meeting, financial_year=2032)
    assert result_of(next_year, "itu_one_full_or_two_partial_per_person_per_financial_year").status == PASSED
    result = result_of(third, "itu_one_full_or_two_partial_per_person_per_financial_year")
    assert result.status == FAILED and result.code == "person_year_third_partial"


# Reasons in French -----------------------------------------------------------------------------------------


def test_reasons_render_in_the_readers_language_from_what_was_stored(make_sponsorship):
    """Results are stored as codes: the same result reads in French on a French page, with French content."""
    with translation.override("en"):
        result = evaluate(make_sponsorship()).results[0]
    stored = result.as_json()
    with translation.override("fr"):
        from jalon.support.rules import Evaluation

        again = Evaluation.from_json([stored]).results[0]
        expected = gettext(str(MESSAGES["developing"])) % {
            "country": "Sénégal",
            "rule": DevelopingCountryRule.objects.get(code="dac-eligible").name["fr"],
            "day": date_format(datetime.date.fromisoformat(result.params["day"]), "DATE_FORMAT"),
        }
        assert again.reason == expected
        assert "Sénégal" in again.reason
        assert again.text.endswith(expected)
        assert str(KINDS["developing_country_list"].title) in again.text


def test_every_message_formats_with_the_parameters_its_rule_gives(make_sponsorship, make_fellowship):
    for application in (make_sponsorship(), make_fellowship()):
        for result in evaluate(application).results:
            for language in ("en", "fr"):
                with translation.override(language):
                    assert "%(" not in result.reason, (result.kind, result.code)


# Configuration -----------------------------------------------------------------------------------------------


def test_the_shipped_defaults_are_every_rule_in_order(db):
    for scheme, kinds in DEFAULT_RULES.items():
        rules = rules_for(scheme=scheme, programme=None)
        assert [rule.kind for rule in rules] == list(kinds)
        assert all(rule.outcome == KINDS[rule.kind].outcome for rule in rules)
    [quota] = [
        rule
        for rule in rules_for(scheme=Scheme.ISO_SPONSORSHIP, programme=None)
        if rule.kind == "max_per_member_per_year"
    ]
    assert quota.params == {"n": 3}


def test_a_programmes_own_rules_replace_the_defaults(world, make_sponsorship):
    EligibilityRule.objects.create(
        scheme=Scheme.ISO_SPONSORSHIP, programme=world.iso_programme, kind="oecd_dac_list", outcome=Outcome.FLAG
    )
    evaluation = evaluate(make_sponsorship())
    assert [result.kind for result in evaluation.results] == ["oecd_dac_list"]


def test_rule_parameters_are_validated(world):
    rule = EligibilityRule(
        scheme=Scheme.ISO_SPONSORSHIP, programme=world.iso_programme, kind="max_per_member_per_year", params={"n": 0}
    )
    with pytest.raises(ValidationError):
        rule.full_clean()
    rule.params = {"limit": 3}
    with pytest.raises(ValidationError):
        rule.full_clean()
    rule.params = {"n": 2}
    rule.full_clean()
    with translation.override("en"), pytest.raises(ValidationError, match="already among the default rules"):
        EligibilityRule(scheme=Scheme.ISO_SPONSORSHIP, kind="max_per_member_per_year").full_clean()
    with pytest.raises(ValidationError):
        EligibilityRule(scheme=Scheme.ITU_FELLOWSHIP, kind="max_per_member_per_year").full_clean()
    with pytest.raises(ValidationError):
        EligibilityRule(scheme=Scheme.ITU_FELLOWSHIP, kind="no_such_rule").full_clean()


def test_an_evaluation_reports_every_rule_even_after_a_failure(make_sponsorship, nsb):
    nsb.country = Country.objects.get(iso3="FRA")
    evaluation = evaluate(make_sponsorship(organisation=nsb))
    assert len(evaluation.results) == len(DEFAULT_RULES[Scheme.ISO_SPONSORSHIP])
    assert {r.kind for r in evaluation.refusals} == {"developing_country_list", "oecd_dac_list"}


def test_money_stays_decimal(make_sponsorship):
    assert make_sponsorship().estimated_total == Decimal("2150.00")


def test_the_quota_reads_in_the_singular_for_one_sponsorship(make_sponsorship, users, world):
    approved(make_sponsorship, users["manager"], meeting=world.other_meeting)
    rule = EligibilityRule(scheme=Scheme.ISO_SPONSORSHIP, kind="max_per_member_per_year", params={"n": 1})
    result = evaluate(make_sponsorship(), rules=[rule]).results[0]
    with translation.override("fr"):
        assert "a déjà 1 parrainage accordé pour des réunions" in result.reason, result.reason
        assert "1 parrainages" not in result.reason and "Au plus n" not in str(result.title)
    with translation.override("en"):
        assert "already has 1 sponsorship awarded" in result.reason


# Filed in time --------------------------------------------------------------------------------------------------


def test_an_application_filed_less_than_six_weeks_before_the_meeting_is_flagged(make_sponsorship, world):
    assert result_of(make_sponsorship(), "application_deadline").status == PASSED  # meeting in 60 days
    soon = make_meeting(world.committee, in_days(20), "Soon")
    late = result_of(make_sponsorship(meeting=soon), "application_deadline")
    assert late.status == FAILED and late.outcome == Outcome.FLAG
    with translation.override("en"):
        assert "after the deadline" in late.reason and "42 days before the meeting" in late.reason
    past = make_meeting(world.committee, in_days(-3), "Past")
    after = evaluate(make_sponsorship(meeting=past)).results
    [deadline] = [result for result in after if result.kind == "application_deadline"]
    with translation.override("fr"):
        assert deadline.status == FAILED and "après le début de la réunion" in deadline.reason
