"""The measurement workflow, through the services and the pages: report with evidence, approve or return
with a note, edit and resubmit, edit conflicts, and what counts towards progress."""

from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import ConflictError
from jalon.results import services
from jalon.results.models import Indicator, Measure, Measurement
from jalon.results.progress import Status
from jalon.results.selectors import programme_progress
from tests.results.conftest import fr, indicator_build, messages_of

APPROVALS = "/fr/programmes/approvals/"
CONFLICT = (
    "Someone else changed this record while you were editing it. Reload the page to see their changes, "
    "then apply yours again: nothing was saved."
)


def report_url(demo, indicator) -> str:
    return f"/fr/programmes/{demo.programme.code}/indicators/{indicator.pk}/report/"


def indicator_url(demo, indicator) -> str:
    return f"/fr/programmes/{demo.programme.code}/indicators/{indicator.pk}/"


def review_url(measurement) -> str:
    return f"/fr/programmes/measurements/{measurement.pk}/review/"


def edit_url(measurement) -> str:
    return f"/fr/programmes/measurements/{measurement.pk}/edit/"


def submitted(demo, users, nsb, *, value="25", indicator=None, period=None, user="focal") -> Measurement:
    return services.measurement_create(
        actor=users[user],
        indicator=indicator or demo.indicators["D1"],
        period=period or demo.current,
        submit=True,
        organisation=nsb,
        value=D(value),
    )


def api_progress(client, demo) -> dict:
    response = client.get(f"/api/v1/programmes/{demo.programme.code}/progress/")
    assert response.status_code == 200
    return {row["indicator"]: row for row in response.json()}


def error_fields(exc: ValidationError) -> dict:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


# Report, approve, see progress move ------------------------------------------------------------------------


