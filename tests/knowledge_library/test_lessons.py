"""Lessons learned reach the next proposal: a lesson validated for ILO outcome 2 is offered on a new proposal for
that outcome (finance's page, through its section registry), citing it is recorded with how it was applied, and
the uptake indicator moves. Drafts are not offered; focal points submit for their own organisation only."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from jalon.activities.models import Activity
from jalon.finance import services as finance_services
from jalon.knowledge.models import Lesson, LessonCitation
from jalon.knowledge.services import lessons as services
from jalon.reference.models import Country
from jalon.results.computations import indicator_link_computation, indicator_refresh
from jalon.results.models import Indicator, Result


def _lesson(actor, results, **fields):
    values = {
        "kind": Lesson.Kind.LESSON,
        "title": {"en": "Agree indicators with the constituents", "fr": "Convenir des indicateurs avec les mandants"},
        "description": {"en": "Agreed indicators were reported on."},
        "source": Lesson.Source.EVALUATION,
        "source_reference": "EVAL 2014/07",
        "results": results,
        **fields,
    }
    return services.lesson_create(actor=actor, **values)


def _proposal(users, programme, results):
    return finance_services.proposal_create(
        actor=users["manager"],
        programme=programme,
        title={"en": "New project for outcome 2"},
        amount=Decimal("100000"),
        currency="USD",
        results=results,
    )


def _page(client, proposal) -> str:
    response = client.get(f"/en/finance/{proposal.programme.code}/proposals/{proposal.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def test_a_lesson_validated_for_ilo_outcome_2_is_offered_on_a_new_proposal_and_citing_it_moves_uptake(
    ilo, users, client_as
):
    outcome_2 = Result.objects.get(programme=ilo, code="2")
    outcome_1 = Result.objects.get(programme=ilo, code="1")
    indicator = Indicator.objects.create(result=outcome_2, code="K1", title={"en": "Lesson uptake"})
    indicator_link_computation(actor=users["manager"], indicator=indicator, key="knowledge_lesson_uptake")
    lesson = _lesson(users["manager"], [outcome_2])
    elsewhere = _lesson(users["manager"], [outcome_1], title={"en": "A lesson for outcome one"})
    services.lesson_validate(actor=users["manager"], lesson=elsewhere)
    proposal = _proposal(users, ilo, [outcome_2])
    client = client_as("manager")

    assert "Agree indicators with the constituents" not in _page(client, proposal)  # a draft is not offered
    lesson = services.lesson_validate(actor=users["manager"], lesson=lesson)
    page = _page(client, proposal)
    assert "Agree indicators with the constituents" in page and "Cite this lesson" in page
    assert "A lesson for outcome one" not in page

    # The proposal is new in the ILO framework's last period (its periods are in the past).
    period = ilo.periods.order_by("start").last()
    moment = datetime.datetime.combine(period.start, datetime.time(12), tzinfo=datetime.UTC)
    type(proposal).objects.filter(pk=proposal.pk).update(created_at=moment)
    indicator_refresh(indicator=indicator)
    assert indicator.measurements.get(dimension_value=None, period=period).value == Decimal("0.00")

    response = client.post(
        f"/en/knowledge/lessons/cite/proposal/{proposal.pk}/",
        {"lesson": lesson.pk, "how_applied": "Indicators agreed at the inception workshop."},
    )
    assert response.status_code == 302 and response["Location"].endswith(f"/proposals/{proposal.pk}/#lessons")
    citation = LessonCitation.objects.get(lesson=lesson, proposal=proposal)
    assert citation.how_applied == "Indicators agreed at the inception workshop."
    assert citation.cited_by == users["manager"]
    assert "Indicators agreed at the inception workshop." in _page(client, proposal)
    indicator_refresh(indicator=indicator)
    total = indicator.measurements.get(dimension_value=None, period=period)
    assert (total.numerator, total.denominator, total.value) == (1, 1, Decimal("100.00"))


def test_the_uptake_indicator_fills_a_framework_indicator_over_its_periods(ilo, users):
    """The ILO periods are in the past: proposals created then are counted in their period."""
    outcome_2 = Result.objects.get(programme=ilo, code="2")
    lesson = services.lesson_validate(actor=users["manager"], lesson=_lesson(users["manager"], [outcome_2]))
    period = ilo.periods.order_by("start").first()
    citing, other = _proposal(users, ilo, [outcome_2]), _proposal(users, ilo, [outcome_2])
    services.lesson_cite(actor=users["manager"], lesson=lesson, proposal=citing, how_applied="Used in the design.")
    moment = datetime.datetime.combine(period.start, datetime.time(12), tzinfo=datetime.UTC)
    type(citing).objects.filter(pk__in=[citing.pk, other.pk]).update(created_at=moment)
    indicator = Indicator.objects.create(result=outcome_2, code="K1", title={"en": "Lesson uptake"})
    indicator_link_computation(actor=users["manager"], indicator=indicator, key="knowledge_lesson_uptake")
    total = indicator.measurements.get(dimension_value=None, period=period)
    assert (total.numerator, total.denominator, total.value) == (1, 2, Decimal("50.00"))


def test_only_a_validated_lesson_is_cited_and_only_by_who_writes_the_proposal(ilo, users):
    outcome_2 = Result.objects.get(programme=ilo, code="2")
    draft = _lesson(users["manager"], [outcome_2])
    proposal = _proposal(users, ilo, [outcome_2])
    with pytest.raises(ValidationError) as refused:
        services.lesson_cite(actor=users["manager"], lesson=draft, proposal=proposal, how_applied="x")
    assert list(refused.value.message_dict) == ["lesson"]
    lesson = services.lesson_validate(actor=users["manager"], lesson=draft)
    with pytest.raises(PermissionDenied):
        services.lesson_cite(actor=users["viewer"], lesson=lesson, proposal=proposal, how_applied="x")
    with pytest.raises(ValidationError) as empty:
        services.lesson_cite(actor=users["manager"], lesson=lesson, proposal=proposal, how_applied="  ")
    assert "how_applied" in empty.value.message_dict
    services.lesson_cite(actor=users["manager"], lesson=lesson, proposal=proposal, how_applied="Applied.")
    with pytest.raises(ValidationError):
        services.lesson_cite(actor=users["manager"], lesson=lesson, proposal=proposal, how_applied="Again.")


def test_a_good_practice_names_a_result_and_its_conditions_to_replicate(ilo, users):
    with pytest.raises(ValidationError) as refused:
        _lesson(users["manager"], [], kind=Lesson.Kind.GOOD_PRACTICE)
    assert set(refused.value.message_dict) >= {"results", "replication"}
    outcome_3 = Result.objects.get(programme=ilo, code="3")
    practice = _lesson(
        users["manager"], [outcome_3], kind=Lesson.Kind.GOOD_PRACTICE, replication={"en": "An institute with a budget."}
    )
    assert practice.kind == Lesson.Kind.GOOD_PRACTICE and list(practice.results.all()) == [outcome_3]


def test_the_source_names_its_record(users, db):
    with pytest.raises(ValidationError) as refused:
        _lesson(users["manager"], [], source=Lesson.Source.ACTIVITY, source_reference="")
    assert "source_activity" in refused.value.message_dict
    with pytest.raises(ValidationError) as unnamed:
        _lesson(users["manager"], [], source=Lesson.Source.EVALUATION, source_reference="")
    assert "source_reference" in unnamed.value.message_dict


def test_focal_points_submit_for_their_organisation_and_the_team_validates(users, nsb, other_nsb):
    with pytest.raises(ValidationError) as refused:
        _lesson(users["focal"], [], organisation=other_nsb)
    assert "organisation" in refused.value.message_dict
    lesson = _lesson(users["focal"], [], organisation=nsb)
    with pytest.raises(PermissionDenied):
        services.lesson_validate(actor=users["focal"], lesson=lesson)
    with pytest.raises(ValidationError):
        services.lesson_publish(actor=users["manager"], lesson=lesson)  # a draft is validated first
    services.lesson_validate(actor=users["manager"], lesson=lesson)
    with pytest.raises(PermissionDenied):
        services.lesson_update(actor=users["focal"], lesson=lesson, title={"en": "Changed after validation"})


def test_anyone_reads_a_published_lesson_and_nobody_outside_reads_a_draft(users, client_as, nsb):
    lesson = _lesson(users["focal"], [], organisation=nsb, title={"en": "Une leçon sur la qualité"})
    anonymous = client_as(None)
    assert anonymous.get(f"/en/knowledge/lessons/{lesson.pk}/").status_code == 404
    assert client_as("contributor").get(f"/en/knowledge/lessons/{lesson.pk}/").status_code == 200
    services.lesson_validate(actor=users["manager"], lesson=lesson)
    services.lesson_publish(actor=users["manager"], lesson=lesson)
    anonymous = client_as(None)
    assert anonymous.get(f"/fr/knowledge/lessons/{lesson.pk}/").status_code == 200
    listing = anonymous.get("/fr/knowledge/lessons/?q=qualite").content.decode()
    assert "Une leçon sur la qualité" in listing


def test_an_activity_for_a_country_is_offered_that_country_s_lessons(users, client_as, nsb):
    senegal = Country.objects.get(iso3="SEN")
    lesson = _lesson(users["manager"], [], countries=[senegal], title={"en": "A lesson from Senegal"})
    services.lesson_validate(actor=users["manager"], lesson=lesson)
    activity = Activity.objects.create(
        code="knowledge-sen",
        title={"en": "Workshop in Dakar"},
        type="workshop",
        modality="in_person",
        level="national",
        start_date=datetime.date(2026, 1, 10),
        end_date=datetime.date(2026, 1, 11),
        organiser=nsb,
    )
    activity.countries.set([senegal])
    client = client_as("focal")
    page = client.get(f"/en/activities/{activity.code}/").content.decode()
    assert "A lesson from Senegal" in page and "Cite this lesson" in page
    response = client.post(
        f"/en/knowledge/lessons/cite/activity/{activity.code}/", {"lesson": lesson.pk, "how_applied": "Programme."}
    )
    assert response.status_code == 302
    assert LessonCitation.objects.filter(lesson=lesson, activity=activity).exists()


def test_the_api_submits_validates_and_cites(ilo, users, client_as, nsb):
    outcome_2 = Result.objects.get(programme=ilo, code="2")
    focal = client_as("focal")
    created = focal.post(
        "/api/v1/knowledge-lessons/",
        {
            "kind": "lesson",
            "title": {"fr": "Une leçon"},
            "description": {"fr": "Une description"},
            "source": "evaluation",
            "source_reference": "EVAL 1",
            "organisation": nsb.pk,
            "results": [outcome_2.pk],
            "countries": ["SEN"],
            "themes": ["Qualité"],
        },
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert focal.post(f"/api/v1/knowledge-lessons/{pk}/validate/", {}).status_code == 403
    manager = client_as("manager")
    assert manager.post(f"/api/v1/knowledge-lessons/{pk}/validate/", {}).json()["status"] == "validated"
    proposal = _proposal(users, ilo, [outcome_2])
    cited = manager.post(
        f"/api/v1/knowledge-lessons/{pk}/cite/",
        {"proposal": proposal.pk, "how_applied": "In the logframe."},
        content_type="application/json",
    )
    assert cited.status_code == 201, cited.content
    bad = manager.post(f"/api/v1/knowledge-lessons/{pk}/cite/", {"how_applied": "x"}, content_type="application/json")
    assert bad.status_code == 400
    assert client_as(None).get(f"/api/v1/knowledge-lessons/{pk}/").status_code == 404  # validated, not published
