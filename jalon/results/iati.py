"""IATI 2.03 export of a programme's results framework (DESIGN.md section 3).

One `iati-activity` per programme; one small function per element, in document order (after
akvo-rsr's "one module per element", kept in one file). `programme_to_iati(programme)` gives the
document as bytes; `programme_iati_errors(document)` checks it against the IATI 2.03 activities XSD and
the codelists of the codes written here (CODED_VALUES), with the engine of jalon/interop/iati.py, which
also writes the elements and narratives.

Mapping decisions:
- Narratives: one per language present in the JSON text, each with `xml:lang`, the programme's
  languages first. The activity's `xml:lang` is the programme's first language.
- A result is written only if it has at least one indicator (the XSD requires one); the tree's parent
  links have no IATI equivalent and are not written. The result's code goes to
  `result/reference[@vocabulary="99"]` (99 = reporting organisation), the indicator's code to
  `indicator/reference[@vocabulary="99"]`, as in IATI's annotated 2.03 example.
- `result/@aggregation-status` is "0": the indicators are specific to each programme (no shared
  vocabulary) and mix percentages with counts, so summing them across activities would mislead.
- Baseline: `baseline/@year` is required by the XSD, so a baseline element is written only when its
  year is known, with `@value` when the value is known and the baseline note as its comment. A
  baseline that is only "to be set in YEAR" is not invented into an element: that fact and the note go
  into the indicator's description. The unit, the currency, the cumulative mode and the means of
  verification, which IATI has no field for, go there too.
- Periods: one `period` per programme period that has something to say for the indicator (a target, a
  pending target's note or an approved actual). Targets resolve relative milestones against the
  baseline; a relative target whose baseline is not set yet ("pending") is a `target` without
  `@value`, its note as comment. An indicator with an overall target but no milestones gets one period
  spanning the programme with that target.
- Actuals are the approved values only, rolled over periods by the indicator's cumulative mode, as the
  progress pages show them (jalon.results.selectors.programme_progress); approved disaggregated values
  add one `actual` per dimension value with `dimension[@name=dimension code][@value=value code]`.
  Qualitative values are `actual` elements without `@value`, their text as comment.
- Numbers are plain decimal strings: no exponent, no trailing zeros, at most 4 decimal places (the
  precision the database stores).
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Sum
from django.utils import timezone

from jalon.interop.iati import (
    XML_LANG,
    Element,
    Narratives,
    activities_root,
    clean_text,
    decimal_text,
    document_bytes,
    element,
    iati_validate,
    narrative,
    narratives_element,
    period_bounds,
    texts_in_order,
)
from jalon.organisations.models import Organisation
from jalon.results import progress as engine
from jalon.results.models import (
    IATI_MEASURE,
    Cumulation,
    DimensionValue,
    Indicator,
    Measure,
    Measurement,
    Milestone,
    Period,
    Programme,
    Result,
)
from jalon.results.selectors import Cell, IndicatorProgress, programme_progress

# Codes from the IATI codelists shipped in jalon/interop/data/iati/codelists/.
DESCRIPTION_GENERAL = "1"  # DescriptionType
ROLE_IMPLEMENTING = "4"  # OrganisationRole
STATUS_PIPELINE, STATUS_IMPLEMENTATION, STATUS_CLOSED = "1", "2", "4"  # ActivityStatus
DATE_PLANNED_START, DATE_PLANNED_END = "1", "3"  # ActivityDateType
VOCABULARY_REPORTING_ORG = "99"  # ResultVocabulary and IndicatorVocabulary

# Organisations without an IATI identifier of their own get one under this prefix. It is not a
# registered IATI organisation-identifier agency: set Organisation.iati_identifier before publishing.
DERIVED_IDENTIFIER_PREFIX = "XM-JALON-"

# IATI OrganisationType by organisation kind. Standards bodies have no IATI type of their own: the
# intergovernmental ones (ITU, ILO, regional bodies such as ARSO) are Multilateral (40), the sensible
# default for a programme owner; national standards bodies are mostly public bodies (15, Other Public
# Sector). Kinds with no safe guess are Other (90).
ORGANISATION_TYPE_BY_KIND: dict[str, str] = {
    Organisation.Kind.INTERNATIONAL_SDO: "40",
    Organisation.Kind.REGIONAL_SDO: "40",
    Organisation.Kind.NSB: "15",
    Organisation.Kind.MINISTRY: "10",
    Organisation.Kind.UNIVERSITY: "80",
}
# ISO and IEC are international standards bodies, but non-governmental by statute (their members
# are national bodies, not states): International NGO (21), not Multilateral.
NON_GOVERNMENTAL_SDOS = {"ISO": "21", "IEC": "21"}
ORGANISATION_TYPE_OTHER = "90"

# Where the export writes codes, with their codelist: checked by programme_iati_errors (the XSD checks the
# structure only).
CODED_VALUES = (
    ("//reporting-org/@type | //participating-org/@type", "OrganisationType"),
    ("//participating-org/@role", "OrganisationRole"),
    ("//iati-activity/description/@type", "DescriptionType"),
    ("//activity-status/@code", "ActivityStatus"),
    ("//activity-date/@type", "ActivityDateType"),
    ("//result/@type", "ResultType"),
    ("//result/reference/@vocabulary", "ResultVocabulary"),
    ("//indicator/@measure", "IndicatorMeasure"),
    ("//indicator/reference/@vocabulary", "IndicatorVocabulary"),
    ("//@xml:lang", "Language"),
)

# The few sentences the export adds to indicator descriptions, per language (English otherwise).
LABELS = {
    "unit": {"en": "Unit: {}", "fr": "Unité : {}"},
    "currency": {"en": "Currency: {}", "fr": "Monnaie : {}"},
    "baseline_value": {"en": "Baseline: {} (year not given).", "fr": "Base de référence : {} (année non précisée)."},
    "baseline_to_be_set": {"en": "Baseline to be set in {}.", "fr": "Base de référence à fixer en {}."},
    "baseline_note": {"en": "Baseline: {}", "fr": "Base de référence : {}"},
    "means_of_verification": {"en": "Means of verification: {}", "fr": "Moyens de vérification : {}"},
    Cumulation.CUMULATIVE: {
        "en": "Period values are cumulative: the running total since the start of the programme.",
        "fr": "Les valeurs par période sont cumulées : total depuis le début du programme.",
    },
    Cumulation.LATEST: {
        "en": "Period values are levels (the latest value), not amounts to add up.",
        "fr": "Les valeurs par période sont des niveaux (la dernière valeur), non des montants à additionner.",
    },
    "relative_target": {
        "en": "{} % over the baseline, which is not set yet.",
        "fr": "{} % au-dessus de la base de référence, pas encore fixée.",
    },
}


# Financial elements (budget, planned-disbursement, transaction) are written by an app above results (finance)
# through this hook, filled from its AppConfig.ready(): each writer adds its elements to the activity where
# IATI's sequence puts them (after the activity dates, before the results), and names the codelists of the codes
# it writes, which programme_iati_errors then checks too. Results never imports the apps that fill it.
@dataclass(frozen=True)
class ActivityWriter:
    write: Callable[[Element, Programme], object]
    coded_values: tuple[tuple[str, str], ...] = ()


ACTIVITY_WRITERS: list[ActivityWriter] = []


def activity_writer_register(writer: ActivityWriter) -> None:
    if writer not in ACTIVITY_WRITERS:
        ACTIVITY_WRITERS.append(writer)


def _label(key: str, language: str | None, *args) -> str:
    texts = LABELS[key]
    return texts.get(language or "en", texts["en"]).format(*args)


# Languages ---------------------------------------------------------------------------------------------


def programme_languages(programme: Programme) -> list[str]:
    languages = [str(language).lower() for language in programme.languages or [] if language]
    if not languages:
        languages = [language for language, _text in texts_in_order(programme.title, []) if language] or ["en"]
    return languages


# Activity ----------------------------------------------------------------------------------------------


def organisation_ref(organisation: Organisation) -> str:
    if organisation.iati_identifier.strip():
        return organisation.iati_identifier.strip()
    acronym = re.sub(r"[^A-Za-z0-9]+", "-", organisation.acronym).strip("-").upper()
    return DERIVED_IDENTIFIER_PREFIX + (acronym or f"ORG{organisation.pk}")


def organisation_type(organisation: Organisation) -> str:
    if organisation.kind == Organisation.Kind.INTERNATIONAL_SDO and organisation.acronym in NON_GOVERNMENTAL_SDOS:
        return NON_GOVERNMENTAL_SDOS[organisation.acronym]
    return ORGANISATION_TYPE_BY_KIND.get(organisation.kind, ORGANISATION_TYPE_OTHER)


def organisation_names(organisation: Organisation) -> Narratives:
    """The official name and the French one. The official name's language is not recorded: it is
    marked English only when a different French name sits beside it (the convention of the seeds)."""
    name, name_fr = clean_text(organisation.name.given("en")), clean_text(organisation.name.given("fr"))
    if name_fr and name_fr != name:
        return [(language, text) for language, text in (("en", name), ("fr", name_fr)) if text]
    return [(None, name or name_fr or organisation.acronym)]


def iati_identifier(parent: Element, programme: Programme) -> Element:
    node = element(parent, "iati-identifier")
    node.text = f"{organisation_ref(programme.owner)}-{programme.code}"
    return node


def reporting_org(parent: Element, programme: Programme) -> Element:
    owner = programme.owner
    return narratives_element(
        parent, "reporting-org", organisation_names(owner), ref=organisation_ref(owner), type=organisation_type(owner)
    )


def activity_title(parent: Element, programme: Programme, languages: list[str]) -> Element:
    pairs = texts_in_order(programme.title, languages) or [(None, programme.code)]
    return narratives_element(parent, "title", pairs)


def activity_description(parent: Element, programme: Programme, languages: list[str]) -> Element:
    """The description is required: a programme without one is described by its title."""
    pairs = texts_in_order(programme.description, languages) or texts_in_order(programme.title, languages)
    return narratives_element(parent, "description", pairs or [(None, programme.code)], type=DESCRIPTION_GENERAL)


def participating_org(parent: Element, programme: Programme) -> Element:
    """The owner runs the programme: implementing (role 4). Funders are not recorded in jalon."""
    owner = programme.owner
    node = element(
        parent,
        "participating-org",
        {"ref": organisation_ref(owner), "type": organisation_type(owner), "role": ROLE_IMPLEMENTING},
    )
    for language, text in organisation_names(owner):
        narrative(node, text, language)
    return node


def activity_status(parent: Element, programme: Programme, today: datetime.date) -> Element:
    """Implementation (2) while it runs; Closed (4) once its end date is past; Pipeline (1) before."""
    if programme.end_date < today:
        code = STATUS_CLOSED
    elif programme.start_date > today:
        code = STATUS_PIPELINE
    else:
        code = STATUS_IMPLEMENTATION
    return element(parent, "activity-status", {"code": code})


def activity_dates(parent: Element, programme: Programme) -> list[Element]:
    """The programme's dates are its plan (planned start 1, planned end 3): jalon records no actual dates."""
    return [
        element(parent, "activity-date", {"type": DATE_PLANNED_START, "iso-date": programme.start_date.isoformat()}),
        element(parent, "activity-date", {"type": DATE_PLANNED_END, "iso-date": programme.end_date.isoformat()}),
    ]


