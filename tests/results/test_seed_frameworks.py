"""The three seed frameworks ship as data and load with one command, exactly as the seeds print them.

The frameworks are loaded once for the module (`jalon load-frameworks`) inside a transaction that is rolled
back at the end; each test runs in its own savepoint inside it. Expected values are copied from the seed
files in /work/shared/seeds/, and where a count can be read off a seed, the seed is read as well."""

import copy
import json
import re
from datetime import date
from decimal import Decimal as D
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from jalon.accounts.models import AuditEntry
from jalon.organisations.models import Organisation
from jalon.results import selectors
from jalon.results.models import Indicator, Level, Milestone, Period, Programme, Result
from jalon.results.progress import Status
from jalon.results.services import FRAMEWORKS_DIR, framework_load

SEEDS = Path("/work/shared/seeds")
ISO, ITU, ILO = "iso-ap-2021-2025", "itu-res44", "ilo-tc-2010-2015"


def seed_lines(prefix: str) -> list[str]:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return path.read_text(encoding="utf-8").splitlines()


def seed_running_text(prefix: str) -> str:
    """The seed with its wrapped lines joined: spaces, tabs and line breaks collapse, non-breaking spaces stay."""
    return re.sub(r"[ \t\r\n]+", " ", "\n".join(seed_lines(prefix)))


@pytest.fixture(scope="module")
def first_run(django_db_setup, django_db_blocker):
    """The first `jalon load-frameworks` of the module: the audit entries and output it produced."""
    with django_db_blocker.unblock(), transaction.atomic():
        before = AuditEntry.objects.count()
        out = StringIO()
        call_command("load_frameworks", stdout=out)
        yield {"audit_entries": AuditEntry.objects.count() - before, "output": out.getvalue()}
        transaction.set_rollback(True)


@pytest.fixture
def loaded(first_run, db):
    return first_run


def programme(code: str) -> Programme:
    return Programme.objects.get(code=code)


def row_counts() -> dict[str, int]:
    return {
        model.__name__: model.objects.count()
        for model in (Organisation, Programme, Level, Period, Result, Indicator, Milestone, AuditEntry)
    }


# Loading ---------------------------------------------------------------------------------------------------


def test_the_first_load_records_every_created_row_in_the_audit_log(loaded):
    results = AuditEntry.objects.filter(model="results.result", action=AuditEntry.Action.CREATE)
    assert results.count() == Result.objects.count() == 23 + 26 + 3
    assert AuditEntry.objects.filter(model="results.milestone", action=AuditEntry.Action.CREATE).count() == 21
    assert loaded["output"].splitlines() == [
        f"{ISO}: 23 results loaded",
        f"{ITU}: 26 results loaded",
        f"{ILO}: 3 results loaded",
    ]


def test_loading_the_frameworks_again_changes_nothing(loaded):
    before = row_counts()
    call_command("load_frameworks", stdout=StringIO())
    call_command("load_frameworks", ILO, stdout=StringIO())
    assert row_counts() == before


def test_loading_a_changed_file_updates_the_row_in_place(loaded):
    spec = json.loads((FRAMEWORKS_DIR / f"{ILO}.json").read_text(encoding="utf-8"))
    changed = copy.deepcopy(spec)
    changed["results"][0]["indicators"][0]["milestones"][0]["value"] = "72"
    before = row_counts()
    framework_load(spec=changed)
    milestone = Milestone.objects.get(
        indicator__code="1.1", indicator__result__programme__code=ILO, period__code="2010-11"
    )
    assert milestone.value == D(72)
    updates = AuditEntry.objects.filter(action=AuditEntry.Action.UPDATE)
    assert [(entry.model, entry.object_id) for entry in updates] == [("results.milestone", str(milestone.pk))]
    assert (updates[0].before["value"], updates[0].after["value"]) == ("70.0000", "72.0000")
    assert row_counts() == before | {"AuditEntry": before["AuditEntry"] + 1}


