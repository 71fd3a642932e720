"""A lesson names records of other apps (its results, the activity, twinning arrangement or assessment it comes
from, the activities citing it): each is offered, accepted and shown only to whoever may see it in its own app.
ASN's focal point gets 404 on KEBS's draft self-assessment, on a twinning arrangement between AFNOR and KEBS, on
an unpublished KEBS activity and on a result of an unpublished programme: the lesson form does not list them,
the API refuses their ids with the message it gives for an id that does not exist, and a lesson linked to them
(by the programme team) names none of them to that focal point."""

import datetime
from dataclasses import dataclass

import pytest
from django.urls import reverse

from jalon.activities.models import Activity
from jalon.assessments import services as assessment_services
from jalon.assessments.bank import banks_ensure
from jalon.assessments.models import Assessment, Framework
from jalon.committees.models import Committee, CommitteeMembership
from jalon.knowledge.forms.lessons import LessonForm
from jalon.knowledge.models import Lesson
from jalon.knowledge.services import lessons as services
from jalon.organisations.models import Organisation
from jalon.results.models import Level, Programme, Result
from jalon.twinning import services as twinning_services
from jalon.twinning.models import Arrangement

MISSING = 2**31 - 7  # an id no record has


@dataclass
class Records:
    secret_assessment: Assessment  # KEBS's draft: KEBS's and the team's
    own_assessment: Assessment  # ASN's: its focal point sees it
    arrangement: Arrangement  # AFNOR -> KEBS: its parties' and the team's
    closed_activity: Activity  # unpublished, organised by KEBS
    hidden_result: Result  # of an unpublished programme
    open_result: Result  # of a published programme


def _programme(code: str, published: bool) -> Programme:
    return Programme.objects.create(
        code=code, owner=Organisation.objects.get(acronym="ISO"), title={"en": code},
        start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2030, 1, 1), published=published,
    )  # fmt: skip


def _result(programme: Programme, title: str) -> Result:
    level = Level.objects.create(programme=programme, key="outcome", name={"en": "Outcome"}, iati_result_type=2)
    return Result.objects.create(programme=programme, level=level, code="1", title={"en": title})


def _assessment(organisation, year: int) -> Assessment:
    return assessment_services.assessment_create(
        actor=None, organisation=organisation, framework=Framework.objects.get(code="gsp", version=1),
        period_start=datetime.date(year, 1, 1), period_end=datetime.date(year, 12, 31),
    )  # fmt: skip


@pytest.fixture
def records(users, nsb, other_nsb) -> Records:
    banks_ensure()
    afnor = Organisation.objects.get(acronym="AFNOR")
    committee = Committee.objects.create(body="iso", kind="tc", reference="ISO/TC 9911", title={"en": "Secret TC"})
    CommitteeMembership.objects.create(committee=committee, member=afnor, status="p")
    CommitteeMembership.objects.create(committee=committee, member=other_nsb, status="o")
    arrangement = twinning_services.arrangement_create(
        actor=users["manager"], programme=_programme("tw-links", True), kind="p_member", committee=committee,
        twinned_member=other_nsb, lead_member=afnor,
    )  # fmt: skip
    closed_activity = Activity.objects.create(
        code="kebs-closed", title={"en": "Closed workshop at KEBS"}, type="workshop", modality="in_person",
        level="national", start_date=datetime.date(2026, 1, 10), end_date=datetime.date(2026, 1, 11),
        organiser=other_nsb, published=False,
    )  # fmt: skip
    return Records(
        secret_assessment=_assessment(other_nsb, 2031),
        own_assessment=_assessment(nsb, 2032),
        arrangement=arrangement,
        closed_activity=closed_activity,
        hidden_result=_result(_programme("hidden-links", False), "Hidden outcome"),
        open_result=_result(_programme("open-links", True), "Open outcome"),
    )


def test_the_focal_point_cannot_open_any_of_the_records(client_as, records):
    client = client_as("focal")
    assert client.get(reverse("assessments:detail", kwargs={"pk": records.secret_assessment.pk})).status_code == 404
    assert client.get(records.arrangement.get_absolute_url()).status_code == 404
    assert client.get(f"/en/activities/{records.closed_activity.code}/").status_code == 404
    assert client.get("/en/programmes/hidden-links/").status_code == 404


def test_the_lesson_form_offers_only_the_records_the_user_may_see(client_as, records):
    names = {
        "secret assessment": "2031-2031",
        "arrangement": "ISO/TC 9911",
        "closed activity": "Closed workshop at KEBS",
        "hidden result": "Hidden outcome",
    }
    page = client_as("focal").get("/fr/knowledge/lessons/new/").content.decode()
    assert [what for what, name in names.items() if name in page] == []
    assert "2032-2032" in page and "Open outcome" in page
    page = client_as("manager").get("/fr/knowledge/lessons/new/").content.decode()
    assert [what for what, name in names.items() if name not in page] == []


