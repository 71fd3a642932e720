"""The assessment workflow through the API, as on the pages: a focal point opens its NSB's self-assessment,
answers it section by section (with the version read), submits it; the team returns it once, then validates
it; the focal point chooses an improvement area and follows its action. Each write goes through the services,
so the same refusals hold."""

import json
from decimal import Decimal

import pytest

from jalon.assessments.models import Assessment, ImprovementAction, ImprovementArea
from tests.assessments.conftest import all_codes


def post(client, path, body, **headers):
    return client.post(path, data=json.dumps(body), content_type="application/json", **headers)


def section_bodies(framework, codes: dict[str, str]) -> list[dict]:
    bodies = []
    for section in framework.sections.prefetch_related("questions").order_by("order", "pk"):
        rows = []
        for question in section.questions.all():
            row = {"question": question.code, "option": codes[question.code]}
            if question.evidence_required:
                row["evidence_link"] = "https://example.org/evidence"
            rows.append(row)
        bodies.append({"section": section.code, "answers": rows})
    return bodies


@pytest.fixture
def opened(banks, client_as, nsb):
    v1, _v2 = banks
    response = post(
        client_as("focal"), "/api/v1/assessments/",
        {"organisation": nsb.pk, "framework": v1.pk, "period_start": "2024-01-01", "period_end": "2024-12-31"},
    )  # fmt: skip
    assert response.status_code == 201, response.content
    return Assessment.objects.get(pk=response.json()["id"])


def answer_all(client, assessment, code="largely"):
    version = assessment.version
    for body in section_bodies(assessment.framework, all_codes(assessment.framework, code)):
        response = post(client, f"/api/v1/assessments/{assessment.pk}/answers/", {**body, "version": version})
        assert response.status_code == 200, response.content
        version = response.json()["version"]
    return response.json()


def step(client, assessment, name, **extra):
    version = Assessment.objects.get(pk=assessment.pk).version
    return post(client, f"/api/v1/assessments/{assessment.pk}/step/", {"step": name, "version": version, **extra})


def test_a_focal_point_answers_and_submits_and_the_team_returns_then_validates(opened, client_as, other_nsb, banks):
    focal = client_as("focal")
    detail = answer_all(focal, opened)
    assert Decimal(str(detail["scores"]["coverage"])) == 1
    assert detail["scores"]["complete"] is True
    # A stale version is refused (409); an unknown answer code is a 400 naming the question.
    first = section_bodies(opened.framework, all_codes(opened.framework))[0]
    stale = post(focal, f"/api/v1/assessments/{opened.pk}/answers/", {**first, "version": opened.version})
    assert stale.status_code == 409
    wrong = {**first, "answers": [{**first["answers"][0], "option": "nonsense"}], "version": detail["version"]}
    refused = post(focal, f"/api/v1/assessments/{opened.pk}/answers/", wrong)
    assert refused.status_code == 400 and first["answers"][0]["question"] in json.dumps(refused.json())
    # Not for another NSB's focal point to open, nor for the focal point to validate.
    other = post(
        focal, "/api/v1/assessments/",
        {"organisation": other_nsb.pk, "framework": banks[0].pk, "period_start": "2024-01-01",
         "period_end": "2024-12-31"},
    )  # fmt: skip
    assert other.status_code == 400 and "organisation" in other.json()
    assert step(focal, opened, "submit").status_code == 200
    assert step(client_as("focal"), opened, "validate").status_code == 403
    manager = client_as("manager")
    assert step(manager, opened, "return").status_code == 400  # a return says what must change
    returned = step(manager, opened, "return", note="Attach the procedures")
    assert returned.status_code == 200 and returned.json()["status"] == "returned"
    assert step(client_as("focal"), opened, "submit").status_code == 200
    validated = step(client_as("manager"), opened, "validate")
    assert validated.status_code == 200 and validated.json()["status"] == "validated"
    assert Assessment.objects.get(pk=opened.pk).returned_count == 1
    # Validated: no more answers.
    locked = post(
        client_as("focal"),
        f"/api/v1/assessments/{opened.pk}/answers/",
        {**first, "version": validated.json()["version"]},
    )
    assert locked.status_code == 403


def test_a_validated_assessments_area_and_action_are_followed_through_the_api(opened, client_as, users):
    focal = client_as("focal")
    codes = all_codes(opened.framework, "largely")
    codes.update({"TR-1": "ad-hoc", "TR-2": "partly", "TR-3": "partly", "TR-4": "no"})
    version = opened.version
    for body in section_bodies(opened.framework, codes):
        version = post(focal, f"/api/v1/assessments/{opened.pk}/answers/", {**body, "version": version}).json()[
            "version"
        ]
    assert step(focal, opened, "submit").status_code == 200
    assert step(client_as("manager"), opened, "validate").status_code == 200
    focal = client_as("focal")
    too_low = post(
        focal, "/api/v1/assessment-improvement-areas/",
        {"assessment": opened.pk, "section": "P-TRANSPARENCY", "target_score": "0.2"},
    )  # fmt: skip
    assert too_low.status_code == 400 and "target_score" in too_low.json()
    area = post(
        focal, "/api/v1/assessment-improvement-areas/",
        {"assessment": opened.pk, "section": "P-TRANSPARENCY", "target_score": "0.8", "note": "Publish them"},
    )  # fmt: skip
    assert area.status_code == 201, area.content
    assert ImprovementArea.objects.get(pk=area.json()["id"]).section.code == "P-TRANSPARENCY"
    created = post(
        focal, "/api/v1/assessment-improvement-actions/",
        {"area": area.json()["id"], "description": "Publish the work programme", "owner_name": "Awa"},
    )  # fmt: skip
    assert created.status_code == 201, created.content
    pk, version = created.json()["id"], created.json()["version"]
    done = focal.patch(
        f"/api/v1/assessment-improvement-actions/{pk}/",
        data=json.dumps({"status": "done", "version": version}),
        content_type="application/json",
    )
    assert done.status_code == 200 and ImprovementAction.objects.get(pk=pk).status == "done"
    again = focal.patch(
        f"/api/v1/assessment-improvement-actions/{pk}/",
        data=json.dumps({"status": "planned", "version": version}),
        content_type="application/json",
    )
    assert again.status_code == 409
    # The contributor reads the plan but does not change it.
    contributor = client_as("contributor")
    assert contributor.get("/api/v1/assessment-improvement-actions/").json()["count"] == 1
    refused = contributor.patch(
        f"/api/v1/assessment-improvement-actions/{pk}/",
        data=json.dumps({"status": "planned", "version": version + 1}),
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert client_as("viewer").get("/api/v1/assessment-improvement-areas/").json()["count"] == 0
