"""Edit and delete pages of what follows an assessment: peer findings (with their corrective actions),
improvement areas and their actions, a bank's maturity bands (ordered, non-overlapping) and a survey's
questions (scale, "don't know", order). Plain forms, versioned, audited, deletions confirmed."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import ConflictError
from jalon.assessments import scoring, services, xlsform
from jalon.assessments.models import (
    Finding,
    ImprovementAction,
    ImprovementArea,
    Invitation,
    Section,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
)
from jalon.results.models import Programme
from tests.assessments.conftest import all_codes, answer, open_assessment, validate

D = Decimal
pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def validated(banks, users, nsb):
    v1, _v2 = banks
    codes = all_codes(v1, "largely")
    codes.update({"TR-1": "ad-hoc", "TR-2": "partly", "TR-3": "partly", "TR-4": "no"})
    assessment = answer(
        actor=users["focal"], assessment=open_assessment(users["focal"], nsb, v1, year=2023), codes=codes
    )
    services.assessment_step(actor=users["focal"], assessment=assessment, step="submit")
    return validate(users["manager"], assessment)


def deleted(model, pk) -> bool:
    return AuditEntry.objects.filter(
        model=model._meta.label_lower, object_id=str(pk), action=AuditEntry.Action.DELETE
    ).exists()


# Findings --------------------------------------------------------------------------------------------------


def test_the_team_edits_a_finding_closes_it_and_deletes_it_after_confirming(client_as, users, validated):
    finding = services.finding_create(
        actor=users["manager"], assessment=validated, kind="concern", text="No work programme published"
    )
    url = reverse("assessments:finding_edit", kwargs={"pk": finding.pk})
    team = client_as("manager")
    page = team.get(url)
    assert page.status_code == 200 and b"<script" not in page.content and b'name="corrective_action"' in page.content
    data = {
        "version": finding.version, "kind": "nonconformity", "text": "No work programme published",
        "corrective_action": "Publish it every six months", "due_date": "2024-06-30", "status": "closed",
    }  # fmt: skip
    assert team.post(url, data).status_code == 302
    finding.refresh_from_db()
    assert (finding.kind, finding.corrective_action, finding.status, finding.version) == (
        "nonconformity",
        "Publish it every six months",
        "closed",
        2,
    )
    assert AuditEntry.objects.filter(model="assessments.finding", action=AuditEntry.Action.UPDATE).exists()
    # The same page posted again from the old version: refused, nothing saved.
    stale = team.post(url, {**data, "corrective_action": "Something else"})
    assert stale.status_code == 200 and "Someone else changed" in stale.content.decode()
    finding.refresh_from_db()
    assert finding.corrective_action == "Publish it every six months"
    # A question of another bank cannot be named.
    other = Section.objects.exclude(framework=validated.framework).first().questions.first()
    with pytest.raises(ValidationError):
        services.finding_update(actor=users["manager"], finding=finding, question=other)
    # The focal point reads findings (on the page and through the API) but does not change them.
    assert client_as("focal").get(url).status_code == 403
    detail = client_as("focal").get(reverse("api:assessment-detail", kwargs={"pk": validated.pk})).json()
    assert [(f["kind"], f["status"], f["corrective_action"]) for f in detail["findings"]] == [
        ("nonconformity", "closed", "Publish it every six months")
    ]
    with pytest.raises(ValidationError):
        services.finding_delete(actor=users["focal"], finding=finding)
    delete = reverse("assessments:finding_delete", kwargs={"pk": finding.pk})
    team = client_as("manager")
    confirm = team.get(delete)
    assert confirm.status_code == 200 and Finding.objects.filter(pk=finding.pk).exists()
    assert team.post(delete).status_code == 302
    assert not Finding.objects.filter(pk=finding.pk).exists() and deleted(Finding, finding.pk)


# Improvement areas and actions -----------------------------------------------------------------------------


def test_an_area_s_target_and_section_are_edited_within_the_rules(client_as, users, validated):
    framework = validated.framework
    transparency = Section.objects.get(framework=framework, code="P-TRANSPARENCY")
    openness = Section.objects.get(framework=framework, code="P-OPENNESS")
    area = services.area_create(actor=users["focal"], assessment=validated, section=transparency, target_score=D("0.7"))
    url = reverse("assessments:area_edit", kwargs={"pk": area.pk})
    focal = client_as("focal")
    assert focal.get(url).status_code == 200
    # Transparency scores (2 x 0.25 + 2 x 0.5 + 0.5 + 0) / 6 = 0.333: a target of 0.3 is below it.
    low = focal.post(url, {"version": area.version, "section": transparency.pk, "target_score": "0.3", "priority": 1})
    assert low.status_code == 200 and "above the section&#x27;s score (0.333)" in low.content.decode()
    area.refresh_from_db()
    assert area.target_score == D("0.7") and area.version == 1
    moved = focal.post(
        url, {"version": area.version, "section": openness.pk, "target_score": "0.95", "priority": 2, "note": "N"}
    )
    assert moved.status_code == 302
    area.refresh_from_db()
    assert (area.section, area.target_score, area.priority, area.version) == (openness, D("0.95"), 2, 2)
    # A section already chosen cannot be chosen twice.
    services.area_create(actor=users["focal"], assessment=validated, section=transparency, target_score=D("0.5"))
    with pytest.raises(ValidationError, match="already"):
        services.area_update(actor=users["focal"], area=area, version=area.version, section=transparency)
    # Others do not see the plan.
    assert client_as("viewer").get(url).status_code == 404


def test_deleting_an_area_takes_its_actions_with_it_and_audits_each(client_as, users, validated):
    section = Section.objects.get(framework=validated.framework, code="P-TRANSPARENCY")
    area = services.area_create(actor=users["focal"], assessment=validated, section=section, target_score=D("0.7"))
    kept = services.action_create(
        actor=users["focal"], area=area, description="Publish the programme",
        link="https://jalon.example.org/fr/twinning/5/",
    )  # fmt: skip
    services.action_create(
        actor=users["focal"],
        area=area,
        description="Read the guide",
        link="https://jalon.example.org/en/knowledge/library/3/",
    )
    # The plan names what each link opens when it is a page of jalon (a link copied in French, read in English).
    plan = client_as("focal").get(validated.get_absolute_url()).content.decode()
    assert ">twinning arrangement</a>" in plan and ">resource</a>" in plan
    dropped = services.action_create(actor=users["focal"], area=area, description="Dropped idea")
    focal = client_as("focal")
    action_url = reverse("assessments:action_delete", kwargs={"pk": dropped.pk})
    assert focal.get(action_url).status_code == 200
    assert focal.post(action_url).status_code == 302
    assert dropped not in area.actions.all() and kept in area.actions.all()
    assert deleted(ImprovementAction, dropped.pk)
    area_url = reverse("assessments:area_delete", kwargs={"pk": area.pk})
    assert client_as("contributor").post(area_url).status_code == 403
    assert ImprovementArea.objects.filter(pk=area.pk).exists()
    focal = client_as("focal")
    assert focal.post(area_url).status_code == 302
    assert not ImprovementArea.objects.filter(pk=area.pk).exists()
    assert deleted(ImprovementArea, area.pk) and deleted(ImprovementAction, kept.pk)


# Maturity bands --------------------------------------------------------------------------------------------


def band_rows(*bands) -> dict:
    data = {}
    for number, (low, code, fr, en) in enumerate(bands):
        data.update({f"band{number}-min": low, f"band{number}-code": code, f"band{number}-fr": fr,
                     f"band{number}-en": en})  # fmt: skip
    return data


def test_the_team_sets_a_bank_s_bands_and_every_score_reads_them(client_as, users, validated):
    framework = validated.framework
    url = reverse("assessments:bands_edit", kwargs={"code": framework.code, "version": framework.version})
    assert client_as("focal").get(url).status_code == 403
    team = client_as("manager")
    page = team.get(url)
    assert page.status_code == 200 and b'name="band6-code"' in page.content and b"<script" not in page.content
    version = framework.bands_version
    # Out of order: refused, saying why.
    refused = team.post(
        url, {"version": version, **band_rows(("0", "A", "Bas", "Low"), ("0.6", "C", "Haut", "High"),
                                              ("0.4", "B", "Moyen", "Middle"))},
    )  # fmt: skip
    assert refused.status_code == 200 and "do not overlap" in refused.content.decode()
    # Two bands starting at the same score overlap; a first band above 0 leaves scores without a band.
    for rows, message in (
        (band_rows(("0", "A", "Bas", "Low"), ("0.5", "B", "Moyen", "Middle"), ("0.5", "C", "Haut", "High")), "overlap"),
        (band_rows(("0.1", "A", "Bas", "Low"), ("0.5", "B", "Haut", "High")), "start at 0"),
        (band_rows(("0", "A", "", "Low")), "French and in English"),
    ):
        response = team.post(url, {"version": version, **rows})
        assert response.status_code == 200 and message in response.content.decode(), message
    framework.refresh_from_db()
    assert framework.bands_version == version and len(framework.bands) == 4
    saved = team.post(url, {"version": version, **band_rows(("0", "A", "Bas", "Low"), ("0.7", "B", "Haut", "High"))})
    assert saved.status_code == 302
    framework.refresh_from_db()
    assert framework.bands == [
        {"min": "0", "code": "A", "label": {"en": "Low", "fr": "Bas"}},
        {"min": "0.7", "code": "B", "label": {"en": "High", "fr": "Haut"}},
    ]
    assert framework.bands_version == version + 1 and framework.version == 1  # the bank's version stays
    validated.framework = framework
    overall = scoring.compute(validated)
    assert overall.band["code"] == ("B" if overall.score >= D("0.7") else "A")
    transparency = overall.by_code()["P-TRANSPARENCY"]
    assert transparency.score == D("0.333") and transparency.band["code"] == "A"
    # The form from before the change is refused.
    with pytest.raises(ConflictError):
        services.framework_bands_update(
            actor=users["manager"], framework=framework, version=version, bands=[{"min": "0", "code": "X",
                                                                                  "label": {"en": "X", "fr": "X"}}]
        )  # fmt: skip
    assert AuditEntry.objects.filter(model="assessments.framework", action=AuditEntry.Action.UPDATE).count() == 1


# Survey questions ------------------------------------------------------------------------------------------


@pytest.fixture
def draft_survey(db, nsb):
    programme = Programme.objects.create(
        code="ilo-edit", owner=nsb, title={"en": "ILO"}, start_date=datetime.date(2025, 1, 1),
        end_date=datetime.date(2026, 12, 31),
    )  # fmt: skip
    return services.survey_create(
        actor=None, programme=programme, code="dwcp-edit", title={"en": "DWCP", "fr": "PPTD"},
        population=Survey.Population.DWCP, year=2025, anonymous=True, threshold=D("0.7"), minimum_n=1,
    )  # fmt: skip


def test_survey_questions_are_added_edited_and_deleted_on_a_draft(client_as, users, draft_survey):
    team = client_as("manager")
    create = reverse("assessments:survey_question_create", kwargs={"code": draft_survey.code})
    response = team.post(
        create, {"code": "voice", "text_fr": "Votre voix compte-t-elle ?", "text_en": "Does your voice count?",
                 "scale": "agree6", "order": 0, "counts": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    voice = draft_survey.questions.get(code="voice")
    assert (voice.scale, voice.dont_know, voice.counts) == ("agree6", False, True)
    duplicate = team.post(create, {"code": "voice", "text_fr": "x", "text_en": "x", "scale": "likert5", "order": 1})
    assert duplicate.status_code == 200 and "Another question" in duplicate.content.decode()
    edit = reverse("assessments:survey_question_edit", kwargs={"code": draft_survey.code, "pk": voice.pk})
    assert team.post(
        edit, {"version": voice.version, "code": "voice", "text_fr": "Votre voix", "text_en": "Your voice",
               "scale": "likert5", "dont_know": "on", "order": 5},
    ).status_code == 302  # fmt: skip
    voice.refresh_from_db()
    assert (voice.scale, voice.dont_know, voice.counts, voice.order, voice.version) == ("likert5", True, False, 5, 2)
    satisfaction = draft_survey.questions.get(code="satisfaction")
    delete = reverse("assessments:survey_question_delete", kwargs={"code": draft_survey.code, "pk": satisfaction.pk})
    assert team.get(delete).status_code == 200
    assert team.post(delete).status_code == 302
    assert list(draft_survey.questions.values_list("code", flat=True)) == ["voice"]
    assert deleted(SurveyQuestion, satisfaction.pk)
    # "voice" no longer counts: the survey cannot be opened without a question that does.
    with pytest.raises(ValidationError, match="counts"):
        services.survey_set_status(actor=users["manager"], survey=draft_survey, status=Survey.Status.OPEN)
    services.survey_question_update(actor=users["manager"], question=voice, version=voice.version, counts=True)
    services.survey_set_status(actor=users["manager"], survey=draft_survey, status=Survey.Status.OPEN)
    # Once open, questions stay as they are.
    assert team.get(edit).status_code == 403 and team.get(create).status_code == 403
    assert client_as("focal").get(edit).status_code in (403, 404)


def test_a_question_without_don_t_know_is_offered_and_exported_without_it(client, users, draft_survey):
    question = draft_survey.questions.get()
    services.survey_question_update(actor=users["manager"], question=question, version=1, dont_know=False)
    services.survey_question_create(
        actor=users["manager"], survey=draft_survey, code="context", text={"en": "Role", "fr": "Rôle"},
        scale="agree6", counts=False, order=1,
    )  # fmt: skip
    data = xlsform.survey_to_xlsform(draft_survey)
    xlsform.xlsform_validate(data)  # pyxform accepts it
    book = load_workbook(io.BytesIO(data))
    types = [row[0] for row in book["survey"].iter_rows(values_only=True)]
    choices = {row[0]: [] for row in book["choices"].iter_rows(values_only=True)}
    for row in book["choices"].iter_rows(values_only=True):
        choices[row[0]].append(row[1])
    assert "select_one likert5_nodk" in types and choices["likert5_nodk"] == ["1", "2", "3", "4", "5"]
    # And it comes back as it left: without "don't know", and the question that does not count still does not.
    assert xlsform.xlsform_import(actor=users["manager"], survey=draft_survey, data=data) == 2
    assert list(draft_survey.questions.values_list("code", "dont_know", "counts")) == [
        ("satisfaction", False, True), ("context", True, False)
    ]  # fmt: skip
    draft_survey.questions.filter(code="context").delete()
    services.survey_set_status(actor=users["manager"], survey=draft_survey, status=Survey.Status.OPEN)
    invitation = Invitation.objects.create(
        survey=draft_survey, token="edit-token", email="a@example.org", unit_code="SEN", group="government"
    )
    page = client.get(reverse("assessments:survey_answer", kwargs={"token": invitation.token}))
    assert page.status_code == 200 and b'value="dk"' not in page.content
    question = draft_survey.questions.get()
    with pytest.raises(ValidationError):
        services.response_submit(invitation=invitation, answers={question.pk: "dk"})
    services.response_submit(invitation=invitation, answers={question.pk: "4"})
    assert SurveyAnswer.objects.get(question=question).value == 4


def test_zero_scores_and_changes_show_as_numbers_not_as_missing(client_as, users, banks, nsb, validated):
    v1, _v2 = banks
    codes = all_codes(v1, "largely")
    codes.update({"TR-1": "ad-hoc", "TR-2": "partly", "TR-3": "partly", "TR-4": "no"})
    later = answer(actor=users["focal"], assessment=open_assessment(users["focal"], nsb, v1, year=2024), codes=codes)
    services.assessment_step(actor=users["focal"], assessment=later, step="submit")
    validate(users["manager"], later)
    page = client_as("focal").get(reverse("assessments:compare", kwargs={"pk": later.pk})).content.decode()
    # TR-4 answered "no" (0) both times: before 0, after 0, change 0 (not "—", which means "no answer").
    row = next(line for line in page.split("<tr>") if "TR-4 " in line)
    assert row.count("<td>0.000</td>") + row.count("<td>0</td>") >= 2 and "—" not in row.split("</td>", 2)[2]


def test_the_portfolio_table_matches_sections_by_code_under_the_newest_bank(client_as, users, validated):
    from jalon.assessments import selectors
    from jalon.assessments.models import Framework

    newest = Framework.objects.create(code="gsp", version=3, title={"en": "GSP v3", "fr": "BPN v3"})
    Section.objects.create(framework=newest, code="P-OPENNESS", title={"en": "Openness"}, order=1)
    Section.objects.create(framework=newest, code="NEW-SECTION", title={"en": "New"}, order=2)
    [(assessment, cells, _scores)] = selectors.portfolio(users["manager"]).table()
    assert assessment == validated and [cell.code if cell else None for cell in cells] == ["P-OPENNESS", None]
    page = client_as("manager").get(reverse("assessments:portfolio")).content.decode()
    assert page.count('<th scope="col" title="') == 2


def test_an_action_s_owner_is_found_by_name_among_the_assessed_member_s_people(client_as, users, validated, nsb):
    from jalon.organisations.models import Organisation, Person

    section = Section.objects.get(framework=validated.framework, code="P-TRANSPARENCY")
    area = services.area_create(actor=users["focal"], assessment=validated, section=section, target_score=D("0.7"))
    owner = Person.objects.create(given_name="Aïssatou", family_name="Ba", organisation=nsb)
    Person.objects.create(given_name="Jo", family_name="Otieno", organisation=Organisation.objects.get(acronym="KEBS"))
    focal = client_as("focal")
    url = reverse("assessments:action_create", kwargs={"area": area.pk})
    response = focal.post(url, {"description": "Publish", "status": "planned", "owner": "Jo Otieno"})
    assert response.status_code == 200 and response.context["form"].errors["owner"]
    assert focal.post(url, {"description": "Publish", "status": "planned", "owner": "ba aissatou"}).status_code == 302
    action = ImprovementAction.objects.get()
    assert action.owner == owner
    page = focal.get(reverse("assessments:action_edit", kwargs={"pk": action.pk})).content.decode()
    assert f'<option value="{owner.pk}" selected>Aïssatou Ba (ASN)</option>' in page
