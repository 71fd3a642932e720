"""A reporting round on a results framework (issue 12, section 3): a value's comment thread with e-mails to
the people concerned (absolute addresses), narratives per indicator and period on the pages and in the
exports, period generation, targets by disaggregation value, indicator pages folded by period, assumptions
in the exports, and computed-value notes in the page's language."""

import csv
import datetime
import io
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from openpyxl import load_workbook

from jalon.results import services
from jalon.results.models import Dimension, Indicator, Measurement, MeasurementComment, Narrative, Programme
from tests.results.conftest import fr

pytestmark = pytest.mark.django_db

SITE = "https://jalon.example.org"


@pytest.fixture
def mailed(users, settings):
    settings.SITE_URL = SITE
    for name in ("focal", "manager", "contributor"):
        users[name].email = f"{name}@example.org"
        users[name].save()
    return users


def submitted(demo, users, nsb, value="25"):
    return services.measurement_create(
        actor=users["focal"], indicator=demo.indicators["D1"], period=demo.current, organisation=nsb,
        value=D(value), submit=True,
    )  # fmt: skip


# Comment threads -------------------------------------------------------------------------------------------


def test_a_comment_thread_tells_the_others_concerned_by_mail_with_an_absolute_address(
    demo, nsb, mailed, client_as, django_capture_on_commit_callbacks
):
    value = submitted(demo, mailed, nsb)
    with django_capture_on_commit_callbacks(execute=True):
        services.measurement_review(actor=mailed["manager"], measurement=value, approve=False, note="Preuve ?")
    (returned,) = mail.outbox
    path = f"/programmes/demo/indicators/{demo.indicators['D1'].pk}/#m{value.pk}"
    assert f"{SITE}/" in returned.body and path in returned.body  # the site's address, never a bare path

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.measurement_comment_add(actor=mailed["focal"], measurement=value, body="La liste signée suffit ?")
    (to_reviewer,) = mail.outbox
    assert to_reviewer.to == ["manager@example.org"]
    assert "La liste signée suffit ?" in to_reviewer.body and f"{SITE}/" in to_reviewer.body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.measurement_comment_add(actor=mailed["manager"], measurement=value, body="Oui.")
    assert [m.to for m in mail.outbox] == [["focal@example.org"]]  # the author, not the writer

    inbox = client_as("focal").get("/en/").context["inbox"]
    assert inbox.comments_count == 1 and inbox.comments[0].body == "Oui."
    page = client_as("focal").get(f"/en/programmes/measurements/{value.pk}/comments/")
    assert [c.body for c in page.context["comments"]] == ["La liste signée suffit ?", "Oui."]
    indicator_page = client_as("focal").get(f"/en{path.split('#')[0]}").content.decode()
    assert f'href="/en/programmes/measurements/{value.pk}/comments/">2 comments' in indicator_page


def test_a_comment_is_refused_to_those_not_concerned_and_when_empty(demo, users, nsb, client_as):
    value = submitted(demo, users, nsb)
    with pytest.raises(ValidationError):
        services.measurement_comment_add(actor=users["plain"], measurement=value, body="Hello")
    with pytest.raises(ValidationError) as refused:
        services.measurement_comment_add(actor=users["focal"], measurement=value, body="   ")
    assert "body" in refused.value.message_dict
    response = client_as("focal").post(f"/fr/programmes/measurements/{value.pk}/comments/", {"body": " "})
    assert response.status_code == 200 and response.context["form"].errors
    too_long = client_as("focal").post(
        f"/en/programmes/measurements/{value.pk}/comments/", {"body": "x" * (services.COMMENT_MAX_LENGTH + 1)}
    )
    assert too_long.status_code == 200 and too_long.context["form"].errors
    assert not MeasurementComment.objects.exists()


def test_a_thread_is_for_those_concerned_not_the_public(demo, users, nsb, client_as):
    value = submitted(demo, users, nsb)
    services.measurement_review(actor=users["manager"], measurement=value, approve=True)
    services.measurement_comment_add(actor=users["manager"], measurement=value, body="Merci, Awa Ndiaye")
    url = f"/en/programmes/measurements/{value.pk}/comments/"
    assert client_as("plain").get(url).status_code == 403
    assert client_as(None).get(url).status_code == 302  # to the login page
    indicator_page = f"/en/programmes/demo/indicators/{demo.indicators['D1'].pk}/"
    assert url not in client_as(None).get(indicator_page).content.decode()  # the value shows, not its thread
    assert url in client_as("contributor").get(indicator_page).content.decode()  # a reporter of its organisation