def test_every_node_has_a_french_and_an_english_title(loaded):
    missing = []
    for item in Programme.objects.filter(code__in=[ISO, ITU, ILO]):
        texts = {f"{item.code} title": item.title}
        texts |= {f"{item.code} level {level.key}": level.name for level in item.levels.all()}
        texts |= {f"{item.code} period {period.code}": period.name for period in item.periods.all()}
        texts |= {f"{item.code} result {result.code}": result.title for result in item.results.all()}
        texts |= {
            f"{item.code} indicator {indicator.code}": indicator.title
            for indicator in Indicator.objects.filter(result__programme=item)
        }
        texts |= {f"{item.code} activity type {kind['code']}": kind["name"] for kind in item.activity_types}
        for listing in item.reference_lists:
            texts[f"{item.code} list {listing['code']}"] = listing["name"]
            texts |= {f"{item.code} list item {entry['code']}": entry["name"] for entry in listing["items"]}
        missing += [where for where, text in texts.items() if not (text.get("fr") and text.get("en"))]
    assert missing == []


# ILO: GB.306/TC/1 ------------------------------------------------------------------------------------------

ILO_OUTCOMES = {
    "1": "Les ressources extrabudgétaires de l’OIT et les ressources du CSBO sont alignées sur les résultats "
    "attendus du programme par pays de promotion du travail décent et sur ceux du programme et budget",
    "2": "Les programmes et projets de coopération technique répondent pleinement aux exigences de la gestion "
    "axée sur les résultats et aux critères de qualité fixés par l’OIT",
    "3": "Par le biais de la coopération technique, les mandants de l’OIT acquièrent la capacité technique et "
    "institutionnelle de participer efficacement à la planification du développement dans le cadre des "
    "programmes par pays de promotion du travail décent et dans le contexte des PNUAD et de la réforme du "
    "système des Nations Unies",
}

ILO_TITLES = {
    "1.1": "Pourcentage des déficits de ressources identifiés dans le plan de travail axé sur les résultats "
    "qui a été comblé",
    "1.2": "Contributions volontaires mobilisées dans le cadre du CSBO, accords de partenariat de qualité, fonds "
    "du programme «Unis dans l’action» ou soutien direct à des projets visant les résultats des "
    "programmes par pays de promotion du travail décent et du programme et budget (en pourcentage)",
    "2.1": "Pourcentage de propositions de coopération technique approuvées au moyen du mécanisme de contrôle "
    "de la qualité",
    "2.2": "Taux d’exécution (dépenses/allocations)",
    "3.1": "Nombre de PNUAD tenant compte des programmes par pays de promotion du travail décent et/ou "
    "d’autres priorités en matière de travail décent",
    "3.2": "Nombre de programmes par pays de promotion du travail décent dans lesquels les mandants sont "
    "satisfaits de leur participation",
    "3.3": "Nombre de PNUAD dans lesquels les mandants sont satisfaits de leur participation",
}

RESULTS_2008_09 = "Résultats de la coopération technique pour 2008-09"
FOOTNOTE = (
    "* Ces résultats seront communiqués à la commission lors de la 307e session (mars 2010) du Conseil "
    "d’administration."
)

# code -> (baseline value, year, to be set in, note), target (absolute value, relative percent), target note
ILO_BASELINES = {
    "1.1": (None, 2009, 2010, f"{RESULTS_2008_09} *\n{FOOTNOTE}"),
    "1.2": (None, 2009, 2010, f"{RESULTS_2008_09} *\n{FOOTNOTE}"),
    "2.1": (None, 2009, None, RESULTS_2008_09),
    "2.2": (None, 2009, None, RESULTS_2008_09),
    "3.1": (None, None, 2010, "Fixée en 2010"),
    "3.2": (None, None, 2010, "Fixée en 2010"),
    "3.3": (None, None, 2010, "Fixée en 2010"),
}
INCREASE = "pour cent d’augmentation par rapport à la base de référence"
ILO_TARGETS = {
    "1.1": (D(90), None, "90 pour cent"),
    "1.2": (D(80), None, "80 pour cent"),
    "2.1": (D(100), None, "100 pour cent"),
    "2.2": (D(90), None, "90 pour cent en tout"),
    "3.1": (None, D(50), f"50 {INCREASE}"),
    "3.2": (None, D(80), f"80 {INCREASE}"),
    "3.3": (None, D(40), f"40 {INCREASE}"),
}
# "Etapes à franchir pendant les périodes biennales": 2010-11, 2012-13, 2014-15
ILO_MILESTONES = {
    "1.1": ("70", "80", "90"),
    "1.2": ("60", "70", "80"),
    "2.1": ("75", "90", "100"),
    "2.2": ("75", "85", "90"),
    "3.1": ("+20", "+40", "+50"),
    "3.2": ("+30", "+60", "+80"),
    "3.3": ("+20", "+30", "+40"),
}
BIENNIUMS = ("2010-11", "2012-13", "2014-15")