# Results -----------------------------------------------------------------------------------------------


def reference(parent: Element, code: str) -> Element:
    return element(parent, "reference", {"vocabulary": VOCABULARY_REPORTING_ORG, "code": code})


def result_element(parent: Element, result: Result, context: "ExportContext") -> Element:
    node = element(parent, "result", {"type": str(result.level.iati_result_type), "aggregation-status": "0"})
    narratives_element(node, "title", texts_in_order(result.title, context.languages) or [(None, result.code)])
    narratives_element(node, "description", texts_in_order(result.description, context.languages))
    reference(node, result.code)
    for indicator in result.indicators.all():
        indicator_element(node, indicator, context)
    return node


def indicator_description_pairs(indicator: Indicator, languages: list[str]) -> Narratives:
    """The definition, then what IATI has no field for, one paragraph each, per language."""
    texts = {
        name: dict(texts_in_order(getattr(indicator, name), languages))
        for name in ("definition", "unit", "means_of_verification")
    }
    baseline_note = dict(texts_in_order(indicator.baseline_note, languages))
    order: list[str | None] = list(languages)
    for values in (*texts.values(), baseline_note):
        order += [language for language in values if language not in order]
    pairs: Narratives = []
    for language in order:
        lines = [texts["definition"].get(language, "")]
        if texts["unit"].get(language):
            lines.append(_label("unit", language, texts["unit"][language]))
        if indicator.currency:
            lines.append(_label("currency", language, indicator.currency))
        if indicator.cumulation in (Cumulation.CUMULATIVE, Cumulation.LATEST):
            lines.append(_label(indicator.cumulation, language))
        if indicator.baseline_year is None:
            # No baseline element can be written: the baseline's facts go here.
            if indicator.baseline_value is not None:
                lines.append(_label("baseline_value", language, decimal_text(indicator.baseline_value)))
            if baseline_note.get(language):
                lines.append(_label("baseline_note", language, baseline_note[language]))
        if indicator.baseline_value is None and indicator.baseline_to_be_set_in:
            lines.append(_label("baseline_to_be_set", language, indicator.baseline_to_be_set_in))
        if texts["means_of_verification"].get(language):
            lines.append(_label("means_of_verification", language, texts["means_of_verification"][language]))
        text = "\n\n".join(line for line in lines if line)
        if text:
            pairs.append((language, text))
    return pairs