def test_the_review_mail_links_to_the_value_with_the_sites_address(
    demo, nsb, mailed, django_capture_on_commit_callbacks
):
    value = submitted(demo, mailed, nsb)
    with django_capture_on_commit_callbacks(execute=True):
        services.measurement_review(actor=mailed["manager"], measurement=value, approve=True)
    (sent,) = mail.outbox
    assert f"{SITE}/" in sent.body and f"#m{value.pk}" in sent.body


# Narratives --------------------------------------------------------------------------------------------------


def test_narratives_show_on_the_indicator_page_the_tracking_table_and_its_exports(demo, users, nsb, client_as):
    indicator = demo.indicators["D1"]
    client = client_as("manager")
    before = client.get("/en/programmes/demo/tracking.csv")  # cached: the narrative must show all the same
    assert before.status_code == 200
    services.narrative_save(
        actor=users["focal"],
        indicator=indicator,
        period=demo.current,
        achieved={"fr": "Deux ateliers tenus.", "en": "Two workshops held."},
        variance={"en": "One workshop was postponed."},
        next_steps={},
    )
    page = client.get(f"/en/programmes/demo/indicators/{indicator.pk}/").content.decode()
    assert "Two workshops held." in page and "One workshop was postponed." in page
    assert "Deux ateliers tenus." in client.get(f"/fr/programmes/demo/indicators/{indicator.pk}/").content.decode()
    assert "Two workshops held." in client.get("/en/programmes/demo/tracking/").content.decode()

    rows = list(csv.reader(io.StringIO(client.get("/en/programmes/demo/tracking.csv").content.decode("utf-8-sig"))))
    by_name = dict(zip(rows[0], next(r for r in rows if r[2] == "D1"), strict=True))
    assert by_name["En cours · Narrative"] == (
        "What happened: Two workshops held.\nWhy it differs from the milestone: One workshop was postponed."
    )
    assert by_name["Passée · Narrative"] == ""
    sheet = load_workbook(io.BytesIO(client.get("/en/programmes/demo/tracking.xlsx").content)).worksheets[0]
    header = [cell.value for cell in next(r for r in sheet.iter_rows() if r[2].value == "Indicator")]
    line = next(r for r in sheet.iter_rows() if r[2].value == "D1")
    cell = line[header.index("En cours · Narrative")]
    assert cell.value.startswith("What happened: Two workshops held.") and cell.data_type == "s"

    # All texts emptied: the narrative is removed.
    services.narrative_save(actor=users["manager"], indicator=indicator, period=demo.current)
    assert not Narrative.objects.exists()


def test_a_narrative_is_written_from_its_page_by_reporters_only(demo, users, client_as):
    indicator = demo.indicators["D1"]
    url = f"/en/programmes/demo/indicators/{indicator.pk}/narratives/{demo.past.pk}/"
    response = client_as("focal").post(url, {"achieved_en": "Done", "achieved_fr": "Fait", "variance_en": ""})
    assert response.status_code == 302 and response["Location"].endswith(f"#p{demo.past.pk}")
    assert Narrative.objects.get().achieved == {"en": "Done", "fr": "Fait"}
    assert client_as("plain").post(url, {"achieved_en": "Mine"}).status_code == 403
    with pytest.raises(ValidationError):
        services.narrative_save(actor=users["viewer"], indicator=indicator, period=demo.past, achieved={"en": "x"})
    too_long = client_as("focal").post(url, {"achieved_en": "x" * 5001})
    assert too_long.status_code == 200 and too_long.context["form"].errors


# Assumptions in the exports --------------------------------------------------------------------------------


def test_assumptions_and_risks_are_in_the_csv_and_the_xlsx(demo, client_as):
    demo.result.assumptions = {"en": "=Ministries keep funding the NSB", "fr": "Les ministères financent"}
    demo.result.save()
    client = client_as(None)
    rows = list(csv.reader(io.StringIO(client.get("/en/programmes/demo/tracking.csv").content.decode("utf-8-sig"))))
    by_name = dict(zip(rows[0], next(r for r in rows if r[2] == "D1"), strict=True))
    assert by_name["Assumptions and risks"] == "'=Ministries keep funding the NSB"  # never a live formula
    sheet = load_workbook(io.BytesIO(client.get("/fr/programmes/demo/tracking.xlsx").content)).worksheets[0]
    header = [cell.value for cell in next(r for r in sheet.iter_rows() if r[2].value == fr("Indicator"))]
    line = next(r for r in sheet.iter_rows() if r[2].value == "D1")
    assert line[header.index(fr("Assumptions and risks"))].value == "Les ministères financent"


