"""The Done-when flow through the pages: a focal point opens its NSB's self-assessment, fills it section by
section with evidence (plain forms, no JavaScript), submits; the team returns it once, then validates it."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from jalon.accounts.models import Role
from jalon.assessments.models import Answer, Assessment, Question, Section
from tests.assessments.conftest import all_codes, answer, open_assessment
from tests.conftest import make_user


def section_data(assessment, section_code: str, codes: dict, files=None) -> dict:
    section = Section.objects.get(framework=assessment.framework, code=section_code)
    data = {"version": Assessment.objects.get(pk=assessment.pk).version}
    # What a browser sends back unchanged: the links and comments the form shows.
    for found in Answer.objects.filter(assessment=assessment, question__section=section):
        data[f"q{found.question_id}-evidence_link"] = found.evidence_link
        data[f"q{found.question_id}-comment"] = found.comment
    for question in section.questions.prefetch_related("answer_set__options"):
        if question.code in codes:
            chosen = codes[question.code]
            data[f"q{question.pk}-option"] = (
                "na"
                if chosen == "na"
                else str(next(o.pk for o in question.answer_set.options.all() if o.code == chosen))
            )
            data[f"q{question.pk}-confidence"] = "high"
    for code, upload in (files or {}).items():
        data[f"q{Question.objects.get(section=section, code=code).pk}-evidence_file"] = upload
    return data


def test_a_focal_point_fills_submits_and_the_team_returns_once_then_validates(client_as, users, nsb, banks):
    v1, _v2 = banks
    focal = client_as("focal")
    response = focal.post(
        reverse("assessments:create"),
        {"organisation": nsb.pk, "framework": v1.pk, "period_start": "2024-01-01", "period_end": "2024-12-31",
         "mode": "self"},
    )  # fmt: skip
    assessment = Assessment.objects.get(organisation=nsb)
    assert response.status_code == 302 and response["Location"].endswith(f"/assessments/{assessment.pk}/")
    transparency = Section.objects.get(framework=v1, code="P-TRANSPARENCY")
    url = reverse("assessments:section", kwargs={"pk": assessment.pk, "section": transparency.pk})
    page = focal.get(url)
    assert page.status_code == 200 and b"<script" not in page.content and b'type="radio"' in page.content
    evidence = SimpleUploadedFile("programme.pdf", b"%PDF-1.4 work programme", content_type="application/pdf")
    data = section_data(
        assessment, "P-TRANSPARENCY", {"TR-1": "partly", "TR-2": "fully", "TR-3": "na", "TR-4": "no"},
        files={"TR-1": evidence},
    )  # fmt: skip
    response = focal.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    tr1 = Answer.objects.get(assessment=assessment, question__code="TR-1")
    assert tr1.evidence_file and tr1.confidence == "high"
    # The rest through the service, as the focal point: TR-2 and CO-1 (evidence required) with a link.
    codes = {k: v for k, v in all_codes(v1, "largely").items() if not k.startswith("TR-")}
    answer(actor=users["focal"], assessment=assessment, codes=codes)
    # TR-2 needs evidence and has none: the submission is refused, naming it.
    submit = reverse("assessments:step", kwargs={"pk": assessment.pk, "step": "submit"})
    version = lambda: Assessment.objects.get(pk=assessment.pk).version  # noqa: E731
    response = focal.post(submit, {"version": version()}, follow=True)
    assert "TR-2" in response.content.decode() and Assessment.objects.get(pk=assessment.pk).status == "draft"
    answer(actor=users["focal"], assessment=assessment, codes={"TR-2": "fully"})
    focal.post(submit, {"version": version()})
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"
    # The focal point may not validate its own assessment.
    validate = reverse("assessments:step", kwargs={"pk": assessment.pk, "step": "validate"})
    assert focal.post(validate, {"version": version()}).status_code == 403

    manager = client_as("manager")
    back = reverse("assessments:step", kwargs={"pk": assessment.pk, "step": "return"})
    manager.post(back, {"version": version(), "note": ""})
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"  # a return needs a note
    manager.post(back, {"version": version(), "note": "Attach the comments table for CO-1."})
    returned = Assessment.objects.get(pk=assessment.pk)
    assert returned.status == "returned" and returned.returned_count == 1
    focal = client_as("focal")
    assert "Attach the comments table" in focal.get(returned.get_absolute_url()).content.decode()
    assert (
        focal.post(
            url,
            section_data(
                returned, "P-TRANSPARENCY", {"TR-1": "partly", "TR-2": "fully", "TR-3": "na", "TR-4": "partly"}
            ),
        ).status_code
        == 302
    )
    focal.post(submit, {"version": version()})
    manager = client_as("manager")
    manager.post(reverse("assessments:step", kwargs={"pk": assessment.pk, "step": "review"}), {"version": version()})
    manager.post(validate, {"version": version()})
    validated = Assessment.objects.get(pk=assessment.pk)
    assert validated.status == "validated" and validated.validated_at is not None
    detail = manager.get(validated.get_absolute_url()).content.decode()
    # Transparency: (2 x 0.5 + 2 x 1 + 1 x 0.5) / 5 = 0.7 (TR-3 not applicable), band L3.
    assert "0,700" in detail or "0.700" in detail


def test_a_stale_section_save_is_refused_and_keeps_what_was_typed(client_as, users, nsb, banks):
    v1, _v2 = banks
    assessment = open_assessment(users["focal"], nsb, v1)
    section = Section.objects.get(framework=v1, code="P-OPENNESS")
    url = reverse("assessments:section", kwargs={"pk": assessment.pk, "section": section.pk})
    stale = section_data(assessment, "P-OPENNESS", {"OP-1": "fully"})
    answer(actor=users["focal"], assessment=assessment, codes={"OP-2": "no"})
    response = client_as("focal").post(url, stale)
    assert response.status_code == 200 and not Answer.objects.filter(question__code="OP-1").exists()


def test_evidence_is_served_only_to_the_organisation_and_the_team(client_as, users, nsb, other_nsb, banks):
    v1, _v2 = banks
    assessment = open_assessment(users["focal"], nsb, v1)
    section = Section.objects.get(framework=v1, code="P-TRANSPARENCY")
    url = reverse("assessments:section", kwargs={"pk": assessment.pk, "section": section.pk})
    upload = SimpleUploadedFile("wp.pdf", b"%PDF-1.4 secret", content_type="application/pdf")
    client_as("focal").post(url, section_data(assessment, "P-TRANSPARENCY", {"TR-1": "partly"}, files={"TR-1": upload}))
    evidence = Answer.objects.get(question__code="TR-1")
    link = reverse("assessments:evidence", kwargs={"pk": assessment.pk, "answer": evidence.pk})
    for role, status in (("focal", 200), ("contributor", 200), ("manager", 200), ("viewer", 404), ("plain", 404)):
        response = client_as(role).get(link)
        assert response.status_code == status, role
        if status == 200:
            assert (
                response["Content-Disposition"].startswith("attachment")
                and response["X-Content-Type-Options"] == "nosniff"
            )
    stranger = make_user("kebs-focal", Role.FOCAL_POINT, other_nsb)
    from django.test import Client

    other = Client()
    other.force_login(stranger)
    assert other.get(link).status_code == 404
    assert client_as(None).get(link).status_code == 302


def test_a_web_page_disguised_as_evidence_is_refused_on_the_form(client_as, users, nsb, banks):
    v1, _v2 = banks
    assessment = open_assessment(users["focal"], nsb, v1)
    section = Section.objects.get(framework=v1, code="P-TRANSPARENCY")
    url = reverse("assessments:section", kwargs={"pk": assessment.pk, "section": section.pk})
    upload = SimpleUploadedFile("wp.pdf", b"<html><script>x</script>", content_type="application/pdf")
    response = client_as("focal").post(
        url, section_data(assessment, "P-TRANSPARENCY", {"TR-1": "partly"}, files={"TR-1": upload})
    )
    assert response.status_code == 200 and not Answer.objects.filter(assessment=assessment).exists()


def test_bad_input_is_refused_with_a_message_never_a_500(client_as, users, nsb, banks):
    v1, _v2 = banks
    assessment = open_assessment(users["focal"], nsb, v1)
    section = Section.objects.get(framework=v1, code="P-OPENNESS")
    url = reverse("assessments:section", kwargs={"pk": assessment.pk, "section": section.pk})
    data = section_data(assessment, "P-OPENNESS", {"OP-1": "fully"})
    key = next(k for k in data if k.endswith("-option"))
    data[key] = "999999999999999999999999"
    assert client_as("focal").post(url, data).status_code == 200
    response = client_as("focal").post(
        reverse("assessments:create"),
        {
            "organisation": nsb.pk,
            "framework": v1.pk,
            "period_start": "2024-12-31",
            "period_end": "2024-01-01",
            "mode": "self",
        },
    )
    assert response.status_code == 200 and Assessment.objects.count() == 1
    assert (
        client_as("focal").get(reverse("assessments:compare", kwargs={"pk": assessment.pk}) + "?with=abc").status_code
        == 404
    )
