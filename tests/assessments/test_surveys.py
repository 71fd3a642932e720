"""Constituents' satisfaction surveys: rates per unit and group with minimum n and Wilson intervals, the
tripartite rule, ILO indicator 3.2 filling itself, personal links without login, reminders, and XLSForm
export (validated with pyxform) and import, with answers coming back as CSV."""

import datetime
import io
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from jalon.assessments import satisfaction, services, xlsform
from jalon.assessments.models import Invitation, Survey, SurveyAnswer, SurveyQuestion, SurveyResponse
from jalon.organisations.models import Organisation
from jalon.results.computations import indicator_link_computation
from jalon.results.models import Indicator, Level, Period, Programme, Result

D = Decimal


@pytest.fixture
def ilo(db):
    owner = Organisation.objects.create(name={"en": "International Labour Organization"}, acronym="ILO-T")
    programme = Programme.objects.create(
        code="ilo-test", owner=owner, title={"en": "ILO"}, start_date=datetime.date(2024, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )  # fmt: skip
    Period.objects.create(
        programme=programme, code="2024-25", name={"en": "2024-25"}, start=datetime.date(2024, 1, 1),
        end=datetime.date(2025, 12, 31),
    )  # fmt: skip
    return programme


@pytest.fixture
def survey(ilo):
    return services.survey_create(
        actor=None, programme=ilo, code="dwcp-2025", title={"en": "DWCP 2025", "fr": "PPTD 2025"},
        population=Survey.Population.DWCP, year=2025, anonymous=True, threshold=D("0.7"), minimum_n=5,
    )  # fmt: skip


def answers(survey, unit, group, values):
    question = survey.questions.get()
    for value in values:
        response = SurveyResponse.objects.create(survey=survey, unit_code=unit, unit_name=unit, group=group)
        SurveyAnswer.objects.create(
            response=response, question=question, value=None if value == "dk" else value, dont_know=value == "dk"
        )


@pytest.fixture
def answered(survey):
    # Senegal: government 7 of 8 in the top two (4 or 5), employers 5 of 6, workers 3 of 5: below 0.7.
    answers(survey, "SEN", "government", [5, 5, 4, 4, 4, 5, 4, 2, "dk", "dk"])
    answers(survey, "SEN", "employers", [5, 4, 4, 4, 5, 3])
    answers(survey, "SEN", "workers", [4, 4, 5, 2, 1])
    # Kenya: 4 of 5 in each group (0.8).
    for group in ("government", "employers", "workers"):
        answers(survey, "KEN", group, [5, 4, 4, 4, 1])
    # Ghana: workers have only 3 valid answers.
    for group in ("government", "employers"):
        answers(survey, "GHA", group, [5, 5, 5, 5, 5])
    answers(survey, "GHA", "workers", [5, 5, 5, "dk", "dk"])
    return survey


def test_rates_per_unit_and_group_with_minimum_n_and_wilson_intervals(answered):
    units = {unit.code: unit for unit in satisfaction.survey_results(answered)}
    government = units["SEN"].groups[0]
    # Two "don't know" left out: 7 / 8; Wilson 95 % for 7 of 8 is 0.529 to 0.978.
    assert (government.n, government.satisfied, government.rate) == (8, 7, D("0.875"))
    assert (government.low, government.high) == (D("0.529"), D("0.978"))
    workers = units["SEN"].groups[2]
    assert (workers.rate, workers.status) == (D("0.600"), "not_satisfied")
    # One group below the threshold: Senegal is not satisfied, whatever the others.
    assert units["SEN"].groups[1].status == "satisfied" and units["SEN"].status == "not_satisfied"
    assert units["KEN"].satisfied
    assert units["GHA"].groups[2].status == "insufficient" and units["GHA"].status == "insufficient"
    assert satisfaction.wilson(0, 5)[0] == 0 and satisfaction.wilson(5, 5)[1] == 1


def test_ilo_indicator_3_2_fills_itself_from_closed_surveys(ilo, answered, users):
    level = Level.objects.create(programme=ilo, key="outcome", name={"en": "Outcome"}, iati_result_type=2)
    result = Result.objects.create(programme=ilo, level=level, code="3", title={"en": "Outcome 3"})
    indicator = Indicator.objects.create(result=result, code="3.2", title={"en": "DWCPs with satisfied constituents"})
    indicator_link_computation(actor=users["manager"], indicator=indicator, key="assessments_ilo_dwcp_satisfied")
    assert not indicator.measurements.exists()  # the survey is still a draft: nothing yet
    services.survey_set_status(actor=None, survey=answered, status="open")
    services.survey_set_status(actor=None, survey=Survey.objects.get(pk=answered.pk), status="closed")
    indicator_link_computation(actor=users["manager"], indicator=indicator, key="assessments_ilo_dwcp_satisfied")
    total = indicator.measurements.get(dimension_value=None)
    assert total.value == 1  # Kenya only
    assert list(
        indicator.measurements.exclude(dimension_value=None).values_list("dimension_value__code", flat=True)
    ) == ["unit-KEN"]


def test_ilo_3_2_s_relative_target_resolves_once_the_baseline_year_s_survey_is_closed(ilo, answered, users):
    from jalon.results.progress import resolve_target

    level = Level.objects.create(programme=ilo, key="outcome", name={"en": "Outcome"}, iati_result_type=2)
    result = Result.objects.create(programme=ilo, level=level, code="3", title={"en": "Outcome 3"})
    # As in ILO's framework: the baseline "set in" a year (here 2024), the target 80 % above it.
    indicator = Indicator.objects.create(
        result=result, code="3.2", title={"en": "DWCPs"}, baseline_to_be_set_in=2024,
        target_relative_percent=D("80"),
    )  # fmt: skip
    indicator_link_computation(actor=users["manager"], indicator=indicator, key="assessments_ilo_dwcp_satisfied")
    indicator.refresh_from_db()
    assert indicator.baseline_value is None
    assert resolve_target(value=None, relative_percent=D("80"), baseline=indicator.baseline_value) == (None, True)
    # The survey of 2025 closes: not the baseline year, the baseline waits.
    services.survey_set_status(actor=None, survey=answered, status="open")
    services.survey_set_status(actor=None, survey=Survey.objects.get(pk=answered.pk), status="closed")
    indicator_link_computation(actor=users["manager"], indicator=indicator, key="assessments_ilo_dwcp_satisfied")
    indicator.refresh_from_db()
    assert indicator.baseline_value is None and indicator.baseline_to_be_set_in == 2024
    # A survey of 2024 (two units satisfied in every group) closes: it sets the baseline, the target resolves.
    baseline = services.survey_create(
        actor=None, programme=ilo, code="dwcp-2024", title={"en": "DWCP 2024"}, population=Survey.Population.DWCP,
        year=2024, anonymous=True, threshold=D("0.7"), minimum_n=5,
    )  # fmt: skip
    for unit in ("SEN", "MLI"):
        for group in ("government", "employers", "workers"):
            answers(baseline, unit, group, [5, 5, 4, 4, 4])
    services.survey_set_status(actor=None, survey=baseline, status="open")
    services.survey_set_status(actor=None, survey=Survey.objects.get(pk=baseline.pk), status="closed")
    indicator_link_computation(actor=users["manager"], indicator=indicator, key="assessments_ilo_dwcp_satisfied")
    indicator.refresh_from_db()
    assert (indicator.baseline_value, indicator.baseline_year, indicator.baseline_to_be_set_in) == (D("2"), 2024, None)
    assert resolve_target(value=None, relative_percent=D("80"), baseline=indicator.baseline_value) == (D("3.6"), False)


def test_personal_links_need_no_login_answer_once_and_keep_anonymity_and_reminders_go_to_the_rest(
    client, survey, english
):
    services.invitations_add(
        actor=None, survey=survey,
        lines="a@example.org; SEN; Sénégal; government\nb@example.org; SEN; Sénégal; workers\n",
    )  # fmt: skip
    with pytest.raises(ValidationError):
        services.invitations_add(actor=None, survey=survey, lines="not-an-email; SEN; S; government")
    services.survey_set_status(actor=None, survey=survey, status="open")
    survey.refresh_from_db()
    sent = services.invitations_send(actor=None, survey=survey, link_for=lambda i: f"http://testserver/s/{i.token}/")
    assert sent == 2 and len(mail.outbox) == 2
    first = Invitation.objects.get(email="a@example.org")
    assert first.token in mail.outbox[0].body or first.token in mail.outbox[1].body
    url = reverse("assessments:survey_answer", kwargs={"token": first.token})
    page = client.get(url)
    assert page.status_code == 200 and "Don&#x27;t know" in page.content.decode()
    question = survey.questions.get()
    assert client.post(url, {f"q{question.pk}": "5"}).status_code == 200
    response = SurveyResponse.objects.get()
    assert response.invitation is None and response.group == "government"  # anonymous: no link back
    client.post(url, {f"q{question.pk}": "1"})
    assert SurveyResponse.objects.count() == 1
    mail.outbox.clear()
    reminded = services.invitations_send(
        actor=None, survey=survey, reminder=True, link_for=lambda i: f"http://testserver/s/{i.token}/"
    )
    assert reminded == 1 and mail.outbox[0].to == ["b@example.org"]
    assert Invitation.objects.get(email="b@example.org").reminders == 1
    assert client.get(reverse("assessments:survey_answer", kwargs={"token": "nope"})).status_code == 404


def test_an_exported_xlsform_validates_with_pyxform_and_imports_back(survey):
    SurveyQuestion.objects.create(
        survey=survey, code="voice", text={"en": "My views were heard", "fr": "Mon avis a été entendu"}, scale="agree6",
        order=2,
    )  # fmt: skip
    Invitation.objects.create(survey=survey, token="t1", email="a@example.org", unit_code="SEN", group="workers")
    data = xlsform.survey_to_xlsform(survey)
    xform = convert(xlsform=io.BytesIO(data), file_type=".xlsx").xform
    assert "satisfaction" in xform and "voice" in xform and "Ne sait pas" in xform
    sheet = load_workbook(io.BytesIO(data))["survey"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [
        "select_one units", "select_one groups", "select_one likert5", "select_one agree6"
    ]  # fmt: skip
    other = services.survey_create(
        actor=None, programme=survey.programme, code="copy", title={"en": "Copy"}, population="dwcp", year=2025,
        anonymous=True, threshold=D("0.7"), minimum_n=5,
    )  # fmt: skip
    assert xlsform.xlsform_import(actor=None, survey=other, data=data) == 2
    assert list(other.questions.values_list("code", "scale")) == [("satisfaction", "likert5"), ("voice", "agree6")]
    assert other.questions.get(code="voice").text == {"en": "My views were heard", "fr": "Mon avis a été entendu"}
    with pytest.raises(ValidationError):
        xlsform.xlsform_import(actor=None, survey=other, data=b"not a workbook")


def test_answers_collected_offline_come_back_by_csv_all_or_nothing(survey, english):
    good = "unit,group,satisfaction\nSEN,government,5\nSEN,workers,dk\nKEN,employers,\n"
    assert xlsform.responses_import_csv(actor=None, survey=survey, data=good.encode()) == 3
    assert SurveyAnswer.objects.filter(dont_know=True).count() == 1
    bad = "unit,group,satisfaction\nSEN,government,9\nSEN,army,4\n"
    with pytest.raises(ValidationError) as refused:
        xlsform.responses_import_csv(actor=None, survey=survey, data=bad.encode())
    assert "Row 2" in str(refused.value) and "Row 3" in str(refused.value)
    assert SurveyResponse.objects.count() == 3


def test_results_are_aggregates_seen_by_the_public_only_once_closed(client_as, answered):
    url = reverse("assessments:survey_results", kwargs={"code": answered.code})
    assert client_as(None).get(url).status_code == 404
    assert client_as("manager").get(url).status_code == 200
    services.survey_set_status(actor=None, survey=answered, status="open")
    services.survey_set_status(actor=None, survey=Survey.objects.get(pk=answered.pk), status="closed")
    page = client_as(None).get(url).content.decode()
    assert "0,875" in page or "0.875" in page


def test_a_group_below_the_minimum_shows_its_count_of_answers_never_how_many_were_satisfied(client_as, survey):
    # One worker in Senegal answered 1, one employer 5: each group is below the minimum of 5 answers.
    answers(survey, "SEN", "workers", [1])
    answers(survey, "SEN", "employers", [5])
    services.survey_set_status(actor=None, survey=survey, status="open")
    services.survey_set_status(actor=None, survey=Survey.objects.get(pk=survey.pk), status="closed")
    answer = client_as(None).get(f"/api/v1/assessment-surveys/{survey.code}/results/")
    groups = {group["group"]: group for group in answer.json()[0]["groups"]}
    for group in ("workers", "employers"):
        assert groups[group]["n"] == 1 and groups[group]["status"] == "insufficient"
        assert groups[group]["satisfied"] is None and groups[group]["rate"] is None and groups[group]["low"] is None
    # Enough answers: the count is given with the rate.
    answers(survey, "KEN", "workers", [5, 4, 4, 4, 1])
    groups = {g["group"]: g for g in client_as(None).get(answer.request["PATH_INFO"]).json()[0]["groups"]}
    assert (groups["workers"]["n"], groups["workers"]["satisfied"]) == (5, 4)


def test_odd_codes_and_tokens_are_not_found_never_a_500(client_as, survey):
    for path in (
        "/fr/assessments/s/a%00b/",
        "/api/v1/assessment-surveys/a%00b/results/",
        "/fr/assessments/published/?bank=a%00b",
        "/api/v1/assessment-banks/published-aggregates/?code=a%00b",
    ):
        # A NUL character is refused before any view (jalon/web/nul_bytes.py).
        assert client_as("manager").get(path).status_code == 400, path