def test_a_focal_point_reports_a_value_with_an_evidence_file(demo, users, nsb, client_as, media_root):
    indicator = demo.indicators["D1"]
    client = client_as("focal")
    assert client.get(report_url(demo, indicator)).status_code == 200
    evidence = SimpleUploadedFile("rapport-2026.pdf", b"%PDF-1.4 rapport annuel", content_type="application/pdf")
    response = client.post(
        report_url(demo, indicator),
        {
            "period": demo.current.pk,
            "organisation": nsb.pk,
            "value": "25",
            "comment": "Rapport annuel",
            "evidence": evidence,
            "submit_now": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == indicator_url(demo, indicator)
    measurement = Measurement.objects.get(indicator=indicator)
    assert (measurement.period, measurement.organisation, measurement.value, measurement.comment) == (
        demo.current,
        nsb,
        D(25),
        "Rapport annuel",
    )
    assert (measurement.status, measurement.author, measurement.version) == ("submitted", users["focal"], 1)
    assert measurement.evidence.name.startswith("evidence/") and measurement.evidence.name.endswith(".pdf")
    assert (media_root / measurement.evidence.name).read_bytes() == b"%PDF-1.4 rapport annuel"
    assert messages_of(response) == [fr("Value recorded.")]
    # Served back only through the access-checked view, as a download that no browser renders as a page.
    page = client.get(indicator_url(demo, indicator)).content.decode()
    evidence_url = f"/fr/programmes/measurements/{measurement.pk}/evidence/"
    assert evidence_url in page and "/media/" not in page
    served = client.get(evidence_url)
    assert b"".join(served.streaming_content) == b"%PDF-1.4 rapport annuel"
    assert served["Content-Type"] == "application/pdf" and served["X-Content-Type-Options"] == "nosniff"
    assert served["Content-Disposition"].startswith("attachment") and "sandbox" in served["Content-Security-Policy"]
    assert served["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize("handoff", ["nginx", "apache"])
def test_behind_a_proxy_the_checked_view_hands_the_file_to_the_proxy(
    demo, users, nsb, client_as, media_root, settings, handoff
):
    """JALON_FILE_HANDOFF: jalon checks access, then names the file for nginx (X-Accel-Redirect to an internal
    location) or Apache (X-Sendfile); it sends no bytes, and someone refused gets no header at all."""
    settings.JALON_FILE_HANDOFF = handoff
    measurement = services.measurement_create(
        actor=users["focal"], indicator=demo.indicators["D1"], period=demo.current, organisation=nsb, value=D(25),
        evidence=SimpleUploadedFile("rapport annuel.pdf", b"%PDF-1.4 rapport"),
    )  # fmt: skip
    url = f"/fr/programmes/measurements/{measurement.pk}/evidence/"
    served = client_as("focal").get(url)
    assert served.status_code == 200 and served.content == b""
    assert served["Content-Type"] == "application/pdf" and served["Cache-Control"] == "private, no-store"
    assert served["Content-Disposition"].startswith("attachment")
    if handoff == "nginx":
        assert served["X-Accel-Redirect"] == "/protected/" + measurement.evidence.name.replace(" ", "%20")
    else:
        assert served["X-Sendfile"] == measurement.evidence.path
    refused = client_as(None).get(url)
    assert refused.status_code in (302, 404) and "X-Accel-Redirect" not in refused and "X-Sendfile" not in refused


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("page.html", b"<html><script>alert(1)</script></html>", "cannot be attached"),
        ("drawing.svg", b"<svg onload='alert(1)'/>", "cannot be attached"),
        ("report.pdf", b"  <!DOCTYPE html><html><body>not a PDF</body></html>", "web page"),
        ("huge.pdf", b"%PDF-1.4" + b"0" * 2048, "too large"),
    ],
)
def test_evidence_that_a_browser_would_run_or_too_large_is_refused_with_a_message(
    demo, users, nsb, client_as, media_root, settings, english, name, content, problem
):
    settings.JALON_UPLOAD_MAX_BYTES = 2000
    indicator = demo.indicators["D1"]
    response = client_as("focal").post(
        report_url(demo, indicator).replace("/fr/", "/en/"),
        {
            "period": demo.current.pk,
            "organisation": nsb.pk,
            "value": "25",
            "evidence": SimpleUploadedFile(name, content),
        },
    )
    assert response.status_code == 200
    assert problem in " ".join(response.context["form"].errors["evidence"])
    assert not Measurement.objects.filter(indicator=indicator).exists()


def test_a_submitted_value_waits_in_the_managers_approval_queue(demo, users, nsb, client_as):
    measurement = submitted(demo, users, nsb)
    services.measurement_create(
        actor=users["focal"], indicator=demo.indicators["D1"], period=demo.past, organisation=nsb, value=D(12)
    )  # a draft: not waiting
    response = client_as("manager").get(APPROVALS)
    assert response.status_code == 200
    assert list(response.context["measurements"]) == [measurement]
    assert f'action="{review_url(measurement)}"' in response.content.decode()


def test_approving_a_value_moves_the_progress_on_the_page_and_in_the_api(demo, users, nsb, client_as):
    measurement = submitted(demo, users, nsb)
    client = client_as("manager")
    before = api_progress(client, demo)["D1"]
    assert (before["actual"], before["progress"], before["status"]) == (None, None, "no_data")

    response = client.post(review_url(measurement), {"decision": "approve", "version": 1, "next": APPROVALS})
    assert response.status_code == 302 and response["Location"] == APPROVALS
    assert messages_of(response) == [fr("Value approved.")]
    measurement.refresh_from_db()
    assert (measurement.status, measurement.reviewer, measurement.version) == ("approved", users["manager"], 2)

    after = api_progress(client_as(None), demo)["D1"]
    assert (after["baseline"], after["actual"], after["progress"], after["status"]) == (
        "10.0000",
        "25.0000",
        "0.7500",
        "at_risk",
    )
    past, current, future = after["periods"]
    assert (past["actual"], past["status"]) == (None, "no_data")
    assert (current["target"], current["actual"], current["progress"], current["status"]) == (
        "30.0000",
        "25.0000",
        "0.7500",
        "at_risk",
    )
    assert future["status"] == "not_started"

    page = client_as(None).get(f"/fr/programmes/{demo.programme.code}/")
    assert page.status_code == 200
    row = next(item for item in page.context["rows"] if item.result == demo.result).indicators[0]
    assert (row.latest.period, row.latest.actual, row.status) == (demo.current, D(25), Status.AT_RISK)
    html = page.content.decode()
    assert "25 / 30 <small>(En cours)</small>" in html
    assert 'class="status s-at_risk"' in html


def test_a_period_without_its_own_report_has_no_actual_and_the_headline_is_the_latest_report(demo, users, nsb):
    services.measurement_review(actor=users["manager"], measurement=submitted(demo, users, nsb), approve=True)
    item = programme_progress(programme=demo.programme).indicators[demo.indicators["D1"].pk]
    assert [(cell.actual, cell.status) for cell in item.cells] == [
        (None, Status.NO_DATA),
        (D(25), Status.AT_RISK),
        (None, Status.NOT_STARTED),
    ]
    assert (item.latest.period, item.actual, item.progress, item.status) == (
        demo.current,
        D(25),
        D("0.75"),
        Status.AT_RISK,
    )


def test_returning_a_value_without_a_note_is_refused_with_a_message(demo, users, nsb, client_as):
    measurement = submitted(demo, users, nsb)
    response = client_as("manager").post(review_url(measurement), {"decision": "return", "note": "  ", "version": 1})
    assert response.status_code == 302
    assert messages_of(response) == [fr("Say what needs fixing when you return a value.")]
    measurement.refresh_from_db()
    assert (measurement.status, measurement.review_note, measurement.version) == ("submitted", "", 1)


def test_a_returned_value_goes_back_to_its_author_who_edits_and_resubmits_it(demo, users, nsb, client_as):
    measurement = submitted(demo, users, nsb)
    response = client_as("manager").post(
        review_url(measurement), {"decision": "return", "note": "Joindre le rapport signé.", "version": 1}
    )
    assert messages_of(response) == [fr("Value returned to its author.")]
    measurement.refresh_from_db()
    assert (measurement.status, measurement.review_note, measurement.version) == (
        "returned",
        "Joindre le rapport signé.",
        2,
    )

    client = client_as("focal")
    page = client.get(edit_url(measurement))
    assert page.status_code == 200
    assert "Joindre le rapport signé." in page.content.decode()
    response = client.post(
        edit_url(measurement),
        {
            "organisation": nsb.pk,
            "value": "28",
            "version": 2,
            "submit_now": "on",
            "evidence_url": "https://example.org/rapport-signe.pdf",
        },
    )
    assert response.status_code == 302
    measurement.refresh_from_db()
    assert (measurement.status, measurement.value, measurement.evidence_url, measurement.version) == (
        "submitted",
        D(28),
        "https://example.org/rapport-signe.pdf",
        3,
    )
    assert measurement.period == demo.current
    assert list(client_as("manager").get(APPROVALS).context["measurements"]) == [measurement]


def test_a_second_save_from_a_stale_page_gets_the_conflict_message_and_loses_nothing(demo, users, nsb, client_as):
    measurement = services.measurement_create(
        actor=users["focal"], indicator=demo.indicators["D1"], period=demo.current, organisation=nsb, value=D(20)
    )
    assert client_as("contributor").get(edit_url(measurement)).context["form"]["version"].value() == 1
    first = client_as("focal").post(edit_url(measurement), {"organisation": nsb.pk, "value": "26", "version": 1})
    assert first.status_code == 302

    second = client_as("contributor").post(edit_url(measurement), {"organisation": nsb.pk, "value": "27", "version": 1})
    assert second.status_code == 200
    assert second.context["form"].non_field_errors() == [fr(CONFLICT)]
    assert second.context["form"]["value"].value() == "27"  # the second editor's entry is still on screen
    measurement.refresh_from_db()
    assert (measurement.value, measurement.version, measurement.status) == (D(26), 2, "draft")
    assert AuditEntry.objects.filter(model="results.measurement", object_id=str(measurement.pk)).count() == 2


def test_the_service_refuses_a_stale_version(demo, users, nsb):
    measurement = submitted(demo, users, nsb)
    services.measurement_update(actor=users["manager"], measurement=measurement, version=1, value=D(26))
    with pytest.raises(ConflictError):
        services.measurement_update(actor=users["contributor"], measurement=measurement, version=1, value=D(27))
    with pytest.raises(ConflictError):
        services.measurement_review(actor=users["manager"], measurement=measurement, approve=True, version=1)
    measurement.refresh_from_db()
    assert (measurement.value, measurement.version, measurement.status) == (D(26), 2, "submitted")


# What counts -----------------------------------------------------------------------------------------------


def test_only_approved_values_count(demo, users, nsb, other_nsb):
    indicator = indicator_build(demo, "D2", milestones=(None, "20"), baseline_value=D(0))
    manager = users["manager"]
    services.measurement_create(
        actor=users["focal"], indicator=indicator, period=demo.current, organisation=nsb, value=D(100)
    )
    submitted(demo, users, nsb, value="200", indicator=indicator)
    returned = submitted(demo, users, nsb, value="300", indicator=indicator)
    services.measurement_review(actor=manager, measurement=returned, approve=False, note="Doublon")

    def current_actual():
        return programme_progress(programme=demo.programme).indicators[indicator.pk].cells[1].actual

    assert current_actual() is None
    for organisation, value in ((nsb, "5"), (other_nsb, "7")):
        services.measurement_review(
            actor=manager,
            approve=True,
            measurement=submitted(demo, users, organisation, value=value, indicator=indicator, user="manager"),
        )
    assert current_actual() == D(12)


def test_changing_an_approved_value_keeps_it_counted_until_the_amendment_is_approved(demo, users, nsb):
    measurement = submitted(demo, users, nsb)
    services.measurement_review(actor=users["manager"], measurement=measurement, approve=True)
    amendment = services.measurement_update(actor=users["manager"], measurement=measurement, value=D(29))
    measurement.refresh_from_db()
    assert (measurement.status, measurement.value) == ("approved", D(25))
    assert (amendment.status, amendment.value, amendment.amends_id) == ("submitted", D(29), measurement.pk)

    def counted():
        return programme_progress(programme=demo.programme).indicators[demo.indicators["D1"].pk].actual

    assert counted() == D(25)
    services.measurement_review(actor=users["manager"], measurement=amendment, approve=False, note="Preuve ?")
    assert counted() == D(25)
    with pytest.raises(ValidationError):  # one amendment at a time: the returned one is changed instead
        services.measurement_update(actor=users["manager"], measurement=measurement, value=D(30))
    services.measurement_update(actor=users["manager"], measurement=amendment, value=D(28), submit=True)
    services.measurement_review(actor=users["manager"], measurement=amendment, approve=True)
    assert counted() == D(28)
    measurement.refresh_from_db()
    assert measurement.status == "superseded"  # the history keeps both


def test_a_computed_indicator_cannot_be_typed_in(demo, users, nsb, client_as):
    indicator = indicator_build(demo, "C1", source=Indicator.Source.COMPUTED, computation="participants_trained")
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.measurement_create(
            actor=users["focal"], indicator=indicator, period=demo.current, organisation=nsb, value=D(3)
        )
    assert refused.value.messages == ["This indicator is computed from operational records: it cannot be typed in."]

    client = client_as("focal")
    assert client.get(report_url(demo, indicator)).status_code == 403
    assert (
        client.post(
            report_url(demo, indicator),
            {"period": demo.current.pk, "organisation": nsb.pk, "value": "3", "submit_now": "on"},
        ).status_code
        == 403
    )
    assert report_url(demo, indicator) not in client.get(indicator_url(demo, indicator)).content.decode()
    assert (
        report_url(demo, demo.indicators["D1"])
        in client.get(indicator_url(demo, demo.indicators["D1"])).content.decode()
    )
    assert not Measurement.objects.filter(indicator=indicator).exists()

    computed = services.measurement_create(
        actor=None, indicator=indicator, period=demo.current, computed=True, value=D(3)
    )
    assert (computed.computed, computed.value) == (True, D(3))


@pytest.mark.parametrize("given", [{"numerator": D(1)}, {"denominator": D(4)}, {"numerator": D(1), "value": D(25)}])
def test_a_percentage_needs_its_numerator_and_denominator_together(demo, users, nsb, given):
    indicator = indicator_build(demo, "P1", measure=Measure.PERCENTAGE)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.measurement_create(
            actor=users["focal"], indicator=indicator, period=demo.current, organisation=nsb, **given
        )
    assert error_fields(refused.value) == {"denominator": ["Give both the numerator and the denominator."]}


def test_a_percentage_is_computed_from_its_numerator_and_denominator(demo, users, nsb):
    indicator = indicator_build(demo, "P1", measure=Measure.PERCENTAGE)
    two_thirds = services.measurement_create(
        actor=users["focal"],
        indicator=indicator,
        period=demo.current,
        organisation=nsb,
        numerator=D(2),
        denominator=D(3),
    )
    agreeing = services.measurement_create(
        actor=users["focal"],
        indicator=indicator,
        period=demo.current,
        organisation=nsb,
        numerator=D(1),
        denominator=D(4),
        value=D(25),
    )
    two_thirds.refresh_from_db()
    agreeing.refresh_from_db()
    assert (two_thirds.value, agreeing.value) == (D("66.6667"), D(25))


def test_a_percentage_needs_a_positive_denominator(demo, users, nsb):
    indicator = indicator_build(demo, "P1", measure=Measure.PERCENTAGE)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.measurement_create(
            actor=users["focal"],
            indicator=indicator,
            period=demo.current,
            organisation=nsb,
            numerator=D(1),
            denominator=D(0),
        )
    assert error_fields(refused.value) == {"denominator": ["The denominator must be greater than zero."]}


def test_the_report_page_refuses_a_numerator_without_denominator(demo, users, nsb, client_as):
    indicator = indicator_build(demo, "P1", measure=Measure.PERCENTAGE)
    response = client_as("focal").post(
        report_url(demo, indicator),
        {"period": demo.current.pk, "organisation": nsb.pk, "numerator": "3", "submit_now": "on"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["denominator"] == [fr("Give both the numerator and the denominator.")]
    assert not Measurement.objects.filter(indicator=indicator).exists()


def test_percentages_reported_by_several_organisations_are_pooled_not_averaged(demo, users, nsb, other_nsb):
    indicator = indicator_build(demo, "P1", measure=Measure.PERCENTAGE, milestones=(None, "80"))
    for organisation, numerator, denominator in ((nsb, 1, 2), (other_nsb, 3, 4)):
        measurement = services.measurement_create(
            actor=users["manager"],
            indicator=indicator,
            period=demo.current,
            organisation=organisation,
            numerator=D(numerator),
            denominator=D(denominator),
            submit=True,
        )
        services.measurement_review(actor=users["manager"], measurement=measurement, approve=True)
    actual = programme_progress(programme=demo.programme).indicators[indicator.pk].cells[1].actual
    assert actual.quantize(D("0.01")) == D("66.67")


@pytest.mark.parametrize("text", ["", "   "])
def test_a_qualitative_value_needs_text(demo, users, nsb, text):
    indicator = indicator_build(demo, "Q1", measure=Measure.QUALITATIVE)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.measurement_create(
            actor=users["focal"], indicator=indicator, period=demo.current, organisation=nsb, text=text
        )
    assert error_fields(refused.value) == {"text": ["Describe the result: this indicator is qualitative."]}


def test_a_qualitative_value_is_its_text(demo, users, nsb):
    indicator = indicator_build(demo, "Q1", measure=Measure.QUALITATIVE)
    measurement = services.measurement_create(
        actor=users["focal"],
        indicator=indicator,
        period=demo.current,
        organisation=nsb,
        text="Stratégie nationale adoptée.",
    )
    measurement.refresh_from_db()
    assert (measurement.text, measurement.value) == ("Stratégie nationale adoptée.", None)


def test_a_value_is_required_for_a_count(demo, users, nsb):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.measurement_create(
            actor=users["focal"], indicator=demo.indicators["D1"], period=demo.current, organisation=nsb
        )
    assert error_fields(refused.value) == {"value": ["Enter a value."]}


# Audit -----------------------------------------------------------------------------------------------------


def test_every_change_to_a_measurement_is_in_the_audit_log(demo, users, nsb):
    measurement = submitted(demo, users, nsb)
    services.measurement_review(actor=users["manager"], measurement=measurement, approve=False, note="Source ?")
    services.measurement_update(actor=users["focal"], measurement=measurement, version=2, value=D(27), submit=True)
    services.measurement_review(actor=users["manager"], measurement=measurement, approve=True, version=3)
    entries = AuditEntry.objects.filter(model="results.measurement", object_id=str(measurement.pk)).order_by("id")
    assert [
        (e.action, e.actor_name, e.before and e.before["status"], e.after["status"], D(e.after["value"]))
        for e in entries
    ] == [
        ("create", "focal", None, "submitted", D(25)),
        ("update", "manager", "submitted", "returned", D(25)),
        ("update", "focal", "returned", "submitted", D(27)),
        ("update", "manager", "submitted", "approved", D(27)),
    ]
    assert [e.after["version"] for e in entries] == [1, 2, 3, 4]
    assert entries[1].after["review_note"] == "Source ?"


# Evidence and redirects on the pages -----------------------------------------------------------------------


def evidenced(demo, users, nsb, name="preuve.pdf") -> Measurement:
    return services.measurement_create(
        actor=users["focal"],
        indicator=demo.indicators["D1"],
        period=demo.current,
        organisation=nsb,
        value=D(20),
        evidence=SimpleUploadedFile(name, b"%PDF-1.4 preuve", content_type="application/pdf"),
    )


def test_editing_without_a_new_file_keeps_the_evidence(demo, users, nsb, client_as):
    measurement = evidenced(demo, users, nsb)
    name = measurement.evidence.name
    response = client_as("focal").post(edit_url(measurement), {"organisation": nsb.pk, "value": "21", "version": 1})
    assert response.status_code == 302
    measurement.refresh_from_db()
    assert (measurement.value, measurement.evidence.name) == (D(21), name)


def test_clearing_the_evidence_file_on_the_edit_page_removes_it(demo, users, nsb, client_as):
    measurement = evidenced(demo, users, nsb)
    response = client_as("focal").post(
        edit_url(measurement), {"organisation": nsb.pk, "value": "21", "version": 1, "evidence-clear": "on"}
    )
    assert response.status_code == 302
    measurement.refresh_from_db()
    assert (measurement.value, measurement.evidence.name) == (D(21), "")


def test_replacing_the_evidence_file_on_the_edit_page_stores_the_new_one(demo, users, nsb, client_as, media_root):
    measurement = evidenced(demo, users, nsb)
    response = client_as("focal").post(
        edit_url(measurement),
        {
            "organisation": nsb.pk,
            "value": "21",
            "version": 1,
            "evidence": SimpleUploadedFile("nouvelle.pdf", b"%PDF-1.4 nouvelle", content_type="application/pdf"),
        },
    )
    assert response.status_code == 302
    measurement.refresh_from_db()
    assert measurement.evidence.name.endswith("nouvelle.pdf")
    assert (media_root / measurement.evidence.name).read_bytes() == b"%PDF-1.4 nouvelle"


@pytest.mark.parametrize("next_url", ["https://evil.example/phish", "//evil.example/phish"])
def test_a_review_never_sends_the_manager_to_another_site(demo, users, nsb, client_as, next_url):
    measurement = submitted(demo, users, nsb)
    response = client_as("manager").post(
        review_url(measurement), {"decision": "approve", "version": 1, "next": next_url}
    )
    assert response.status_code == 302
    assert response["Location"] == indicator_url(demo, demo.indicators["D1"])
    measurement.refresh_from_db()
    assert measurement.status == "approved"


def test_a_review_without_a_decision_is_refused_with_a_message(demo, users, nsb, client_as):
    measurement = submitted(demo, users, nsb)
    response = client_as("manager").post(review_url(measurement), {"version": 1})
    assert response.status_code == 302
    assert messages_of(response) == [fr("Choose approve or return.")]
    measurement.refresh_from_db()
    assert measurement.status == "submitted"


def test_a_review_from_a_stale_page_is_refused_with_the_conflict_message(demo, users, nsb, client_as):
    measurement = submitted(demo, users, nsb)
    services.measurement_update(actor=users["manager"], measurement=measurement, version=1, value=D(26))
    response = client_as("manager").post(review_url(measurement), {"decision": "approve", "version": 1})
    assert messages_of(response) == [fr(CONFLICT)]
    measurement.refresh_from_db()
    assert (measurement.status, measurement.value) == ("submitted", D(26))


# Validation of where a value belongs -----------------------------------------------------------------------


def test_a_value_cannot_be_reported_for_another_programmes_period(demo, users, nsb, sdo):
    from tests.results.conftest import programme_build

    other = programme_build(code="other", owner=sdo)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.measurement_create(
            actor=users["focal"], indicator=demo.indicators["D1"], period=other.current, organisation=nsb, value=D(1)
        )
    assert error_fields(refused.value) == {"period": ["This period belongs to another programme."]}


def test_a_value_cannot_use_a_disaggregation_its_indicator_does_not_have(demo, users, nsb):
    from jalon.results.models import Dimension, DimensionValue

    sex = Dimension.objects.create(programme=demo.programme, kind="sex", code="sex", name={"fr": "Sexe"})
    women = DimensionValue.objects.create(dimension=sex, code="f", name={"fr": "Femmes"})
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.measurement_create(
            actor=users["focal"],
            indicator=demo.indicators["D1"],
            period=demo.current,
            organisation=nsb,
            value=D(1),
            dimension_value=women,
        )
    assert error_fields(refused.value) == {"dimension_value": ["This indicator is not disaggregated that way."]}


def test_a_percentage_numerator_cannot_be_negative(demo, users, nsb):
    indicator = indicator_build(demo, "P1", measure=Measure.PERCENTAGE)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.measurement_create(
            actor=users["focal"],
            indicator=indicator,
            period=demo.current,
            organisation=nsb,
            numerator=D(-1),
            denominator=D(4),
        )
    assert error_fields(refused.value) == {"numerator": ["The numerator cannot be negative."]}


# Disaggregations -------------------------------------------------------------------------------------------


@pytest.fixture
def by_sex(demo):
    from jalon.results.models import Dimension, DimensionValue

    sex = Dimension.objects.create(programme=demo.programme, kind="sex", code="sex", name={"fr": "Sexe", "en": "Sex"})
    values = {
        code: DimensionValue.objects.create(dimension=sex, code=code, name={"fr": code}, order=n)
        for n, code in enumerate(("f", "m"))
    }
    indicator = indicator_build(demo, "S1", milestones=(None, "100"), baseline_value=D(0), cumulation="cumulative")
    indicator.dimensions.add(sex)
    return indicator, values


def approved(demo, users, organisation, indicator, value, dimension_value=None, period=None):
    measurement = services.measurement_create(
        actor=users["manager"],
        indicator=indicator,
        period=period or demo.current,
        organisation=organisation,
        value=D(value),
        dimension_value=dimension_value,
        submit=True,
    )
    return services.measurement_review(actor=users["manager"], measurement=measurement, approve=True)


def test_a_period_reported_only_by_sex_counts_the_sum_of_its_breakdown(demo, users, nsb, by_sex):
    indicator, values = by_sex
    approved(demo, users, nsb, indicator, "30", values["f"])
    approved(demo, users, nsb, indicator, "45", values["m"])
    item = programme_progress(programme=demo.programme).indicators[indicator.pk]
    assert (item.cells[1].actual, item.cells[1].progress, item.cells[1].status) == (D(75), D("0.75"), Status.AT_RISK)


def test_a_reported_total_wins_over_its_breakdown(demo, users, nsb, by_sex):
    indicator, values = by_sex
    approved(demo, users, nsb, indicator, "30", values["f"])
    approved(demo, users, nsb, indicator, "90")
    assert programme_progress(programme=demo.programme).indicators[indicator.pk].cells[1].actual == D(90)


def test_the_indicator_page_shows_the_breakdown_by_sex_with_running_totals_for_reported_periods(
    demo, users, nsb, by_sex, client_as
):
    indicator, values = by_sex
    approved(demo, users, nsb, indicator, "10", values["f"], period=demo.past)
    approved(demo, users, nsb, indicator, "30", values["f"])
    approved(demo, users, nsb, indicator, "45", values["m"])
    page = client_as(None).get(indicator_url(demo, indicator))
    (table,) = page.context["breakdown"]
    assert [(line["value"].code, line["actuals"]) for line in table["lines"]] == [
        ("f", [D(10), D(40), None]),
        ("m", [None, D(45), None]),
    ]
    cells = page.context["progress"].cells
    assert [cell.actual for cell in cells] == [D(10), D(85), None]


# Workflow edges --------------------------------------------------------------------------------------------


def test_a_draft_is_submitted_and_an_approved_value_cannot_be_submitted_again(demo, users, nsb):
    draft = services.measurement_create(
        actor=users["focal"], indicator=demo.indicators["D1"], period=demo.current, organisation=nsb, value=D(21)
    )
    services.measurement_submit(actor=users["focal"], measurement=draft, version=1)
    draft.refresh_from_db()
    assert (draft.status, draft.version, draft.submitted_at is not None) == ("submitted", 2, True)
    services.measurement_review(actor=users["manager"], measurement=draft, approve=True, version=2)
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        services.measurement_submit(actor=users["focal"], measurement=draft)
    assert refused.value.messages == ["Only a draft or a returned value can be submitted."]


def test_an_approved_value_cannot_be_reviewed_again(demo, users, nsb, client_as):
    measurement = submitted(demo, users, nsb)
    services.measurement_review(actor=users["manager"], measurement=measurement, approve=True)
    response = client_as("manager").post(review_url(measurement), {"decision": "return", "note": "Non", "version": 2})
    assert messages_of(response) == [fr("Only a submitted value can be approved or returned.")]
    measurement.refresh_from_db()
    assert (measurement.status, measurement.version) == ("approved", 2)


def test_a_qualitative_value_is_reported_as_text_on_the_page(demo, nsb, client_as):
    indicator = indicator_build(demo, "Q1", measure=Measure.QUALITATIVE)
    client = client_as("focal")
    form = client.get(report_url(demo, indicator)).context["form"]
    assert ("text" in form.fields, "value" in form.fields, "numerator" in form.fields) == (True, False, False)
    response = client.post(
        report_url(demo, indicator),
        {"period": demo.current.pk, "organisation": nsb.pk, "text": "Stratégie adoptée.", "submit_now": "on"},
    )
    assert response.status_code == 302
    assert list(Measurement.objects.values_list("text", "value", "status")) == [
        ("Stratégie adoptée.", None, "submitted")
    ]


# The programme page's filters ------------------------------------------------------------------------------


def test_the_programme_page_filters_by_status_and_level(demo, users, nsb, client_as):
    from jalon.results.models import Level, Result

    output = Level.objects.create(
        programme=demo.programme, key="output", name={"fr": "Réalisation"}, iati_result_type=1, order=1
    )
    child = Result.objects.create(
        programme=demo.programme, level=output, parent=demo.result, code="R1.1", title={"fr": "Réalisation un"}, order=2
    )
    indicator_build(demo, "O1", result=child, milestones=(None, "10"), baseline_value=D(0))
    services.measurement_review(actor=users["manager"], measurement=submitted(demo, users, nsb), approve=True)
    client = client_as(None)

    def shown(query: str) -> list[tuple]:
        rows = client.get(f"/fr/programmes/demo/{query}").context["rows"]
        return [(row.result.code, row.depth, [item.indicator.code for item in row.indicators]) for row in rows]

    assert shown("") == [("R1", 0, ["D1"]), ("R1.1", 1, ["O1"])]
    assert shown("?status=at_risk") == [("R1", 0, ["D1"])]
    assert shown("?status=no_data") == [("R1.1", 1, ["O1"])]
    assert shown("?level=output") == [("R1.1", 1, ["O1"])]
    assert shown("?level=output&status=at_risk") == []
    # An invalid filter is ignored: the whole tree, as cached for the page without filters.
    nonsense = client.get("/fr/programmes/demo/?status=nonsense")
    assert nonsense.context["tree"] == client.get("/fr/programmes/demo/").context["tree"]
    assert "R1.1 ·" in nonsense.context["tree"] and ">D1 " in nonsense.context["tree"]