def test_ilo_has_three_outcomes_with_their_titles_as_printed(loaded):
    ilo = programme(ILO)
    assert [(level.key, level.iati_result_type) for level in ilo.levels.all()] == [("outcome", 2)]
    results = ilo.results.order_by("order")
    assert {result.code: result.title["fr"] for result in results} == ILO_OUTCOMES
    assert [result.parent_id for result in results] == [None, None, None]


def test_ilo_has_indicators_1_1_to_3_3_under_their_outcomes(loaded):
    indicators = Indicator.objects.filter(result__programme__code=ILO).order_by("result__order", "order")
    assert [(i.result.code, i.code) for i in indicators] == [
        ("1", "1.1"),
        ("1", "1.2"),
        ("2", "2.1"),
        ("2", "2.2"),
        ("3", "3.1"),
        ("3", "3.2"),
        ("3", "3.3"),
    ]
    assert [(i.measure, i.direction, i.cumulation, i.is_demo) for i in indicators] == (
        [("percentage", "ascending", "latest", False)] * 4 + [("count", "ascending", "latest", False)] * 3
    )
    # The file names the computation of those the records fill (finance; the satisfaction surveys); 3.1 is typed.
    assert [(i.source, i.computation) for i in indicators] == [
        ("computed", "finance_gaps_filled"),
        ("computed", "finance_aligned_channels"),
        ("computed", "finance_proposals_appraised"),
        ("computed", "finance_delivery_rate"),
        ("manual", ""),
        ("computed", "assessments_ilo_dwcp_satisfied"),
        ("computed", "assessments_ilo_undaf_satisfied"),
    ]


def test_ilo_indicator_titles_are_the_seeds_french_text(loaded):
    titles = dict(Indicator.objects.filter(result__programme__code=ILO).values_list("code", "title__fr"))
    assert titles == ILO_TITLES
    text = seed_running_text("004")
    assert [code for code, title in ILO_TITLES.items() if f"{code}. {title}" not in text] == []


def test_ilo_baselines_are_as_printed_including_to_be_set_in_2010(loaded):
    indicators = Indicator.objects.filter(result__programme__code=ILO)
    assert {
        i.code: (i.baseline_value, i.baseline_year, i.baseline_to_be_set_in, i.baseline_note["fr"]) for i in indicators
    } == ILO_BASELINES


def test_ilo_targets_are_absolute_or_relative_to_the_baseline_as_printed(loaded):
    indicators = Indicator.objects.filter(result__programme__code=ILO)
    assert {i.code: (i.target_value, i.target_relative_percent, i.target_note["fr"]) for i in indicators} == ILO_TARGETS


def test_ilo_biennial_milestones_are_as_printed(loaded):
    assert list(programme(ILO).periods.values_list("code", "start", "end")) == [
        ("2010-11", date(2010, 1, 1), date(2011, 12, 31)),
        ("2012-13", date(2012, 1, 1), date(2013, 12, 31)),
        ("2014-15", date(2014, 1, 1), date(2015, 12, 31)),
    ]
    printed: dict[str, dict[str, str]] = {}
    for milestone in Milestone.objects.filter(indicator__result__programme__code=ILO).select_related(
        "indicator", "period"
    ):
        if milestone.relative_percent is not None:
            assert milestone.value is None
            as_printed = f"+{milestone.relative_percent.normalize():f}"
        else:
            as_printed = f"{milestone.value.normalize():f}"
        printed.setdefault(milestone.indicator.code, {})[milestone.period.code] = as_printed
    assert {code: tuple(by_period[period] for period in BIENNIUMS) for code, by_period in printed.items()} == (
        ILO_MILESTONES
    )
    assert {code: len(by_period) for code, by_period in printed.items()} == dict.fromkeys(ILO_MILESTONES, 3)


