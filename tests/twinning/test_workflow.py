"""The arrangement's life: from proposal to active, each step a service with its checks, audited; the
leadership kinds need their persons and the nominee's approval; the overdue-communication flag."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jalon.accounts.models import AuditEntry
from jalon.twinning import selectors, services
from jalon.twinning.models import Arrangement
from tests.twinning.conftest import agreement_file, days, make_active, propose

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_focal_point_takes_a_p_membership_arrangement_from_proposal_to_active_each_step_audited(world, users):
    focal = users["focal"]
    arrangement = propose(world, focal, lead_member=None)
    assert arrangement.status == "proposed"
    arrangement = services.arrangement_identify_partner(actor=focal, arrangement=arrangement, lead_member=world.afnor)
    assert (arrangement.status, arrangement.lead_member) == ("partner_identified", world.afnor)
    with pytest.raises(ValidationError) as refused:
        services.arrangement_sign(actor=focal, arrangement=arrangement, signed_on=days(-2))
    assert set(refused.value.message_dict) == {"agreement", "manager_notified_on"}
    arrangement = services.arrangement_sign(
        actor=focal,
        arrangement=arrangement,
        agreement=agreement_file(),
        signed_on=days(-2),
        manager_notified_on=days(-1),
    )
    assert arrangement.status == "agreement_signed" and arrangement.agreement
    arrangement = services.arrangement_activate(actor=focal, arrangement=arrangement)
    assert arrangement.status == "active" and arrangement.start_date == days(0)
    changes = AuditEntry.objects.filter(object_id=str(arrangement.pk), model="twinning.arrangement")
    assert changes.filter(action="create").count() == 1
    assert changes.filter(action="update").count() == 3


def test_a_step_out_of_order_is_refused_and_changes_nothing(world, users):
    arrangement = propose(world, users["focal"])
    with pytest.raises(ValidationError, match="not open while the arrangement is Proposed"):
        services.arrangement_activate(actor=users["focal"], arrangement=arrangement)
    arrangement.refresh_from_db()
    assert arrangement.status == "proposed"


def test_the_lead_must_hold_what_the_kind_needs(world, users):
    manager = users["manager"]
    # KEBS is not a member of ISO/TC 34: it cannot lead a P-membership twinning there.
    with pytest.raises(ValidationError) as refused:
        propose(world, manager, twinned_member=world.asn, lead_member=world.kebs)
    assert "lead_member" in refused.value.message_dict
    # DIN holds the secretariat: it may lead a secretariat twinning; AFNOR may not.
    propose(world, manager, kind="secretariat", lead_member=world.din)
    with pytest.raises(ValidationError):
        propose(world, manager, kind="secretariat", lead_member=world.afnor)


def test_hard_rules_developing_twinned_member_no_self_pair_no_duplicate(world, users):
    manager = users["manager"]
    with pytest.raises(ValidationError) as refused:
        propose(world, manager, twinned_member=world.afnor, lead_member=world.din)
    assert "developing country" in refused.value.message_dict["twinned_member"][0]
    with pytest.raises(ValidationError):
        propose(world, manager, twinned_member=world.asn, lead_member=world.asn)
    propose(world, manager)
    with pytest.raises(ValidationError, match="already open"):
        propose(world, manager, lead_member=world.din)


def test_a_focal_point_proposes_only_for_its_own_member(world, users):
    with pytest.raises(ValidationError, match="your own member"):
        propose(world, users["focal"], twinned_member=world.kebs)


def test_leadership_kinds_need_both_persons_and_the_nominee_approved_by_the_team(world, users):
    focal, manager = users["focal"], users["manager"]
    arrangement = propose(world, focal, kind="chair")
    arrangement = services.arrangement_identify_partner(actor=focal, arrangement=arrangement)
    with pytest.raises(ValidationError, match="nominee of a leadership twinning is approved"):
        services.arrangement_sign(
            actor=focal, arrangement=arrangement, agreement=agreement_file(), manager_notified_on=days(0)
        )
    with pytest.raises(PermissionDenied):
        services.arrangement_approve_nominee(actor=focal, arrangement=arrangement)
    with pytest.raises(ValidationError) as refused:
        services.arrangement_approve_nominee(actor=manager, arrangement=arrangement)
    assert set(refused.value.message_dict) == {"lead_person", "twinned_person"}
    # The focal point names its nominee; it does not see the lead's people: the lead's side or the team names
    # the lead's person.
    arrangement = services.arrangement_update(actor=focal, arrangement=arrangement, twinned_person=world.nominee)
    with pytest.raises(ValidationError, match="Unknown person"):
        services.arrangement_update(actor=focal, arrangement=arrangement, lead_person=world.lead_person)
    arrangement = services.arrangement_update(actor=manager, arrangement=arrangement, lead_person=world.lead_person)
    arrangement = services.arrangement_approve_nominee(actor=manager, arrangement=arrangement)
    assert arrangement.status == "nominee_approved" and arrangement.nominee_approved_on == days(0)
    arrangement = services.arrangement_sign(
        actor=focal, arrangement=arrangement, agreement=agreement_file(), manager_notified_on=days(0)
    )
    assert arrangement.status == "agreement_signed"


def test_a_person_of_another_member_is_refused(world, users):
    with pytest.raises(ValidationError) as refused:
        propose(world, users["manager"], kind="chair", lead_person=world.nominee)
    assert "lead_person" in refused.value.message_dict


def test_once_signed_the_parties_do_not_change(world, users):
    arrangement = make_active(world, users["manager"])
    with pytest.raises(ValidationError, match="agreement is signed"):
        services.arrangement_update(actor=users["manager"], arrangement=arrangement, lead_member=world.din)
    updated = services.arrangement_update(
        actor=users["manager"], arrangement=arrangement, objectives={"en": "Chair a working group"}
    )
    assert updated.objectives["en"] == "Chair a working group"


def test_the_overdue_flag_appears_after_about_a_quarter_and_clears_with_a_meeting(world, users):
    focal = users["focal"]
    arrangement = make_active(world, focal, start=days(-120))
    assert selectors.communication_overdue(arrangement, overdue_days=100)
    listed = selectors.flag_overdue(list(selectors.arrangements_list(user=focal)))
    assert [a.overdue for a in listed] == [True]
    services.meeting_record(
        actor=focal, arrangement=arrangement, date=days(-3), mode="virtual", attendees=[world.nominee]
    )
    listed = selectors.flag_overdue(list(selectors.arrangements_list(user=focal)))
    assert [a.overdue for a in listed] == [False]
    # A meeting long ago does not clear it.
    other = make_active(world, users["manager"], start=days(-400), committee=world.tc176)
    services.meeting_record(actor=users["manager"], arrangement=other, date=days(-300), mode="in_person")
    assert selectors.communication_overdue(Arrangement.objects.get(pk=other.pk), overdue_days=100)


def test_meetings_need_a_signed_agreement_and_attendees_of_the_partners(world, users):
    manager = users["manager"]
    arrangement = propose(world, manager)
    with pytest.raises(ValidationError, match="once the agreement is signed"):
        services.meeting_record(actor=manager, arrangement=arrangement, date=days(0), mode="virtual")
    active = make_active(world, manager, committee=world.tc176)
    from jalon.organisations.models import Person

    stranger = Person.objects.create(given_name="X", family_name="Y", organisation=world.kebs)
    with pytest.raises(ValidationError) as refused:
        services.meeting_record(actor=manager, arrangement=active, date=days(0), mode="virtual", attendees=[stranger])
    assert "attendees" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        services.meeting_record(actor=manager, arrangement=active, date=days(5), mode="virtual")
    assert "date" in refused.value.message_dict


def test_annual_review_review_cycle_and_termination(world, users):
    focal, manager = users["focal"], users["manager"]
    arrangement = make_active(world, focal, start=days(-400))
    arrangement = services.arrangement_start_review(actor=focal, arrangement=arrangement)
    review = services.review_record(
        actor=focal, arrangement=arrangement, date=days(-1), rating=3, narrative={"en": "On track"}, decisions="Go on"
    )
    assert review.rating == 3
    arrangement = services.arrangement_resume(actor=focal, arrangement=arrangement)
    with pytest.raises(PermissionDenied):
        services.arrangement_terminate(actor=focal, arrangement=arrangement, note="No longer possible")
    with pytest.raises(ValidationError) as refused:
        services.arrangement_terminate(actor=manager, arrangement=arrangement, note=" ")
    assert "note" in refused.value.message_dict
    closed = services.arrangement_terminate(actor=manager, arrangement=arrangement, note="Lead withdrew")
    assert (closed.status, closed.closed_on, closed.end_date) == ("terminated", days(0), days(0))
    assert not selectors.communication_overdue(closed, overdue_days=100)


def test_financial_support_needs_amount_and_currency(world, users):
    with pytest.raises(ValidationError) as refused:
        propose(world, users["manager"], financial_support="lead_funded")
    assert "support_amount" in refused.value.message_dict