def indicator_element(parent: Element, indicator: Indicator, context: "ExportContext") -> Element:
    node = element(
        parent,
        "indicator",
        {
            "measure": str(IATI_MEASURE[Measure(indicator.measure)]),
            "ascending": "0" if indicator.direction == Indicator.Direction.DESCENDING else "1",
        },
    )
    title = texts_in_order(indicator.title, context.languages) or [(None, indicator.code)]
    narratives_element(node, "title", title)
    narratives_element(node, "description", indicator_description_pairs(indicator, context.languages))
    reference(node, indicator.code)
    baseline_element(node, indicator, context)
    progress = context.report.indicators[indicator.pk]
    milestones = context.milestones.get(indicator.pk, {})
    for period, cell in zip(context.report.periods, progress.cells, strict=True):
        period_element(node, indicator, period, cell, milestones.get(period.pk), context)
    if not milestones:
        programme_period_element(node, indicator, progress, context)
    return node


def baseline_element(parent: Element, indicator: Indicator, context: "ExportContext") -> Element | None:
    if indicator.baseline_year is None:
        return None
    attributes = {"year": str(indicator.baseline_year)}
    if indicator.baseline_value is not None:
        attributes["value"] = decimal_text(indicator.baseline_value)
    node = element(parent, "baseline", attributes)
    narratives_element(node, "comment", texts_in_order(indicator.baseline_note, context.languages))
    return node