def test_ilo_milestone_notes_keep_the_printed_cell_text(loaded):
    notes = {
        (m.indicator.code, m.period.code): m.note["fr"]
        for m in Milestone.objects.filter(indicator__result__programme__code=ILO).select_related("indicator", "period")
    }
    assert notes[("2.1", "2010-11")] == "Evaluation: 75 pour cent"
    assert notes[("2.2", "2010-11")] == (
        "Exécution: 75 pour cent\nA la fin de 2011, un système de suivi de la mise "
        "en œuvre axé sur les résultats sera également mis en place"
    )
    assert notes[("3.2", "2012-13")] == "60 pour cent d’augmentation"
    assert notes[("1.1", "2014-15")] == "90 pour cent"


def test_ilo_table_1_has_every_printed_number(loaded):
    table = programme(ILO).tables["resources_by_outcome"]
    assert table["title"]["fr"] == (
        "Tableau 1. Coût estimé de la stratégie renforcée de coopération technique pour la période biennale"
    )
    assert table["currency"] == "USD"
    assert [(row["outcome"], row["values"]) for row in table["rows"]] == [
        ("1", {"resources_available": "3600000", "resources_available_percent": "30", "resource_gap": "0"}),
        ("2", {"resources_available": "3600000", "resources_available_percent": "30", "resource_gap": "0"}),
        ("3", {"resources_available": "4800000", "resources_available_percent": "40", "resource_gap": "1480000"}),
    ]
    assert [
        (row["cells"]["resources_available"]["fr"], row["cells"]["resource_gap"]["fr"]) for row in table["rows"]
    ] == [
        ("Environ 3 600 000 dollars E.-U. (30 pour cent)", "Aucun"),
        ("Environ 3 600 000 dollars E.-U. (30 pour cent)", "Aucun"),
        ("Environ 4 800 000 dollars E.-U. (40 pour cent)", "1 480 000 dollars E.-U."),
    ]
    # "il est admis dans cette ventilation que le Bureau dispose d’environ 12 millions de dollars E.-U."
    assert sum(D(row["values"]["resources_available"]) for row in table["rows"]) == D(12_000_000)
    assert sum(D(row["values"]["resources_available_percent"]) for row in table["rows"]) == D(100)
    assert sum(D(row["values"]["resource_gap"]) for row in table["rows"]) == D(1_480_000)
    text = seed_running_text("004")
    assert "environ 12 millions de dollars E.-U." in text
    cells = {row["cells"][key]["fr"] for row in table["rows"] for key in ("resources_available", "resource_gap")}
    assert [cell for cell in sorted(cells) if cell not in text] == []


def test_ilo_relative_targets_stay_pending_until_the_baseline_is_set(loaded):
    report = selectors.programme_progress(programme=programme(ILO))
    by_code = {item.indicator.code: item for item in report.indicators.values()}
    assert [(code, by_code[code].target_pending, by_code[code].status) for code in ("3.1", "3.2", "3.3")] == [
        ("3.1", True, Status.PENDING),
        ("3.2", True, Status.PENDING),
        ("3.3", True, Status.PENDING),
    ]
    assert [cell.pending for cell in by_code["3.1"].cells] == [True, True, True]
    assert (by_code["1.1"].target, by_code["1.1"].status) == (D(90), Status.NO_DATA)


def test_setting_an_ilo_baseline_resolves_its_relative_milestones(loaded):
    Indicator.objects.filter(result__programme__code=ILO, code="3.1").update(baseline_value=D(20))
    report = selectors.programme_progress(programme=programme(ILO))
    item = next(item for item in report.indicators.values() if item.indicator.code == "3.1")
    assert [(cell.target, cell.pending) for cell in item.cells] == [(D(24), False), (D(28), False), (D(30), False)]
    assert (item.target, item.target_pending, item.status) == (D(30), False, Status.NO_DATA)