# Period generation -----------------------------------------------------------------------------------------


def programme_from_july(sdo) -> Programme:
    return Programme.objects.create(
        code="gen", owner=sdo, title={"en": "Generated"}, languages=["fr", "en"],
        start_date=datetime.date(2021, 7, 1), end_date=datetime.date(2023, 6, 30),
    )  # fmt: skip


def test_periods_are_generated_between_the_programmes_dates_without_duplicates(sdo, users):
    programme = programme_from_july(sdo)
    years = services.periods_generate(actor=users["manager"], programme=programme, frequency="year")
    assert [(p.code, p.start, p.end) for p in years.created] == [
        ("2021", datetime.date(2021, 7, 1), datetime.date(2021, 12, 31)),
        ("2022", datetime.date(2022, 1, 1), datetime.date(2022, 12, 31)),
        ("2023", datetime.date(2023, 1, 1), datetime.date(2023, 6, 30)),
    ]
    again = services.periods_generate(actor=users["manager"], programme=programme, frequency="year")
    assert (again.created, again.skipped) == ([], ["2021", "2022", "2023"])
    # Quarters overlap the years: none is created.
    assert services.periods_generate(actor=users["manager"], programme=programme, frequency="quarter").created == []
    assert programme.periods.count() == 3


def test_semesters_quarters_and_bienniums_are_named_in_each_language(sdo, users):
    programme = programme_from_july(sdo)
    semesters = services.periods_generate(actor=users["manager"], programme=programme, frequency="semester")
    assert [p.code for p in semesters.created] == ["2021-S2", "2022-S1", "2022-S2", "2023-S1"]
    assert semesters.created[0].name == {"fr": "S2 2021", "en": "H2 2021"}
    quarters = services.period_spans(programme, "quarter")
    assert [code for code, *_rest in quarters][:2] == ["2021-Q3", "2021-Q4"] and len(quarters) == 8
    assert quarters[0][1] == {"fr": "T3 2021", "en": "Q3 2021"}
    bienniums = services.period_spans(programme, "biennium")
    assert [(code, start, end) for code, _name, start, end in bienniums] == [
        ("2021-2022", datetime.date(2021, 7, 1), datetime.date(2022, 12, 31)),
        ("2023-2024", datetime.date(2023, 1, 1), datetime.date(2023, 6, 30)),
    ]


def test_period_generation_leaves_out_overlaps_and_refuses_others_and_bad_input(sdo, users, client_as):
    programme = programme_from_july(sdo)
    services.period_save(
        actor=users["manager"], programme=programme, code="first", name={}, start=datetime.date(2021, 7, 1),
        end=datetime.date(2022, 3, 31),
    )  # fmt: skip
    generated = services.periods_generate(actor=users["manager"], programme=programme, frequency="year")
    assert [p.code for p in generated.created] == ["2023"] and generated.skipped == ["2021", "2022"]
    with pytest.raises(ValidationError):
        services.periods_generate(actor=users["focal"], programme=programme, frequency="year")
    with pytest.raises(ValidationError):
        services.periods_generate(actor=users["manager"], programme=programme, frequency="decade")
    client = client_as("manager")
    response = client.post("/en/programmes/gen/periods/generate/", {"frequency": "decade"})
    assert response.status_code == 200 and response.context["form"].errors
    response = client.post("/fr/programmes/gen/periods/generate/", {"frequency": "semester"})
    assert response.status_code == 302  # only the second half of 2022 was free
    assert list(programme.periods.values_list("code", flat=True)) == ["first", "2022-S2", "2023"]


# Targets by disaggregation value ---------------------------------------------------------------------------


def sex_dimension(demo) -> Dimension:
    dimension = Dimension.objects.create(programme=demo.programme, kind="sex", code="sex", name={"en": "Sex"})
    dimension.values.create(code="f", name={"en": "Women", "fr": "Femmes"}, order=1)
    dimension.values.create(code="m", name={"en": "Men", "fr": "Hommes"}, order=2)
    demo.indicators["D1"].dimensions.add(dimension)
    return dimension