def period_element(
    parent: Element,
    indicator: Indicator,
    period: Period,
    cell: Cell,
    milestone: Milestone | None,
    context: "ExportContext",
) -> Element | None:
    """The indicator's target and approved actuals for one programme period; nothing when it has none."""
    breakdown = context.breakdown.get((indicator.pk, period.pk), [])
    texts = context.qualitative.get((indicator.pk, period.pk), [])
    note = texts_in_order(milestone.note, context.languages) if milestone else []
    has_target = cell.target is not None or cell.pending or bool(note)
    if not (has_target or cell.actual is not None or breakdown or texts):
        return None
    node = period_bounds(parent, period.start, period.end)
    if has_target:
        target_element(node, cell.target, note or pending_target_note(milestone, cell, context))
    if cell.actual is not None:
        actual_element(node, cell.actual)
    for dimension_value, value in breakdown:
        actual_element(node, value, dimension_value=dimension_value)
    for text_value, text in texts:
        actual_element(node, None, dimension_value=text_value, comment=[(None, text)])
    return node


def programme_period_element(
    parent: Element, indicator: Indicator, progress: IndicatorProgress, context: "ExportContext"
) -> Element | None:
    """IATI has no indicator-level target: without milestones, the overall target is the target of a
    period spanning the programme (its actuals stay in their own periods)."""
    note = texts_in_order(indicator.target_note, context.languages)
    if progress.target is None and not progress.target_pending and not note:
        return None
    if progress.target is None and not note and indicator.target_relative_percent is not None:
        note = [
            (language, _label("relative_target", language, decimal_text(indicator.target_relative_percent)))
            for language in context.languages
        ]
    programme = context.programme
    node = period_bounds(parent, programme.start_date, programme.end_date)
    target_element(node, progress.target, note)
    return node