def test_the_ilo_page_shows_the_indicators_and_table_1(loaded, client):
    response = client.get(f"/fr/programmes/{ILO}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "Tableau 1. Coût estimé de la stratégie renforcée de coopération technique" in content
    assert "Taux d’exécution (dépenses/allocations)" in content


def test_ilo_table_1_shows_as_printed_in_french_and_in_english(loaded, client):
    """Its own headers, its printed cells (an amount with its currency and share, "Aucun"), one line per main
    output; the share printed inside the amount's cell is not a column of its own (issue 12, section 4)."""
    table = client.get(f"/fr/programmes/{ILO}/").context["printed"]
    assert table.headers == [
        "Résultat",
        "Principaux résultats",
        "Estimation des ressources disponibles",
        "Déficit de ressources",
    ]
    outcome, outputs, cells = table.rows[0]
    assert outcome == "1" and len(outputs) == 3 and outputs[0] == "Mobilisation de ressources"
    assert cells == ["Environ 3 600 000 dollars E.-U. (30 pour cent)", "Aucun"]
    assert table.rows[2][2] == ["Environ 4 800 000 dollars E.-U. (40 pour cent)", "1 480 000 dollars E.-U."]
    content = client.get(f"/fr/programmes/{ILO}/").content.decode()
    assert "Mobilisation de ressources<br>Formation à la mobilisation" in content
    english = client.get(f"/en/programmes/{ILO}/").context["printed"]
    assert english.headers[:2] == ["Outcome", "Main outputs"]
    assert english.rows[0][2] == ["About US$3,600,000 (30 per cent)", "None"]


# ISO Action Plan 2021-2025 ---------------------------------------------------------------------------------


def iso_outputs_per_intermediate_outcome_in_the_seed() -> dict[str, int]:
    """Bullets under "Réalisations" in each "Résultat intermédiaire n :" section of the body."""
    counts: dict[str, int] = {}
    current = None
    for line in seed_lines("000"):
        heading = re.match(r"\s*Résultat intermédiaire (\d) :", line)
        if heading:
            current = f"IO{heading.group(1)}"
            counts[current] = 0
        elif line.strip().startswith("L’UNITÉ RENFORCEMENT"):
            current = None
        elif current and line.startswith("•"):
            counts[current] += 1
    return counts


def test_iso_levels_are_named_as_the_seed_names_them(loaded):
    assert [(level.key, level.name["fr"], level.iati_result_type) for level in programme(ISO).levels.all()] == [
        ("impact", "Impact", 3),
        ("outcome", "Résultat", 2),
        ("intermediate_outcome", "Résultat intermédiaire", 2),
        ("output", "Réalisation", 1),
    ]
    assert list(programme(ISO).periods.values_list("code", flat=True)) == ["2021", "2022", "2023", "2024", "2025"]


def test_iso_has_one_impact_two_outcomes_and_six_intermediate_outcomes(loaded):
    results = Result.objects.filter(programme__code=ISO).select_related("level", "parent").order_by("order")
    by_level = {}
    for result in results:
        by_level.setdefault(result.level.key, []).append(result)
    assert [(r.code, r.parent) for r in by_level["impact"]] == [("IMP", None)]
    assert [(r.code, r.parent.code) for r in by_level["outcome"]] == [("O1", "IMP"), ("O2", "IMP")]
    assert [(r.code, r.parent.code) for r in by_level["intermediate_outcome"]] == [
        (f"IO{n}", "IMP") for n in range(1, 7)
    ]
    assert by_level["outcome"][0].title["fr"] == (
        "Utilisation accrue des normes ISO et de leur adoption nationale dans les pays en développement pour "
        "soutenir les ODD des Nations Unies, en particulier ceux relatifs au commerce et au changement climatique."
    )


def test_iso_has_exactly_the_outputs_listed_under_each_intermediate_outcome(loaded):
    outputs = Result.objects.filter(programme__code=ISO, level__key="output").select_related("parent")
    per_parent: dict[str, list[str]] = {}
    for output in outputs.order_by("order"):
        per_parent.setdefault(output.parent.code, []).append(output.code)
    assert {code: len(codes) for code, codes in per_parent.items()} == {
        "IO1": 3,
        "IO2": 2,
        "IO3": 2,
        "IO4": 2,
        "IO5": 1,
        "IO6": 4,
    }
    assert {
        code: len(codes) for code, codes in per_parent.items()
    } == iso_outputs_per_intermediate_outcome_in_the_seed()
    assert per_parent["IO6"] == ["IO6.1", "IO6.2", "IO6.3", "IO6.4"]
    assert (
        outputs.get(code="IO2.1").title["fr"] == "Les connaissances et les compétences en matière de GSP sont acquises."
    )


def test_iso_result_titles_are_seed_text(loaded):
    text = seed_running_text("000")
    titles = Result.objects.filter(programme__code=ISO).values_list("code", "title__fr")
    assert [code for code, title in titles if title not in text] == []


def test_iso_has_no_indicators_because_the_seed_gives_none(loaded):
    assert Indicator.objects.filter(result__programme__code=ISO).count() == 0


def test_iso_demo_indicators_are_all_labelled_demo(loaded, users, nsb):
    from jalon.results.demo import DEMO_NOTE, demo_history_build

    demo_history_build(actor=users["manager"], reporter=users["focal"], organisation=nsb)
    indicators = Indicator.objects.filter(result__programme__code=ISO)
    assert sorted(indicators.values_list("code", "is_demo")) == [(f"D{n}", True) for n in range(1, 6)]
    assert {indicator.definition["fr"] for indicator in indicators} == {DEMO_NOTE["fr"]}
    # A reporting round to show: a narrative on the lagging indicator, parity targets by sex, a thread.
    from jalon.results.models import DisaggregatedTarget, MeasurementComment, Narrative

    assert list(Narrative.objects.values_list("indicator__code", flat=True)) == ["D4"]
    assert DisaggregatedTarget.objects.filter(indicator__result__programme__code=ISO).exists()
    assert MeasurementComment.objects.filter(measurement__indicator__code="D3").count() == 1
    assert not programme(ISO).is_demo


def test_iso_activity_types_are_the_seeds_list(loaded):
    kinds = programme(ISO).activity_types
    assert [(kind["code"], kind.get("parent")) for kind in kinds] == [
        ("digital_learning", None),
        ("e_learning", "digital_learning"),
        ("virtual_classroom", "digital_learning"),
        ("video_microlearning", "digital_learning"),
        ("webinar", "digital_learning"),
        ("remote_coaching", None),
        ("publications", None),
        ("seminars_workshops", None),
        ("sponsorships", None),
        ("in_country_advisory", None),
        ("peer_learning", None),
    ]
    assert [kind["name"]["fr"] for kind in kinds] == [
        "Solutions et contenus d’apprentissage numériques",
        "cours en ligne",
        "activités en classe virtuelle",
        "micro-enseignement vidéo",
        "webinaires",
        "Encadrement et accompagnement à distance",
        "Publications, documents d’orientation et matériel de formation",
        "Séminaires, cours de formation et ateliers (régionaux et nationaux)",
        "Parrainages, y compris formation préalable pour réunions de comités techniques spécifiques",
        "Services de conseil dans le pays",
        "Apprentissage par les pairs",
    ]


# ITU-T Resolution 44 ---------------------------------------------------------------------------------------


def itu_activities_per_programme_in_the_seed() -> dict[str, int]:
    """Bullets after "2) Activités" in each "Programme n:" section, without their stems ("...à:")."""
    counts: dict[str, int] = {}
    current, in_activities = None, False
    for line in seed_lines("003"):
        heading = re.search(r"\tProgramme (\d):", line)
        if heading:
            current, in_activities = heading.group(1), False
            counts[current] = 0
        elif current and line.startswith("2)\tActivités"):
            in_activities = True
        elif current and in_activities and line.startswith("•") and not line.rstrip().endswith(":"):
            counts[current] += 1
    return counts


def test_itu_has_four_programmes_with_their_activities(loaded):
    results = Result.objects.filter(programme__code=ITU).select_related("level", "parent").order_by("order")
    programmes = [r for r in results if r.level.key == "programme"]
    assert [(r.code, r.parent) for r in programmes] == [("1", None), ("2", None), ("3", None), ("4", None)]
    assert [r.title["fr"] for r in programmes] == [
        "Renforcement des capacités de normalisation",
        "Aider les pays en développement en ce qui concerne l'application des normes",
        "Renforcement des capacités des ressources humaines",
        "Appel de fonds pour la réduction de l'écart en matière de normalisation",
    ]
    activities = {p.code: [r.code for r in results if r.parent_id == p.pk] for p in programmes}
    assert {code: len(codes) for code, codes in activities.items()} == {"1": 6, "2": 8, "3": 8, "4": 0}
    assert {code: len(codes) for code, codes in activities.items()} == itu_activities_per_programme_in_the_seed()
    assert activities["1"] == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"]
    assert {r.level.key for r in results if r.parent_id} == {"activity"}
    assert Indicator.objects.filter(result__programme__code=ITU).count() == 0
    assert programme(ITU).periods.count() == 0


def test_itu_activity_titles_are_seed_bullets_with_the_tracked_change_resolved(loaded):
    text = seed_running_text("003")
    titles = dict(Result.objects.filter(programme__code=ITU, level__key="activity").values_list("code", "title__fr"))
    assert [code for code, title in titles.items() if f"• {title}" not in text] == ["3.4"]
    assert titles["3.4"] == (
        "Encourager l'élection d'un plus grand nombre de candidats originaires de pays en "
        "développement aux postes de président ou de vice-président des groupes de\xa0l'UIT-T."
    )


def test_itu_lists_the_five_disparities(loaded):
    lists = {listing["code"]: listing for listing in programme(ITU).reference_lists}
    disparities = lists["disparities"]["items"]
    assert [(item["code"], item["name"]["fr"]) for item in disparities] == [
        ("voluntary_standards", "disparité des normes d'application volontaire"),
        ("mandatory_technical_regulations", "disparité des règlements techniques contraignants"),
        ("conformity_assessment", "disparité en matière d'évaluation de la conformité"),
        (
            "skilled_human_resources",
            "disparité des ressources humaines ayant des compétences dans le domaine de la normalisation",
        ),
        ("effective_participation", "disparité en ce qui concerne la participation effective aux activités de l'UIT-T"),
    ]
    printed = (
        "sont de cinq ordres: "
        + ", ".join(item["name"]["fr"] for item in disparities[:4])
        + " et "
        + disparities[4]["name"]["fr"]
        + ";"
    )
    assert printed in seed_running_text("003")


# Through the API -------------------------------------------------------------------------------------------


def test_the_api_gives_the_ilo_tree_and_indicators_as_printed(loaded, client):
    results = client.get(f"/api/v1/programmes/{ILO}/results/").json()
    assert [(r["code"], r["level"], r["iati_result_type"], r["parent"]) for r in results] == [
        ("1", "outcome", 2, None),
        ("2", "outcome", 2, None),
        ("3", "outcome", 2, None),
    ]
    indicators = {item["code"]: item for item in client.get(f"/api/v1/programmes/{ILO}/indicators/").json()}
    assert list(indicators) == list(ILO_TITLES)
    assert {code: item["title"]["fr"] for code, item in indicators.items()} == ILO_TITLES
    assert (indicators["2.2"]["target_value"], indicators["2.2"]["target_relative_percent"]) == ("90.0000", None)
    assert (indicators["3.2"]["target_value"], indicators["3.2"]["target_relative_percent"]) == (None, "80.0000")
    assert [(m["period"], m["value"], m["relative_percent"]) for m in indicators["3.3"]["milestones"]] == [
        ("2010-11", None, "20.0000"),
        ("2012-13", None, "30.0000"),
        ("2014-15", None, "40.0000"),
    ]
    assert (indicators["1.1"]["baseline_value"], indicators["1.1"]["baseline_to_be_set_in"]) == (None, 2010)


# A broken data file is refused whole ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda spec: spec["results"][0].update(level="nowhere"), "Result 1: unknown level nowhere."),
        (
            lambda spec: spec["results"][0]["indicators"][0]["milestones"][0].update(period="2016-17"),
            "Indicator 1.1: unknown period 2016-17.",
        ),
        (
            lambda spec: spec["results"][0]["indicators"][0]["target"].update(value="quatre-vingt-dix"),
            "“quatre-vingt-dix” is not a number.",
        ),
    ],
)
def test_a_broken_framework_file_is_refused_and_changes_nothing(loaded, change, message):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    spec = json.loads((FRAMEWORKS_DIR / f"{ILO}.json").read_text(encoding="utf-8"))
    spec["code"] = "ilo-broken"
    change(spec)
    before = row_counts()
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        framework_load(spec=spec)
    assert refused.value.messages == [message]
    assert row_counts() == before
