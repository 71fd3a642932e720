"""The sponsorship and fellowship workflows through their services: each step, its refusals, the audit
trail, optimistic locking, and the meeting's delegate list marked as sponsored."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import ConflictError
from jalon.committees.models import Meeting, MeetingDelegate
from jalon.organisations.models import Person
from jalon.reference.models import Country
from jalon.support import services
from jalon.support.models import Fellowship, Sponsorship
from jalon.support.rules import stored_evaluation
from jalon.support.selectors import award_costs, cost_totals
from tests.support.conftest import in_days, make_meeting

pytestmark = pytest.mark.django_db


def started(meeting) -> None:
    """Attendance is confirmed once a meeting has started: move it to the past."""
    Meeting.objects.filter(pk=meeting.pk).update(
        start_date=datetime.date.today() - datetime.timedelta(days=3),
        end_date=datetime.date.today() - datetime.timedelta(days=1),
    )


def run_to(sponsorship, users, last: str) -> Sponsorship:
    manager = users["manager"]
    steps = [
        ("submit", lambda s: services.sponsorship_submit(actor=users["focal"], sponsorship=s, version=s.version)),
        ("check", lambda s: services.sponsorship_check(actor=manager, sponsorship=s, version=s.version)),
        ("approve", lambda s: services.sponsorship_approve(actor=manager, sponsorship=s, version=s.version)),
        (
            "travel",
            lambda s: services.sponsorship_arrange_travel(
                actor=manager, sponsorship=s, actual_travel=Decimal("1150"), version=s.version
            ),
        ),
        (
            "attend",
            lambda s: services.sponsorship_attend(
                actor=manager, sponsorship=s, actual_allowance=Decimal("880"), version=s.version
            ),
        ),
        (
            "report",
            lambda s: services.sponsorship_report(
                actor=users["focal"], sponsorship=s, text="We defended the French comments.", version=s.version
            ),
        ),
    ]
    for name, step in steps:
        if name == "attend":
            # The meeting begins once the application was filed and decided in time.
            started(sponsorship.meeting)
        sponsorship = step(sponsorship)
        if name == last:
            break
    return sponsorship


def test_a_sponsorship_that_passes_every_rule_goes_through_the_whole_workflow(make_sponsorship, users, world):
    sponsorship = make_sponsorship()
    sponsorship = run_to(sponsorship, users, "report")
    assert sponsorship.status == Sponsorship.Status.REPORT_SUBMITTED
    assert all(result["status"] == "passed" for result in sponsorship.rule_results[:6])
    delegate = MeetingDelegate.objects.get(meeting=world.meeting, person=world.expert)
    assert delegate.sponsored and delegate.present and sponsorship.delegate_id == delegate.pk
    actions = list(
        AuditEntry.objects.filter(model="support.sponsorship", object_id=str(sponsorship.pk)).values_list(
            "action", flat=True
        )
    )
    assert actions.count(AuditEntry.Action.UPDATE) == 6 and AuditEntry.Action.CREATE in actions
    assert AuditEntry.objects.filter(model="committees.meetingdelegate").exists()
    assert sponsorship.actual_total == Decimal("2030.00")


def test_attendance_waits_for_the_meeting_to_start(make_sponsorship, users):
    sponsorship = run_to(make_sponsorship(), users, "travel")
    with pytest.raises(ValidationError):
        services.sponsorship_attend(actor=users["manager"], sponsorship=sponsorship)


def test_approval_marks_an_already_registered_delegate_as_sponsored(make_sponsorship, users, world, nsb):
    delegate = MeetingDelegate.objects.create(meeting=world.meeting, person=world.expert, organisation=nsb)
    run_to(make_sponsorship(), users, "approve")
    delegate.refresh_from_db()
    assert delegate.sponsored and not delegate.present
    assert MeetingDelegate.objects.filter(meeting=world.meeting).count() == 1


def test_a_sponsorship_failing_a_refusing_rule_cannot_be_submitted_and_names_the_rule(make_sponsorship, users):
    sponsorship = make_sponsorship(mirror_committee=Sponsorship.Mirror.NONE)
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.sponsorship_submit(actor=users["focal"], sponsorship=sponsorship)
    assert caught.value.messages == [
        "National mirror committee: There is no national mirror committee, existing or planned."
    ]
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.DRAFT


def test_the_check_refuses_an_application_whose_rule_now_fails(make_sponsorship, users, nsb):
    sponsorship = services.sponsorship_submit(actor=users["focal"], sponsorship=make_sponsorship())
    nsb.committee_memberships.update(status="o")
    sponsorship = services.sponsorship_check(actor=users["manager"], sponsorship=sponsorship)
    assert sponsorship.status == Sponsorship.Status.REFUSED
    assert [r.kind for r in stored_evaluation(sponsorship).refusals] == ["p_member_of_committee"]


def test_approving_despite_a_flag_needs_a_note(make_sponsorship, users):
    sponsorship = make_sponsorship(mirror_role=Sponsorship.MirrorRole.NONE)
    sponsorship = run_to(sponsorship, users, "check")
    assert sponsorship.status == Sponsorship.Status.CHECKED
    with pytest.raises(ValidationError) as caught:
        services.sponsorship_approve(actor=users["manager"], sponsorship=sponsorship)
    assert "note" in caught.value.message_dict
    sponsorship = services.sponsorship_approve(
        actor=users["manager"], sponsorship=sponsorship, note="Confirmed by phone: appointed last week."
    )
    assert sponsorship.status == Sponsorship.Status.APPROVED


def test_a_refusal_needs_its_reasons(make_sponsorship, users):
    sponsorship = services.sponsorship_submit(actor=users["focal"], sponsorship=make_sponsorship())
    with pytest.raises(ValidationError):
        services.sponsorship_refuse(actor=users["manager"], sponsorship=sponsorship, reasons="  ")
    sponsorship = services.sponsorship_refuse(
        actor=users["manager"], sponsorship=sponsorship, reasons="Budget exhausted for this meeting."
    )
    assert sponsorship.status == Sponsorship.Status.REFUSED and sponsorship.refusal_reasons


@pytest.mark.parametrize(
    ("status", "step"),
    [
        ("draft", "check"),
        ("draft", "approve"),
        ("submitted", "approve"),
        ("submitted", "submit"),
        ("checked", "travel"),
        ("approved", "attend"),
        ("approved", "refuse"),
        ("refused", "approve"),
        ("travel_arranged", "report"),
        ("report_submitted", "report"),
        ("draft", "costs"),
    ],
)
def test_illegal_transitions_are_refused(make_sponsorship, users, status, step):
    sponsorship = make_sponsorship()
    Sponsorship.objects.filter(pk=sponsorship.pk).update(status=status)
    service = {
        "submit": services.sponsorship_submit,
        "check": services.sponsorship_check,
        "approve": services.sponsorship_approve,
        "refuse": lambda **kw: services.sponsorship_refuse(reasons="No.", **kw),
        "travel": services.sponsorship_arrange_travel,
        "attend": services.sponsorship_attend,
        "report": lambda **kw: services.sponsorship_report(text="Report", **kw),
        "costs": services.sponsorship_record_costs,
    }[step]
    with pytest.raises(ValidationError):
        service(actor=users["manager"], sponsorship=sponsorship)
    sponsorship.refresh_from_db()
    assert sponsorship.status == status


def test_a_stale_version_is_refused_and_nothing_changes(make_sponsorship, users):
    sponsorship = make_sponsorship()
    services.sponsorship_update(actor=users["focal"], sponsorship=sponsorship, version=1, estimated_other=Decimal(10))
    with pytest.raises(ConflictError):
        services.sponsorship_submit(actor=users["focal"], sponsorship=sponsorship, version=1)
    sponsorship.refresh_from_db()
    assert sponsorship.status == Sponsorship.Status.DRAFT and sponsorship.version == 2


def test_only_drafts_are_edited(make_sponsorship, users):
    sponsorship = services.sponsorship_submit(actor=users["focal"], sponsorship=make_sponsorship())
    with pytest.raises(ValidationError):
        services.sponsorship_update(actor=users["focal"], sponsorship=sponsorship, estimated_other=Decimal(1))


def test_the_report_needs_a_text_or_a_file(make_sponsorship, users):
    sponsorship = run_to(make_sponsorship(), users, "attend")
    with pytest.raises(ValidationError):
        services.sponsorship_report(actor=users["focal"], sponsorship=sponsorship, text=" ")
    upload = SimpleUploadedFile("report.txt", b"Minutes and our positions.", content_type="text/plain")
    sponsorship = services.sponsorship_report(actor=users["focal"], sponsorship=sponsorship, file=upload)
    assert sponsorship.report_file.name.startswith("support/reports/")
    sponsorship.report_file.delete(save=False)


def test_bad_applications_are_refused_with_field_messages(make_sponsorship, world, other_nsb, users):
    with pytest.raises(ValidationError) as caught:
        make_sponsorship(person=world.kebs_expert)
    assert "person" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        make_sponsorship(organisation=world.ministry, person=world.delegate)
    assert "organisation" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        make_sponsorship(meeting=world.itu_meeting)
    assert "committee" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        make_sponsorship(estimated_travel=Decimal("-5"))
    assert "estimated_travel" in caught.value.message_dict


# Fellowships -----------------------------------------------------------------------------------------------------


def test_a_third_partial_fellowship_is_refused_with_the_rule_named(make_fellowship, world, users):
    people = [Person.objects.create(given_name=n, family_name="Ba", organisation=world.ministry) for n in "ABC"]
    first = services.fellowship_submit(actor=users["manager"], fellowship=make_fellowship(person=people[0]))
    services.fellowship_approve(actor=users["manager"], fellowship=first)
    services.fellowship_submit(
        actor=users["manager"], fellowship=make_fellowship(person=people[1], partial_part="allowance")
    )
    third = make_fellowship(person=people[2], partial_part="ticket")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        services.fellowship_submit(actor=users["manager"], fellowship=third)
    assert caught.value.messages == [
        "One full or two partial fellowships per Member State per meeting: Senegal already has two partial "
        "fellowships for this meeting: a third is not possible."
    ]
    third.refresh_from_db()
    assert third.status == Fellowship.Status.DRAFT


def test_an_awarded_fellowship_marks_the_delegate_sponsored(make_fellowship, users, world):
    fellowship = services.fellowship_submit(actor=users["manager"], fellowship=make_fellowship())
    fellowship = services.fellowship_approve(actor=users["manager"], fellowship=fellowship)
    assert fellowship.status == Fellowship.Status.APPROVED
    assert MeetingDelegate.objects.get(meeting=world.itu_meeting, person=world.delegate).sponsored


def test_a_fellowship_takes_its_member_state_and_financial_year(make_fellowship, world):
    fellowship = make_fellowship(kind="full", partial_part="ticket")
    assert fellowship.country == Country.objects.get(iso3="SEN")
    assert fellowship.financial_year == world.itu_meeting.start_date.year
    assert fellowship.partial_part == ""
    with pytest.raises(ValidationError) as caught:
        make_fellowship(kind="partial", partial_part="")
    assert "partial_part" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        make_fellowship(meeting=world.meeting)
    assert "meeting" in caught.value.message_dict


def test_fellowship_refusal_and_illegal_steps(make_fellowship, users):
    fellowship = make_fellowship()
    with pytest.raises(ValidationError):
        services.fellowship_approve(actor=users["manager"], fellowship=fellowship)
    fellowship = services.fellowship_submit(actor=users["manager"], fellowship=fellowship)
    fellowship = services.fellowship_refuse(actor=users["manager"], fellowship=fellowship, reasons="Budget used up.")
    assert fellowship.status == Fellowship.Status.REFUSED
    with pytest.raises(ValidationError):
        services.fellowship_approve(actor=users["manager"], fellowship=fellowship)


# Costs -------------------------------------------------------------------------------------------------------------


def test_costs_are_summed_per_programme_year_committee_and_currency(make_sponsorship, make_fellowship, users, world):
    run_to(make_sponsorship(), users, "attend")
    run_to(make_sponsorship(meeting=world.other_meeting, person=world.other_expert), users, "approve")
    # On a third meeting: the first has begun (attendance), a sponsorship filed now for it would be late.
    usd = make_sponsorship(
        person=world.other_expert,
        meeting=make_meeting(world.committee, in_days(120), "Third meeting"),
        currency=world.chf.__class__.objects.get(code="USD"),
    )
    run_to(usd, users, "approve")
    make_sponsorship()  # a draft costs nothing yet
    fellowship = services.fellowship_submit(actor=users["manager"], fellowship=make_fellowship())
    services.fellowship_approve(actor=users["manager"], fellowship=fellowship)
    rows = award_costs()
    sponsorship_rows = [row for row in rows if row.scheme == "iso_sponsorship"]
    chf = [row for row in sponsorship_rows if row.currency == "CHF"]
    assert sum(row.awards for row in chf) == 2
    assert sum(row.estimated for row in chf) == Decimal("4300.00")
    assert sum(row.actual for row in chf) == Decimal("2030.00")
    assert [row.awards for row in sponsorship_rows if row.currency == "USD"] == [1]
    totals = {total["currency"]: total for total in cost_totals(rows)}
    assert totals["CHF"]["awards"] == 3 and totals["USD"]["awards"] == 1
    assert award_costs(committee=world.study_group)[0].estimated == Decimal("1100.00")
    assert award_costs(programme=world.iso_programme, year=1999) == []