@pytest.mark.parametrize(
    "field, record",
    [
        ("source_assessment", "secret_assessment"),
        ("source_arrangement", "arrangement"),
        ("source_activity", "closed_activity"),
        ("results", "hidden_result"),
    ],
)
def test_the_lesson_form_refuses_a_record_hidden_from_the_user_as_one_that_does_not_exist(
    users, records, field, record
):
    def error(user, pk) -> list[str]:
        form = LessonForm({field: [pk] if field == "results" else pk}, user=users[user])
        form.is_valid()
        return [message.replace(str(pk), "ID") for message in form.errors.get(field, [])]

    pk = getattr(records, record).pk
    assert error("focal", pk) and error("focal", pk) == error("focal", MISSING)
    assert error("manager", pk) == []


def _post(client, **fields):
    values = {
        "kind": "lesson",
        "title": {"en": "A lesson"},
        "description": {"en": "What we learned"},
        "organisation": Organisation.objects.get(acronym="ASN").pk,
        **fields,
    }
    return client.post("/api/v1/knowledge-lessons/", values, content_type="application/json")


@pytest.mark.parametrize(
    "source, field, record, key",
    [
        ("assessment", "source_assessment", "secret_assessment", "pk"),
        ("twinning", "source_arrangement", "arrangement", "pk"),
        ("activity", "source_activity", "closed_activity", "code"),
        ("evaluation", "results", "hidden_result", "pk"),
    ],
)
def test_the_api_refuses_a_record_hidden_from_the_user_as_one_that_does_not_exist(
    client_as, records, source, field, record, key
):
    client = client_as("focal")
    hidden = getattr(getattr(records, record), key)
    missing = "no-such-activity" if key == "code" else MISSING

    def refusal(value) -> list[str]:
        response = _post(
            client, source=source, source_reference="EVAL 1", **{field: [value] if field == "results" else value}
        )
        assert response.status_code == 400, response.content
        return [message.replace(str(value), "ID") for message in response.json()[field]]

    assert refusal(hidden) == refusal(missing)
    assert not Lesson.objects.exists()


def test_the_api_accepts_a_record_the_user_sees(client_as, records):
    response = _post(
        client_as("focal"),
        source="assessment",
        source_assessment=records.own_assessment.pk,
        results=[records.open_result.pk],
    )
    assert response.status_code == 201, response.content
    assert response.json()["source_assessment"] == records.own_assessment.pk


def _published(users, **fields) -> Lesson:
    values = {
        "kind": "lesson",
        "title": {"en": "A published lesson"},
        "description": {"en": "What we learned"},
        **fields,
    }
    lesson = services.lesson_create(actor=users["manager"], **values)
    lesson = services.lesson_validate(actor=users["manager"], lesson=lesson)
    return services.lesson_publish(actor=users["manager"], lesson=lesson)


def test_a_lesson_names_only_the_records_its_reader_may_see(users, client_as, records):
    lesson = _published(
        users,
        source="assessment",
        source_assessment=records.secret_assessment,
        results=[records.hidden_result, records.open_result],
    )
    services.lesson_cite(
        actor=users["manager"], lesson=lesson, activity=records.closed_activity, how_applied="Cited in a closed room."
    )
    hidden = ["2031-2031", "Hidden outcome", "Closed workshop at KEBS", "Cited in a closed room."]
    for reader in ("focal", None):
        page = client_as(reader).get(f"/en/knowledge/lessons/{lesson.pk}/").content.decode()
        assert [name for name in hidden if name in page] == [], reader
        assert "Open outcome" in page
    page = client_as("manager").get(f"/en/knowledge/lessons/{lesson.pk}/").content.decode()
    assert [name for name in hidden if name not in page] == []


@pytest.mark.parametrize(
    "source, field, record",
    [
        ("assessment", "source_assessment", "secret_assessment"),
        ("twinning", "source_arrangement", "arrangement"),
        ("activity", "source_activity", "closed_activity"),
    ],
)
def test_the_api_gives_a_lesson_s_links_only_to_who_may_see_them(users, client_as, records, source, field, record):
    lesson = _published(
        users, source=source, **{field: getattr(records, record)}, results=[records.hidden_result, records.open_result]
    )
    url = f"/api/v1/knowledge-lessons/{lesson.pk}/"
    for reader in ("focal", None):
        client = client_as(reader)
        for data in (client.get(url).json(), client.get("/api/v1/knowledge-lessons/").json()["results"][0]):
            assert (data[field], data["results"]) == (None, [records.open_result.pk]), reader
    data = client_as("manager").get(url).json()
    expected = records.closed_activity.code if field == "source_activity" else getattr(records, record).pk
    assert data[field] == expected
    assert sorted(data["results"]) == sorted([records.hidden_result.pk, records.open_result.pk])