def test_targets_by_disaggregation_value_show_beside_the_actuals(demo, users, nsb, client_as):
    indicator = demo.indicators["D1"]
    women, men = sex_dimension(demo).values.all()
    services.disaggregated_targets_save(
        actor=users["manager"], indicator=indicator, targets={(demo.current.pk, women.pk): D(12)}
    )
    value = services.measurement_create(
        actor=users["focal"], indicator=indicator, period=demo.current, organisation=nsb,
        dimension_value=women, value=D(9), submit=True,
    )  # fmt: skip
    services.measurement_review(actor=users["manager"], measurement=value, approve=True)
    page = client_as(None).get(f"/en/programmes/demo/indicators/{indicator.pk}/")
    (table,) = page.context["breakdown"]
    cells = {line["value"].code: line["cells"] for line in table["lines"]}
    assert cells["f"][1] == (D(9), D(12)) and cells["m"][1] == (None, None)
    assert "9 <small>/ 12</small>" in page.content.decode()

    # From the page: changed, removed (an empty cell), refused when negative.
    client = client_as("manager")
    url = f"/en/programmes/demo/indicators/{indicator.pk}/targets-by-disaggregation/"
    field = f"t_{demo.current.pk}_{women.pk}"
    assert client.get(url).context["form"].initial[field] == D(12)
    assert client.post(url, {field: "-3"}).context["form"].errors
    assert client.post(url, {field: "15", f"t_{demo.past.pk}_{men.pk}": "4"}).status_code == 302
    assert services.disaggregated_targets_save(actor=users["manager"], indicator=indicator, targets={}) == 0
    from jalon.results.selectors import disaggregated_targets_of

    assert disaggregated_targets_of(indicator) == {(demo.current.pk, women.pk): D(15), (demo.past.pk, men.pk): D(4)}
    assert client.post(url, {field: "", f"t_{demo.past.pk}_{men.pk}": "4"}).status_code == 302  # the whole grid
    assert disaggregated_targets_of(indicator) == {(demo.past.pk, men.pk): D(4)}


def test_the_tracking_table_shows_targets_by_value_and_compares_a_filtered_value_with_its_own(
    demo, users, nsb, client_as
):
    indicator = demo.indicators["D1"]  # milestones 20, 30, 40 for the total
    women, men = sex_dimension(demo).values.all()
    services.disaggregated_targets_save(
        actor=users["manager"],
        indicator=indicator,
        targets={(demo.current.pk, women.pk): D(12), (demo.current.pk, men.pk): D("18.5")},
    )
    value = services.measurement_create(
        actor=users["focal"], indicator=indicator, period=demo.current, organisation=nsb,
        dimension_value=women, value=D(9), submit=True,
    )  # fmt: skip
    services.measurement_review(actor=users["manager"], measurement=value, approve=True)
    client = client_as(None)

    # Unfiltered: the total's milestones, each period's targets by value beside them (page, CSV, XLSX).
    page = client.get("/en/programmes/demo/tracking/")
    table = page.context["table"]
    (row,) = table.rows
    assert [cell.target for cell in row.cells] == [D(20), D(30), D(40)]
    assert "Women: 12; Men: 18.5" in page.content.decode()
    rows = list(csv.reader(io.StringIO(client.get("/en/programmes/demo/tracking.csv").content.decode("utf-8-sig"))))
    by_name = dict(zip(rows[0], rows[1], strict=True))
    assert by_name["En cours · Targets by disaggregation"] == "Women: 12; Men: 18.5"
    assert by_name["Passée · Targets by disaggregation"] == ""
    assert by_name["En cours · Milestone"] == "30"
    sheet = load_workbook(io.BytesIO(client.get("/en/programmes/demo/tracking.xlsx").content)).worksheets[0]
    header = [cell.value for cell in next(r for r in sheet.iter_rows() if r[2].value == "Indicator")]
    line = next(r for r in sheet.iter_rows() if r[2].value == "D1")
    cell = line[header.index("En cours · Targets by disaggregation")]
    assert cell.value == "Women: 12; Men: 18.5" and cell.data_type == "s"
    assert line[header.index("En cours · Milestone")].value == 30  # still a number

    # Filtered by women: the current period is compared with the women's target (12), the others, which have
    # none, with the milestone; the files say so in their header.
    filtered = client.get(f"/en/programmes/demo/tracking/?disaggregation={women.pk}")
    (row,) = filtered.context["table"].rows
    assert [cell.target for cell in row.cells] == [D(20), D(12), D(40)]
    assert row.cells[1].actual == D(9)
    assert "12 <small>(Women)</small>" in filtered.content.decode()
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(f"/en/programmes/demo/tracking.csv?disaggregation={women.pk}").content.decode("utf-8-sig")
            )
        )
    )
    by_name = dict(zip(rows[0], rows[1], strict=True))
    assert by_name["En cours · Target for Women, else the milestone"] == "12"
    assert by_name["Passée · Target for Women, else the milestone"] == "20"
    men_view = client.get(f"/en/programmes/demo/tracking/?disaggregation={men.pk}").context["table"]
    assert [cell.target for cell in men_view.rows[0].cells] == [D(20), D("18.5"), D(40)]
    # The whole population's overall target (40) is not the women's: none while some period has no target
    # for women, then the one derived from theirs (the latest mode: the last period's).
    assert table.rows[0].target == D(40)
    assert (row.target, row.overall_progress, row.overall_status) == (None, None, "no_data")
    services.disaggregated_targets_save(
        actor=users["manager"],
        indicator=indicator,
        targets={(demo.past.pk, women.pk): D(8), (demo.current.pk, women.pk): D(12), (demo.future.pk, women.pk): D(16)},
    )
    (row,) = client.get(f"/en/programmes/demo/tracking/?disaggregation={women.pk}").context["table"].rows
    assert [cell.target for cell in row.cells] == [D(8), D(12), D(16)]
    assert (row.target, row.target_derived) == (D(16), True)
    assert client.get("/en/programmes/demo/tracking/").context["table"].rows[0].target == D(40)


