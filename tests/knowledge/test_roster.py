"""The expert roster: engagement read from jalon's records (not typed), states kept by the expert's own
saves and by the yearly reminder, only the expert edits their profile, the ranking for a need with reasons."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from jalon.activities import services as activities_services
from jalon.committees.models import Committee, LeadershipRole
from jalon.knowledge import forum_services, roster_selectors, roster_services
from jalon.knowledge.models import Expert
from jalon.reference.models import Country
from tests.activities.conftest import activity_build


def test_an_expert_who_trained_and_answered_shows_that_engagement_without_typing_it(users, roster, client):
    awa = roster.awa
    activity = activity_build(actor=users["focal"], code="pki-training")
    activities_services.trainer_record(actor=users["focal"], activity=activity, person=awa.person)
    committee = Committee.objects.create(body="itu", kind="sg", reference="ITU-T SG17", title={"en": "Security"})
    LeadershipRole.objects.create(
        committee=committee, role="vice_chair", person=awa.person, organisation=awa.person.organisation
    )
    thread = forum_services.thread_ask(
        actor=users["focal"], language="fr", title="Certificats X.509 ?", body="Comment ?", tags=[("itu_t", "X.509")]
    )
    answer = forum_services.answer_post(actor=awa.user, thread=thread, language="fr", body="Ainsi.")
    forum_services.answer_accept(actor=users["focal"], thread=thread, answer=answer)

    engagement = roster_selectors.expert_engagement(user=users["plain"], expert=awa)
    assert [t.activity.code for t in engagement.trainings] == ["pki-training"]
    assert [r.committee.reference for r in engagement.roles] == ["ITU-T SG17"]
    assert [t.pk for t in engagement.accepted] == [thread.pk] and engagement.answers == 1
    # Nothing of it was typed on the profile: the expert declared only competencies and languages.
    assert awa.summary == ""

    response = client.get(f"/en/knowledge/experts/{awa.pk}/")
    content = response.content.decode()
    assert "GSP workshop" in content and "ITU-T SG17" in content and "Certificats X.509" in content


def test_the_organiser_records_a_trainer_from_the_activity_page(users, roster, client_as):
    activity = activity_build(actor=users["focal"], code="pki-training-3")
    client = client_as("focal")
    page = client.get(f"/en/activities/{activity.code}/").content.decode()
    trainers = f"/en/activities/{activity.code}/trainers/"
    assert f'href="{trainers}"' in page
    response = client.post(trainers, {"person": "Awa Diop"})
    assert response.status_code == 302
    assert "Awa Diop" in client.get(trainers).content.decode()
    engagement = roster_selectors.expert_engagement(user=users["plain"], expert=roster.awa)
    assert [t.activity.code for t in engagement.trainings] == ["pki-training-3"]
    # Not a link for those who do not manage the activity.
    assert f'href="{trainers}"' not in client_as("plain").get(f"/en/activities/{activity.code}/").content.decode()


def test_only_the_organisers_record_a_trainer(users, roster):
    activity = activity_build(actor=users["focal"], code="pki-training-2")
    with pytest.raises(PermissionDenied):
        activities_services.trainer_record(actor=users["plain"], activity=activity, person=roster.awa.person)


def test_only_the_expert_edits_their_profile_and_saving_settles_its_state(users, roster):
    with pytest.raises(PermissionDenied):
        roster_services.expert_profile_save(actor=users["manager"], expert=roster.awa, consent=True, summary="x")
    saved = roster_services.expert_profile_save(actor=roster.awa.user, expert=roster.awa, consent=False)
    assert saved.state == Expert.State.INCOMPLETE and saved.consent_at is None
    saved = roster_services.expert_profile_save(actor=roster.awa.user, expert=saved, consent=True)
    assert saved.state == Expert.State.ACTIVE
    with pytest.raises(ValidationError) as refused:
        roster_services.expert_profile_save(
            actor=roster.awa.user,
            expert=saved,
            consent=True,
            available_from=datetime.date(2027, 5, 1),
            available_until=datetime.date(2027, 1, 1),
        )
    assert "available_until" in refused.value.message_dict


def test_a_profile_unsaved_for_a_year_becomes_stale_with_one_reminder(users, roster):
    old = timezone.now() - datetime.timedelta(days=400)
    Expert.objects.filter(pk=roster.awa.pk).update(profile_updated_at=old)
    assert roster_services.roster_stale_remind() == 1
    assert roster_services.roster_stale_remind() == 0
    roster.awa.refresh_from_db()
    assert roster.awa.state == Expert.State.STALE and roster.awa.reminded_at is not None
    [message] = mail.outbox
    assert message.to == ["awa@example.org"] and "douze mois" in message.body
    # Saving the profile makes it active again; nothing was deleted.
    saved = roster_services.expert_profile_save(actor=roster.awa.user, expert=roster.awa, consent=True)
    assert saved.state == Expert.State.ACTIVE


def test_the_ranking_for_a_need_gives_its_reasons(users, roster):
    senegal = Country.objects.get(iso3="SEN")
    roster_services.expert_profile_save(
        actor=roster.awa.user,
        expert=roster.awa,
        consent=True,
        countries=[senegal],
        available_from=datetime.date(2026, 1, 1),
    )
    need = roster_selectors.Need(
        topic="X.509", language="fr", start=datetime.date(2027, 3, 1), end=datetime.date(2027, 3, 5), region="002"
    )
    ranked = roster_selectors.experts_ranked(user=users["plain"], need=need)
    # Awa's experience in Africa (M49 002) and availability over the dates put her first.
    assert [item.expert.pk for item in ranked] == [roster.awa.pk, roster.jean.pk]
    awa = next(item for item in ranked if item.expert.pk == roster.awa.pk)
    assert any("Sénégal" in reason or "Senegal" in reason for reason in awa.reasons)
    assert any("X" in reason for reason in awa.reasons)
    # Kim reads French at A2 only, Paul knows ISO 9001 only, Rita is inactive: none is offered.
    assert {item.expert.pk for item in ranked} == {roster.awa.pk, roster.jean.pk}


def test_the_ranking_reads_in_constant_queries(users, roster, django_assert_num_queries):
    need = roster_selectors.Need(topic="X.509", language="fr", region="002")
    with django_assert_num_queries(6):
        roster_selectors.experts_ranked(user=users["plain"], need=need)


def test_the_ranking_counts_only_the_answers_and_trainings_the_viewer_may_see(users, roster):
    """Awa trained in an unpublished activity and had an answer accepted in a members-only thread: a viewer who
    may see neither gets neither in her reasons, and each viewer's counts are those of her engagement page."""
    awa = roster.awa
    hidden = activity_build(actor=users["focal"], code="unpublished-pki", published=False)
    activities_services.trainer_record(actor=users["focal"], activity=hidden, person=awa.person)
    thread = forum_services.thread_ask(
        actor=users["focal"], language="fr", title="X.509 (membres)", body="Comment ?", tags=[("itu_t", "X.509")],
        visibility="members",
    )  # fmt: skip
    answer = forum_services.answer_post(actor=awa.user, thread=thread, language="fr", body="Ainsi.")
    forum_services.answer_accept(actor=users["focal"], thread=thread, answer=answer)
    need = roster_selectors.Need(topic="X.509")
    # `plain` acts for no member organisation and organises nothing; the focal point (ASN, a member and the
    # organiser) sees both.
    for name, expected in (("plain", (0, 0)), ("focal", (1, 1))):
        with translation.override("en"):
            ranked = roster_selectors.experts_ranked(user=users[name], need=need)
        reasons = " ".join(next(item for item in ranked if item.expert.pk == awa.pk).reasons)
        engagement = roster_selectors.expert_engagement(user=users[name], expert=awa)
        assert (len(engagement.accepted), len(engagement.trainings)) == expected, name
        assert ("1 accepted answers" in reasons, "trained in 1 activities" in reasons) == tuple(
            bool(count) for count in expected
        ), (name, reasons)