def pending_target_note(milestone: Milestone | None, cell: Cell, context: "ExportContext") -> Narratives:
    """A pending relative milestone without a note of its own still says what it is."""
    if not cell.pending or milestone is None or milestone.relative_percent is None:
        return []
    percent = decimal_text(milestone.relative_percent)
    return [(language, _label("relative_target", language, percent)) for language in context.languages]


def target_element(parent: Element, value: Decimal | None, comment: Narratives) -> Element:
    node = element(parent, "target", {"value": decimal_text(value)} if value is not None else None)
    narratives_element(node, "comment", comment)
    return node


def actual_element(
    parent: Element,
    value: Decimal | None,
    *,
    dimension_value: DimensionValue | None = None,
    comment: Narratives | None = None,
) -> Element:
    node = element(parent, "actual", {"value": decimal_text(value)} if value is not None else None)
    if dimension_value is not None:
        dimension_element(node, dimension_value)
    narratives_element(node, "comment", comment or [])
    return node


def dimension_element(parent: Element, dimension_value: DimensionValue) -> Element:
    return element(parent, "dimension", {"name": dimension_value.dimension.code, "value": dimension_value.code})


# Data --------------------------------------------------------------------------------------------------


class ExportContext:
    """What the element functions read, fetched in a constant number of queries."""

    def __init__(self, programme: Programme, today: datetime.date):
        self.programme = programme
        self.today = today
        self.languages = programme_languages(programme)
        self.report = programme_progress(programme=programme, today=today)
        indicator_ids = list(self.report.indicators)
        self.breakdown = approved_breakdown(indicator_ids, self.report)
        self.qualitative = approved_texts(indicator_ids)
        # The progress report reads milestones as rows; the export wants their notes too: one query.
        self.milestones: dict[int, dict[int, Milestone]] = {}
        for milestone in Milestone.objects.filter(indicator_id__in=indicator_ids).order_by():
            self.milestones.setdefault(milestone.indicator_id, {})[milestone.period_id] = milestone


def approved_breakdown(indicator_ids: list[int], report) -> dict[tuple[int, int], list[tuple[DimensionValue, Decimal]]]:
    """(indicator, period) -> [(dimension value, approved actual)], rolled over periods by the
    indicator's cumulative mode and given only for periods with an approved value of their own, like
    the totals of programme_progress."""
    rows = (
        Measurement.objects.filter(
            indicator_id__in=indicator_ids, status=Measurement.Status.APPROVED, dimension_value__isnull=False
        )
        .values("indicator_id", "period_id", "dimension_value_id")
        .annotate(value=Sum("value"), numerator=Sum("numerator"), denominator=Sum("denominator"), n=Count("id"))
        .order_by()
    )
    cells: dict[tuple[int, int], dict[int, engine.Aggregate]] = defaultdict(dict)
    for row in rows:
        cells[(row["indicator_id"], row["dimension_value_id"])][row["period_id"]] = engine.Aggregate(
            row["value"], row["numerator"], row["denominator"], row["n"]
        )
    values = {
        value.pk: value
        for value in DimensionValue.objects.filter(pk__in={key[1] for key in cells}).select_related("dimension")
    }
    breakdown: dict[tuple[int, int], list[tuple[DimensionValue, Decimal]]] = defaultdict(list)
    ordered = sorted(
        cells, key=lambda key: (key[0], values[key[1]].dimension.code, values[key[1]].order, values[key[1]].code)
    )
    for indicator_id, value_id in ordered:
        indicator = report.indicators[indicator_id].indicator
        own = [cells[(indicator_id, value_id)].get(period.pk) for period in report.periods]
        rolled = engine.roll_periods(own, mode=indicator.cumulation)
        for period, aggregate, mine in zip(report.periods, rolled, own, strict=True):
            actual = engine.actual_of(aggregate, percentage=indicator.measure == Measure.PERCENTAGE)
            if mine is not None and actual is not None:
                breakdown[(indicator_id, period.pk)].append((values[value_id], actual))
    return breakdown