def test_a_target_is_refused_outside_the_indicators_disaggregations(demo, users):
    indicator = demo.indicators["D1"]
    other = Dimension.objects.create(programme=demo.programme, kind="custom", code="other", name={"en": "Other"})
    stray = other.values.create(code="x", name={"en": "X"})
    with pytest.raises(ValidationError):
        services.disaggregated_targets_save(
            actor=users["manager"], indicator=indicator, targets={(demo.current.pk, stray.pk): D(1)}
        )
    women = sex_dimension(demo).values.first()
    with pytest.raises(ValidationError):
        services.disaggregated_targets_save(
            actor=users["focal"], indicator=indicator, targets={(demo.current.pk, women.pk): D(1)}
        )


def test_taking_a_disaggregation_away_takes_its_targets_and_is_refused_once_values_were_reported_by_it(
    demo, users, nsb
):
    from jalon.accounts.models import AuditEntry
    from jalon.results.models import DisaggregatedTarget

    indicator = demo.indicators["D1"]
    women = sex_dimension(demo).values.first()
    services.disaggregated_targets_save(
        actor=users["manager"], indicator=indicator, targets={(demo.current.pk, women.pk): D(12)}
    )
    indicator.refresh_from_db()
    services.indicator_save(actor=users["manager"], result=indicator.result, indicator=indicator, dimensions=[])
    assert not DisaggregatedTarget.objects.filter(indicator=indicator).exists()
    assert AuditEntry.objects.filter(model="results.disaggregatedtarget", action=AuditEntry.Action.DELETE).exists()

    # With a value reported by sex, the disaggregation stays, and so does its target.
    sex = Dimension.objects.get(programme=demo.programme, code="sex")
    indicator.dimensions.add(sex)
    services.disaggregated_targets_save(
        actor=users["manager"], indicator=indicator, targets={(demo.current.pk, women.pk): D(12)}
    )
    services.measurement_create(
        actor=users["focal"], indicator=indicator, period=demo.current, organisation=nsb,
        dimension_value=women, value=D(9), submit=True,
    )  # fmt: skip
    with pytest.raises(ValidationError) as refused:
        services.indicator_save(actor=users["manager"], result=indicator.result, indicator=indicator, dimensions=[])
    assert "Sex" in str(refused.value.message_dict["dimensions"])
    assert list(indicator.dimensions.all()) == [sex]
    assert DisaggregatedTarget.objects.filter(indicator=indicator).count() == 1


# Long indicator pages --------------------------------------------------------------------------------------