def approved_texts(indicator_ids: list[int]) -> dict[tuple[int, int], list[tuple[DimensionValue | None, str]]]:
    """(indicator, period) -> the approved qualitative values, in the order they were reported."""
    texts: dict[tuple[int, int], list[tuple[DimensionValue | None, str]]] = defaultdict(list)
    measurements = (
        Measurement.objects.filter(
            indicator_id__in=indicator_ids, indicator__measure=Measure.QUALITATIVE, status=Measurement.Status.APPROVED
        )
        .exclude(text="")
        .select_related("dimension_value__dimension")
        .order_by("indicator_id", "period__start", "dimension_value_id", "id")
    )
    for measurement in measurements:
        text = clean_text(measurement.text)
        if text:
            texts[(measurement.indicator_id, measurement.period_id)].append((measurement.dimension_value, text))
    return texts


def last_updated(programme: Programme, indicator_ids: list[int]) -> datetime.datetime:
    """The programme's last change, or the last change of an approved value if later."""
    latest = Measurement.objects.filter(indicator_id__in=indicator_ids, status=Measurement.Status.APPROVED).aggregate(
        latest=Max("updated_at")
    )["latest"]
    stamp = max(filter(None, (programme.updated_at, latest)))
    return stamp.replace(microsecond=0)


# Document ----------------------------------------------------------------------------------------------


def iati_activity(parent: Element, programme: Programme, context: ExportContext, skipped: list[Result]) -> Element:
    node = element(
        parent,
        "iati-activity",
        {
            XML_LANG: context.languages[0],
            "last-updated-datetime": last_updated(programme, list(context.report.indicators)).isoformat(),
        },
    )
    iati_identifier(node, programme)
    reporting_org(node, programme)
    activity_title(node, programme, context.languages)
    activity_description(node, programme, context.languages)
    participating_org(node, programme)
    activity_status(node, programme, context.today)
    activity_dates(node, programme)
    for writer in ACTIVITY_WRITERS:
        writer.write(node, programme)
    for result in context.report.results:
        if result.indicators.all():
            result_element(node, result, context)
        else:
            skipped.append(result)  # the XSD requires at least one indicator per result
    return node


def programme_to_iati(
    programme: Programme, *, today: datetime.date | None = None, skipped: list[Result] | None = None
) -> bytes:
    """The programme as an IATI 2.03 `iati-activities` document (UTF-8 bytes). Results without an
    indicator are left out; pass a list as `skipped` to get them."""
    programme = Programme.objects.select_related("owner").get(pk=programme.pk)
    context = ExportContext(programme, today or timezone.localdate())
    root = activities_root(timezone.now())
    iati_activity(root, programme, context, skipped if skipped is not None else [])
    return document_bytes(root)


def programme_iati_errors(document: bytes) -> list[str]:
    """What makes an exported document invalid: the IATI 2.03 XSD, then the codelists of the codes
    this export writes ([] when valid)."""
    extra = tuple(pair for writer in ACTIVITY_WRITERS for pair in writer.coded_values)
    return iati_validate(document, codelists=CODED_VALUES + extra)