def test_the_indicator_page_folds_its_values_by_period(demo, users, nsb, client_as):
    indicator = demo.indicators["D1"]
    old = services.measurement_create(
        actor=users["focal"], indicator=indicator, period=demo.past, organisation=nsb, value=D(5), submit=True
    )
    services.measurement_review(actor=users["manager"], measurement=old, approve=True)
    for value in ("6", "7"):
        approved = services.measurement_create(
            actor=users["focal"], indicator=indicator, period=demo.current, organisation=nsb, value=D(value),
            submit=True,
        )  # fmt: skip
        services.measurement_review(actor=users["manager"], measurement=approved, approve=True)
    page = client_as(None).get(f"/en/programmes/demo/indicators/{indicator.pk}/")
    groups = {group.period.code: group for group in page.context["groups"]}
    assert (len(groups["past"].measurements), groups["past"].open) == (1, False)  # folded
    assert (len(groups["current"].measurements), groups["current"].open) == (2, True)  # the latest, open
    html = page.content.decode()
    assert f'<details id="p{demo.past.pk}"><summary>' in html and f'<details id="p{demo.current.pk}" open>' in html
    # A value waiting for a decision opens its period, whatever its age.
    services.measurement_create(
        actor=users["focal"], indicator=indicator, period=demo.past, organisation=nsb, value=D(8), submit=True
    )
    groups = {g.period.code: g for g in client_as("manager").get(indicator.get_absolute_url()).context["groups"]}
    assert (groups["past"].waiting, groups["past"].open) == (1, True)


# Computed values ---------------------------------------------------------------------------------------------


def test_a_computed_values_note_follows_the_pages_language(demo, client_as):
    indicator = demo.indicators["D1"]
    Indicator.objects.filter(pk=indicator.pk).update(
        source=Indicator.Source.COMPUTED, computation="developing_members_by_region"
    )
    Measurement.objects.create(
        indicator=indicator, period=demo.current, value=D(3), computed=True, status=Measurement.Status.APPROVED,
        comment="Calculé : Membres en développement par région",  # stored by a refresh that ran in French
    )  # fmt: skip
    english = client_as(None).get(f"/en/programmes/demo/indicators/{indicator.pk}/").content.decode()
    assert "Calculé" not in english and "Computed:" in english
    french = client_as(None).get(f"/fr/programmes/demo/indicators/{indicator.pk}/").content.decode()
    assert fr("Computed:") in french


def test_the_inbox_costs_the_same_queries_whatever_the_number_of_comments(demo, users, nsb):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from jalon.results.selectors import measurement_inbox

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            inbox = measurement_inbox(user=users["focal"])
            assert inbox is not None
            [c.measurement.indicator.result.programme for c in inbox.comments]  # what the home page shows
        return len(captured)

    first = submitted(demo, users, nsb)
    services.measurement_comment_add(actor=users["manager"], measurement=first, body="Une question")
    few = queries()
    for value in ("26", "27", "28"):
        other = submitted(demo, users, nsb, value=value)
        for body in ("a", "b"):
            services.measurement_comment_add(actor=users["manager"], measurement=other, body=body)
    assert measurement_inbox(user=users["focal"]).comments_count == 7
    assert queries() == few == 6  # a reporter: no approval queue (a manager adds its two)


def test_deleting_a_period_records_the_narratives_and_targets_it_takes_along(demo, users):
    from jalon.accounts.models import AuditEntry

    indicator = demo.indicators["D1"]
    women = sex_dimension(demo).values.first()
    services.narrative_save(actor=users["manager"], indicator=indicator, period=demo.future, achieved={"en": "Plan"})
    services.disaggregated_targets_save(
        actor=users["manager"], indicator=indicator, targets={(demo.future.pk, women.pk): D(3)}
    )
    services.period_delete(actor=users["manager"], period=demo.future)
    deleted = set(AuditEntry.objects.filter(action=AuditEntry.Action.DELETE).values_list("model", flat=True))
    assert {"results.narrative", "results.disaggregatedtarget", "results.period"} <= deleted


def test_the_api_serves_a_computed_values_note_in_the_readers_language(demo, client_as):
    indicator = demo.indicators["D1"]
    Indicator.objects.filter(pk=indicator.pk).update(
        source=Indicator.Source.COMPUTED, computation="developing_members_by_region"
    )
    value = Measurement.objects.create(
        indicator=indicator, period=demo.current, value=D(3), computed=True, status=Measurement.Status.APPROVED,
        comment="Calculé : Membres en développement par région",
    )  # fmt: skip
    client = client_as(None)
    english = client.get(f"/api/v1/measurements/{value.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert english["comment"].startswith("Computed: ") and "Calculé" not in english["comment"]
