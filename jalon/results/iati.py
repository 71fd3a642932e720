"""IATI 2.03 export of a programme's results framework (DESIGN.md section 3).

One `iati-activity` per programme; one small function per element, in document order (after
akvo-rsr's "one module per element", kept in one file). `programme_to_iati(programme)` gives the
document as bytes; `programme_iati_errors(document)` checks it against the IATI 2.03 activities XSD and
the codelists of the codes written here (CODED_VALUES), with the engine of jalon/interop/iati.py, which
also writes the elements and narratives.

Mapping decisions:
- Narratives: one per language present in the JSON text, each with `xml:lang`, the programme's
  languages first. The activity's `xml:lang` is the programme's first language.
- The whole result tree, with its level names, is the activity's objectives (`description[@type="2"]`) in
  every language, so results without indicators (which IATI cannot hold as `result`) are not lost.
- A result is written only if it has at least one indicator (the XSD requires one). The IATI Validator
  (rule 8.11.1) wants a reference code at result level or at indicator level, never both: the code is the
  indicator's, composite `RESULT-INDICATOR` (e.g. `IO1.1-D1`, vocabulary 99 = reporting organisation), with
  `@indicator-uri` the indicator's public page.
- `result/@aggregation-status` is "1" only when every indicator of the result counts units (IATI measure
  1): percentages, ordinal and qualitative values cannot be summed across activities.
- The activity's sector (DAC 5-digit) and recipient region are the programme's (defaults 32182 and 998).
- Activity dates: the planned start and end, and the actual start once the start is past, the actual end
  once the end is past.
- Baseline: `baseline/@year` is required by the XSD and the Validator (8.8.1) wants a value for a
  quantitative measure, so a baseline element is written only when its year is known and, unless the
  indicator is qualitative, its value too. What is unknown or pending ("to be set in 2010") is never an
  invented 0: it goes into the indicator's description, in every language. The unit, the currency, the
  cumulative mode and the means of verification, which IATI has no field for, go there too.
- Periods: one `period` per programme period that has something to say for the indicator (a target with a
  value or an approved actual). Targets resolve relative milestones against the baseline; a target without
  a value ("+20 % of the baseline" while the baseline is not set, a note only) is not an element (8.9.1):
  it goes into the indicator's description. An indicator with an overall target but no milestones gets one
  period spanning the programme with that target.
- Actuals are the approved values only, rolled over periods by the indicator's cumulative mode, as the
  progress pages show them (jalon.results.selectors.programme_progress); approved disaggregated values
  add one `actual` per dimension value with `dimension[@name][@value]` as a data user reads them: the
  dimension's and the value's names in the activity's language, a country as its ISO alpha-2 code.
  Qualitative values are `actual` elements without `@value`, their text as comment in the language it was
  written in (Measurement.language). The reporters' own comments follow, one "Comment:" line each in its
  language, after the period's narrative and a percentage's numerator and denominator.
- Numbers are plain decimal strings: no exponent, no trailing zeros, at most 4 decimal places (the
  precision the database stores).
"""

import datetime
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, Max, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

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
from jalon.interop.iati_rules import validator_findings
from jalon.lib.multilingual import text_in
from jalon.organisations.models import Organisation
from jalon.reference.models import Country
from jalon.results import progress as engine
from jalon.results.models import (
    IATI_MEASURE,
    Cumulation,
    Dimension,
    DimensionValue,
    DisaggregatedTarget,
    Indicator,
    Measure,
    Measurement,
    Milestone,
    Narrative,
    Period,
    Programme,
    Result,
)
from jalon.results.selectors import Cell, IndicatorProgress, programme_progress

# Codes from the IATI codelists shipped in jalon/interop/data/iati/codelists/.
DESCRIPTION_GENERAL = "1"  # DescriptionType
ROLE_IMPLEMENTING = "4"  # OrganisationRole
STATUS_PIPELINE, STATUS_IMPLEMENTATION, STATUS_CLOSED = "1", "2", "4"  # ActivityStatus
DATE_PLANNED_START, DATE_ACTUAL_START, DATE_PLANNED_END, DATE_ACTUAL_END = "1", "2", "3", "4"  # ActivityDateType
DESCRIPTION_OBJECTIVES = "2"  # DescriptionType
VOCABULARY_DAC = "1"  # SectorVocabulary (OECD DAC CRS 5-digit) and RegionVocabulary (OECD DAC)
MEASURE_UNIT = "1"  # IndicatorMeasure: the only one whose values add up across activities
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
    ("//iati-activity/sector/@code", "Sector"),
    ("//iati-activity/sector/@vocabulary", "SectorVocabulary"),
    ("//iati-activity/recipient-region/@code", "Region"),
    ("//iati-activity/recipient-region/@vocabulary", "RegionVocabulary"),
    ("//iati-activity/recipient-country/@code", "Country"),
    ("//document-link/category/@code", "DocumentCategory"),
    ("//@xml:lang", "Language"),
)

# The few sentences the export adds to indicator descriptions, per language (English otherwise).
LABELS = {
    "unit": {"en": "Unit: {}", "fr": "Unité : {}"},
    "currency": {"en": "Currency: {}", "fr": "Monnaie : {}"},
    "baseline_value": {"en": "Baseline: {} (year not given).", "fr": "Base de référence : {} (année non précisée)."},
    "baseline_to_be_set": {"en": "Baseline to be set in {}.", "fr": "Base de référence à fixer en {}."},
    "baseline_note": {"en": "Baseline: {}", "fr": "Base de référence : {}"},
    "baseline_year": {
        "en": "Baseline year: {} (value not given).",
        "fr": "Année de référence : {} (valeur non précisée).",
    },
    "objective": {"en": "{} {}: {}", "fr": "{} {}\u00a0: {}"},
    "target_note": {"en": "Target for {}: {}", "fr": "Cible pour {} : {}"},
    "overall_target_note": {"en": "Target for the programme: {}", "fr": "Cible du programme : {}"},
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
    "demo": {
        "en": "Demo data, not a real result: made to show how jalon works.",
        "fr": "Données de démonstration, pas un résultat réel : faites pour montrer le fonctionnement de jalon.",
    },
    "achieved": {"en": "What happened: {}", "fr": "Ce qui s’est passé : {}"},
    "variance": {"en": "Why it differs from the milestone: {}", "fr": "Pourquoi l’écart avec le jalon : {}"},
    "next_steps": {"en": "What comes next: {}", "fr": "La suite : {}"},
    "evidence": {"en": "Evidence", "fr": "Justificatif"},
    "ratio": {"en": "Numerator: {}; denominator: {}.", "fr": "Numérateur : {} ; dénominateur : {}."},
    "comment": {"en": "Comment: {}", "fr": "Commentaire : {}"},
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
    pairs = pairs or [(None, programme.code)]
    if programme.is_demo:
        pairs = [(language, f"{_label('demo', language)}\n\n{text}") for language, text in pairs]
    return narratives_element(parent, "description", pairs, type=DESCRIPTION_GENERAL)


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


def activity_dates(parent: Element, programme: Programme, today: datetime.date) -> list[Element]:
    """The programme's dates are its plan (planned start 1, planned end 3); once a date is past it is also
    the actual one (actual start 2, actual end 4): jalon runs programmes on their planned dates."""
    start, end = programme.start_date.isoformat(), programme.end_date.isoformat()
    dates = [(DATE_PLANNED_START, start)]
    if programme.start_date <= today:
        dates.append((DATE_ACTUAL_START, start))
    dates.append((DATE_PLANNED_END, end))
    if programme.end_date < today:
        dates.append((DATE_ACTUAL_END, end))
    return [element(parent, "activity-date", {"type": kind, "iso-date": day}) for kind, day in dates]


def recipient_region(parent: Element, programme: Programme) -> Element:
    return element(parent, "recipient-region", {"code": programme.iati_recipient_region, "vocabulary": VOCABULARY_DAC})


HUNDRED = Decimal(100)
CENT = Decimal("0.01")


def country_shares(countries: list[dict]) -> list[tuple[str, Decimal | None]]:
    """The countries served with the shares the Validator wants (rules 3.1.2, 12.1.1): none for a single
    country; for several, the shares given when they add up to 100, else scaled to 100, else equal ones (to the
    hundredth, the last taking what rounding leaves)."""
    codes = [item["code"] for item in countries]
    if len(codes) < 2:
        return [(code, None) for code in codes]
    given = []
    for item in countries:
        try:
            given.append(Decimal(str(item.get("percentage"))))
        except ArithmeticError:
            break
    total = sum(given, Decimal(0)) if len(given) == len(codes) else Decimal(0)
    weights = given if total > 0 else [Decimal(1)] * len(codes)
    total = total if total > 0 else Decimal(len(codes))
    shares = [(weight * HUNDRED / total).quantize(CENT) for weight in weights[:-1]]
    shares.append(HUNDRED - sum(shares, Decimal(0)))
    return list(zip(codes, shares, strict=True))


def recipient_places(parent: Element, programme: Programme) -> list[Element]:
    """The countries served when the programme names them, else its region (998 by default)."""
    if not programme.iati_recipient_countries:
        return [recipient_region(parent, programme)]
    return [
        element(
            parent,
            "recipient-country",
            {"code": code, **({"percentage": decimal_text(share)} if share is not None else {})},
        )
        for code, share in country_shares(programme.iati_recipient_countries)
    ]


def sector(parent: Element, programme: Programme) -> Element:
    return element(parent, "sector", {"code": programme.iati_sector, "vocabulary": VOCABULARY_DAC})


def objectives_description(parent: Element, results: list[Result], languages: list[str]) -> Element | None:
    """The result tree as text, per language: one line per result, indented by depth, with its level's name
    and code ("Impact IMP: ..."). Results without indicators live here only."""
    parents = {result.pk: result.parent_id for result in results}
    depth: dict[int, int] = {}
    for result in results:
        steps, above = 0, parents[result.pk]
        while above is not None and above in parents:
            steps, above = steps + 1, parents[above]
        depth[result.pk] = steps
    found = {language for result in results for language, _text in texts_in_order(result.title, languages)}
    order = [language for language in languages if language in found]
    order += sorted(language for language in found if language not in order and language is not None)
    pairs: Narratives = []
    for language in order:
        lines = []
        for result in results:
            title = dict(texts_in_order(result.title, [language])).get(language) or next(
                (text for _language, text in texts_in_order(result.title, languages)), ""
            )
            level = dict(texts_in_order(result.level.name, [language])).get(language) or next(
                (text for _language, text in texts_in_order(result.level.name, languages)), ""
            )
            lines.append("    " * depth[result.pk] + _label("objective", language, level, result.code, title))
        pairs.append((language, "\n".join(lines)))
    return narratives_element(parent, "description", pairs, type=DESCRIPTION_OBJECTIVES)


# Results -----------------------------------------------------------------------------------------------


def indicator_reference_code(result: Result, indicator: Indicator) -> str:
    return f"{result.code}-{indicator.code}"


def indicator_reference(parent: Element, indicator: Indicator, context: "ExportContext") -> Element:
    path = reverse("results:indicator_detail", kwargs={"code": context.programme.code, "pk": indicator.pk})
    return element(
        parent,
        "reference",
        {
            "vocabulary": VOCABULARY_REPORTING_ORG,
            "code": indicator_reference_code(indicator.result, indicator),
            "indicator-uri": settings.SITE_URL.rstrip("/") + path,
        },
    )


def aggregation_status(result: Result) -> str:
    measures = {str(IATI_MEASURE[Measure(indicator.measure)]) for indicator in result.indicators.all()}
    return "1" if measures == {MEASURE_UNIT} else "0"


def result_element(parent: Element, result: Result, context: "ExportContext") -> Element:
    node = element(
        parent, "result", {"type": str(result.level.iati_result_type), "aggregation-status": aggregation_status(result)}
    )
    narratives_element(node, "title", texts_in_order(result.title, context.languages) or [(None, result.code)])
    narratives_element(node, "description", texts_in_order(result.description, context.languages))
    for indicator in result.indicators.all():
        indicator_element(node, indicator, context)
    return node


def baseline_written(indicator: Indicator) -> bool:
    """A baseline element needs its year (XSD) and, for a quantitative measure, its value (Validator 8.8.1)."""
    return indicator.baseline_year is not None and (
        indicator.baseline_value is not None or indicator.measure == Measure.QUALITATIVE
    )


def indicator_description_pairs(
    indicator: Indicator, languages: list[str], unwritten_targets: dict[str | None, list[str]] | None = None
) -> Narratives:
    """The definition, then what IATI has no field for, one paragraph each, per language; then the targets
    that have no value (`unwritten_targets`: language -> sentences)."""
    unwritten_targets = unwritten_targets or {}
    texts = {
        name: dict(texts_in_order(getattr(indicator, name), languages))
        for name in ("definition", "unit", "means_of_verification")
    }
    baseline_note = dict(texts_in_order(indicator.baseline_note, languages))
    order: list[str | None] = list(languages)
    for values in (*texts.values(), baseline_note):
        order += [language for language in values if language not in order]
    order += [language for language in unwritten_targets if language not in order]
    pairs: Narratives = []
    for language in order:
        lines = [texts["definition"].get(language, "")]
        if texts["unit"].get(language):
            lines.append(_label("unit", language, texts["unit"][language]))
        if indicator.currency:
            lines.append(_label("currency", language, indicator.currency))
        if indicator.cumulation in (Cumulation.CUMULATIVE, Cumulation.LATEST):
            lines.append(_label(indicator.cumulation, language))
        if not baseline_written(indicator):
            # No baseline element can be written: the baseline's facts go here.
            if indicator.baseline_value is not None:
                lines.append(_label("baseline_value", language, decimal_text(indicator.baseline_value)))
            elif indicator.baseline_year is not None:
                lines.append(_label("baseline_year", language, indicator.baseline_year))
            if baseline_note.get(language):
                lines.append(_label("baseline_note", language, baseline_note[language]))
        if indicator.baseline_value is None and indicator.baseline_to_be_set_in:
            lines.append(_label("baseline_to_be_set", language, indicator.baseline_to_be_set_in))
        if texts["means_of_verification"].get(language):
            lines.append(_label("means_of_verification", language, texts["means_of_verification"][language]))
        lines += unwritten_targets.get(language, [])
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
    progress = context.report.indicators[indicator.pk]
    milestones = context.milestones.get(indicator.pk, {})
    unwritten = unwritten_targets(indicator, progress, milestones, context)
    narratives_element(node, "description", indicator_description_pairs(indicator, context.languages, unwritten))
    indicator_reference(node, indicator, context)
    baseline_element(node, indicator, context)
    for period, cell in zip(context.report.periods, progress.cells, strict=True):
        period_element(node, indicator, period, cell, milestones.get(period.pk), context)
    if not milestones:
        programme_period_element(node, indicator, progress, context)
    return node


def target_written(indicator: Indicator, value: Decimal | None) -> bool:
    """A target element needs a value unless the indicator is qualitative (Validator 8.9.1)."""
    return value is not None or indicator.measure == Measure.QUALITATIVE


def unwritten_targets(
    indicator: Indicator, progress: IndicatorProgress, milestones: dict[int, Milestone], context: "ExportContext"
) -> dict[str | None, list[str]]:
    """The targets that say something but have no value (a note only, or relative to a baseline not set
    yet), as sentences per language for the indicator's description."""
    sentences: dict[str | None, list[str]] = defaultdict(list)
    for period, cell in zip(context.report.periods, progress.cells, strict=True):
        milestone = milestones.get(period.pk)
        note = texts_in_order(milestone.note, context.languages) if milestone else []
        if target_written(indicator, cell.target) or not (cell.pending or note):
            continue
        names = dict(texts_in_order(period.name, context.languages))
        for language, text in note or pending_target_note(milestone, cell, context):
            label = names.get(language) or period.code
            sentences[language].append(_label("target_note", language, label, text))
    if not milestones and not target_written(indicator, progress.target):
        for language, text in overall_target_note(indicator, progress, context):
            sentences[language].append(_label("overall_target_note", language, text))
    return sentences


def baseline_element(parent: Element, indicator: Indicator, context: "ExportContext") -> Element | None:
    if not baseline_written(indicator):
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
    has_target = target_written(indicator, cell.target) and (cell.target is not None or cell.pending or bool(note))
    by_value = context.targets.get((indicator.pk, period.pk), [])
    if not (has_target or cell.actual is not None or breakdown or texts or by_value):
        return None
    node = period_bounds(parent, period.start, period.end)
    if has_target:
        target_element(node, cell.target, note or pending_target_note(milestone, cell, context))
    for dimension_value, value in context.targets.get((indicator.pk, period.pk), []):
        target_element(node, value, [], dimension_value=dimension_value, context=context)
    if cell.actual is not None:
        # What the M&E officer wrote of the period goes with its figure, and the approved values' evidence links.
        comment = narrative_pairs(context.narratives.get((indicator.pk, period.pk)), context)
        if indicator.measure == Measure.PERCENTAGE:
            comment = ratio_pairs(context.ratios.get((indicator.pk, period.pk)), cell.actual, comment, context)
        # Then what the reporters wrote with their values, each in its own language.
        comment = comment_pairs(comment, context.comments.get((indicator.pk, period.pk), []), context)
        actual_element(
            node,
            cell.actual,
            comment=comment,
            links=context.evidence.get((indicator.pk, period.pk), []),
            languages=context.languages,
        )
    for dimension_value, value in breakdown:
        actual_element(node, value, dimension_value=dimension_value, context=context)
    for text_value, text, language, remark in texts:
        # A qualitative value in the language it was written in (the activity's when not said), its comment after.
        comment = comment_pairs([(language or None, text)], [(language, remark)] if remark else [], context)
        actual_element(node, None, dimension_value=text_value, comment=comment, context=context)
    return node


def programme_period_element(
    parent: Element, indicator: Indicator, progress: IndicatorProgress, context: "ExportContext"
) -> Element | None:
    """IATI has no indicator-level target: without milestones, the overall target is the target of a
    period spanning the programme (its actuals stay in their own periods)."""
    note = overall_target_note(indicator, progress, context)
    if progress.target is None and not progress.target_pending and not note:
        return None
    if not target_written(indicator, progress.target):
        return None  # said in the indicator's description (unwritten_targets)
    programme = context.programme
    node = period_bounds(parent, programme.start_date, programme.end_date)
    target_element(node, progress.target, note)
    return node


def overall_target_note(indicator: Indicator, progress: IndicatorProgress, context: "ExportContext") -> Narratives:
    note = texts_in_order(indicator.target_note, context.languages)
    if progress.target is None and not note and indicator.target_relative_percent is not None:
        note = [
            (language, _label("relative_target", language, decimal_text(indicator.target_relative_percent)))
            for language in context.languages
        ]
    return note


def pending_target_note(milestone: Milestone | None, cell: Cell, context: "ExportContext") -> Narratives:
    """A pending relative milestone without a note of its own still says what it is."""
    if not cell.pending or milestone is None or milestone.relative_percent is None:
        return []
    percent = decimal_text(milestone.relative_percent)
    return [(language, _label("relative_target", language, percent)) for language in context.languages]


def target_element(
    parent: Element,
    value: Decimal | None,
    comment: Narratives,
    *,
    dimension_value: DimensionValue | None = None,
    context: "ExportContext | None" = None,
) -> Element:
    node = element(parent, "target", {"value": decimal_text(value)} if value is not None else None)
    if dimension_value is not None and context is not None:
        dimension_element(node, dimension_value, context)
    narratives_element(node, "comment", comment)
    return node


def narrative_pairs(narrative: Narrative | None, context: "ExportContext") -> Narratives:
    """A period's narrative as one comment per language: what happened, why it differs, what comes next."""
    if narrative is None:
        return []
    parts = {part: dict(texts_in_order(getattr(narrative, part), context.languages)) for part in NARRATIVE_PARTS}
    order: list[str | None] = list(context.languages)
    for texts in parts.values():
        order += [language for language in texts if language not in order]
    pairs: Narratives = []
    for language in order:
        lines = [_label(part, language, parts[part][language]) for part in NARRATIVE_PARTS if parts[part].get(language)]
        if lines:
            pairs.append((language, "\n".join(lines)))
    return pairs


NARRATIVE_PARTS = ("achieved", "variance", "next_steps")
# The first line of a percentage actual's comment, in any of the labels' languages: "Numerator: 12; denominator:
# 40." (ratio_from_comment reads it back).
RATIO_LINE = re.compile(
    r"^(?:Numerator|Numérateur)\s?:\s*(?P<numerator>-?\d+(?:\.\d+)?)\s?;\s*"
    r"(?:denominator|dénominateur)\s?:\s*(?P<denominator>\d+(?:\.\d+)?)\.$"
)


def ratio_pairs(
    ratio: tuple[Decimal, Decimal] | None, actual: Decimal | None, comment: Narratives, context: "ExportContext"
) -> Narratives:
    """A percentage's numerator and denominator as the first line of its actual's comment in each language,
    when they give the actual written (a period rolled up from others has no one ratio of its own)."""
    if ratio is None or actual is None:
        return comment
    numerator, denominator = ratio
    if decimal_text(numerator * 100 / denominator) != decimal_text(actual):
        return comment
    texts = dict(comment)
    languages = list(dict.fromkeys([*context.languages, *texts]))
    pairs: Narratives = []
    for language in languages:
        line = _label("ratio", language, decimal_text(numerator), decimal_text(denominator))
        pairs.append((language, f"{line}\n{texts[language]}" if texts.get(language) else line))
    return pairs


def ratio_from_comment(comment: dict[str, str]) -> tuple[tuple[Decimal, Decimal] | None, dict[str, str]]:
    """The inverse of ratio_pairs for the import: ((numerator, denominator) or None, the comment without the
    line)."""
    ratio = None
    rest: dict[str, str] = {}
    for language, text in comment.items():
        first, _newline, others = text.partition("\n")
        match = RATIO_LINE.match(first.strip())
        if match is None:
            rest[language] = text
            continue
        if Decimal(match["denominator"]) > 0:
            ratio = ratio or (Decimal(match["numerator"]), Decimal(match["denominator"]))
        if others.strip():
            rest[language] = others
    return ratio, rest


def narrative_from_comment(comment: dict[str, str]) -> dict[str, dict[str, str]] | None:
    """The inverse of narrative_pairs for the import: {part: {language: text}} when every language's comment
    reads as a narrative (each line group opened by one of the labels, in that language or English); None when
    the comment is anything else (a plain comment on the value)."""
    parts: dict[str, dict[str, str]] = {part: {} for part in NARRATIVE_PARTS}
    for language, text in comment.items():
        prefixes = {
            _label(part, candidate, "").rstrip(): part
            for part in NARRATIVE_PARTS
            for candidate in dict.fromkeys([language, "en"])
        }
        current = None
        for line in text.split("\n"):
            opened = next((prefix for prefix in prefixes if line.startswith(prefix)), None)
            if opened is not None:
                current = prefixes[opened]
                parts[current][language] = line[len(opened) :].strip()
            elif current is None:
                return None
            else:
                parts[current][language] += "\n" + line
    return parts if any(parts.values()) else None


def actual_element(
    parent: Element,
    value: Decimal | None,
    *,
    dimension_value: DimensionValue | None = None,
    comment: Narratives | None = None,
    links: list[str] | None = None,
    languages: list[str] | None = None,
    context: "ExportContext | None" = None,
) -> Element:
    node = element(parent, "actual", {"value": decimal_text(value)} if value is not None else None)
    if dimension_value is not None and context is not None:
        dimension_element(node, dimension_value, context)
    narratives_element(node, "comment", comment or [])
    for url in links or []:
        evidence_link(node, url, languages or ["en"])
    return node


# A web page of evidence: the document category "Results, outcomes and outputs".
EVIDENCE_FORMAT, EVIDENCE_CATEGORY = "text/html", "A08"


def evidence_link(parent: Element, url: str, languages: list[str]) -> Element:
    node = element(parent, "document-link", {"url": url, "format": EVIDENCE_FORMAT})
    narratives_element(node, "title", [(language, _label("evidence", language)) for language in languages])
    element(node, "category", {"code": EVIDENCE_CATEGORY})
    return node


def dimension_element(parent: Element, dimension_value: DimensionValue, context: "ExportContext") -> Element:
    """The disaggregation as a data user reads it: the dimension's and the value's names in the activity's
    language ("Sexe", "Femmes"), not jalon's codes; a country as its ISO 3166-1 alpha-2 code, as IATI's Country
    codelist writes it (jalon codes computed country values by ISO alpha-3)."""
    dimension = dimension_value.dimension
    language = context.languages[0]
    name = text_in(dimension.name, language) or dimension.code
    value = text_in(dimension_value.name, language) or dimension_value.code
    if dimension.kind == Dimension.Kind.COUNTRY:
        code = dimension_value.code.strip().upper()
        value = context.alpha2.get(code) or (code if code in context.alpha2.values() else value)
    return element(parent, "dimension", {"name": name, "value": value})


def comment_pairs(comment: Narratives, remarks: list[tuple[str, str]], context: "ExportContext") -> Narratives:
    """The reporters' comments on their values ([(language, text)], language "" when not said: the activity's), each
    on its own line opened by "Comment:" in its language, after what the comment says already in that language
    (comment_from_comment reads them back)."""
    if not remarks:
        return comment
    pairs = [(language, text) for language, text in comment]
    for language, text in remarks:
        language = language or context.languages[0]
        line = _label("comment", language, text)
        index = next((i for i, (other, _text) in enumerate(pairs) if (other or context.languages[0]) == language), None)
        if index is None:
            pairs.append((language, line))
        else:
            pairs[index] = (pairs[index][0], f"{pairs[index][1]}\n{line}")
    return pairs


def comment_from_comment(comment: dict[str, str]) -> tuple[tuple[str, str] | None, dict[str, str]]:
    """The inverse of comment_pairs for the import: (language, the value's comment) from the first language whose
    comment has a "Comment:" line (what follows it, the later lines as they are), and the comment without those
    lines."""
    found: tuple[str, str] | None = None
    rest: dict[str, str] = {}
    for language, text in comment.items():
        prefixes = [_label("comment", candidate, "").rstrip() for candidate in dict.fromkeys([language, "en"])]
        lines = text.split("\n")
        start = next((i for i, line in enumerate(lines) if any(line.startswith(p) for p in prefixes)), None)
        if start is None:
            rest[language] = text
            continue
        opened = next(p for p in prefixes if lines[start].startswith(p))
        remark = "\n".join([lines[start][len(opened) :].strip(), *lines[start + 1 :]]).strip()
        if found is None and remark:
            found = (language, remark)
        if "\n".join(lines[:start]).strip():
            rest[language] = "\n".join(lines[:start])
    return found, rest


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
        # Targets by disaggregation value and narratives, per (indicator, period): one query each.
        self.targets: dict[tuple[int, int], list[tuple[DimensionValue, Decimal]]] = defaultdict(list)
        for target in (
            DisaggregatedTarget.objects.filter(indicator_id__in=indicator_ids)
            .select_related("dimension_value__dimension")
            .order_by("dimension_value__dimension__code", "dimension_value__order", "dimension_value__code")
        ):
            self.targets[(target.indicator_id, target.period_id)].append((target.dimension_value, target.value))
        # The approved values' evidence links, each once, and their numerators and denominators, per
        # (indicator, period): one query.
        self.evidence: dict[tuple[int, int], list[str]] = defaultdict(list)
        # Their comments too, each once, in the order they were reported, with the language each was written in.
        self.comments: dict[tuple[int, int], list[tuple[str, str]]] = defaultdict(list)
        ratios: dict[tuple[int, int], list[tuple[Decimal | None, Decimal | None]]] = defaultdict(list)
        rows = (
            Measurement.objects.filter(
                indicator_id__in=indicator_ids, status=Measurement.Status.APPROVED, dimension_value__isnull=True
            )
            .exclude(indicator__measure=Measure.QUALITATIVE)
            .order_by("indicator_id", "period_id", "id")
            .values_list("indicator_id", "period_id", "evidence_url", "numerator", "denominator", "comment", "language")
        )
        urls: dict[tuple[int, int], set[str]] = defaultdict(set)
        for indicator_id, period_id, url, numerator, denominator, remark, language in rows:
            key = (indicator_id, period_id)
            if url:
                urls[key].add(url)
            remark = clean_text(remark or "")
            if remark and (language, remark) not in self.comments[key]:
                self.comments[key].append((language, remark))
            ratios[key].append((numerator, denominator))
        for key, found in urls.items():
            self.evidence[key] = sorted(found)
        # A period's numerator and denominator: the sums, when every approved value of the period has both.
        self.ratios: dict[tuple[int, int], tuple[Decimal, Decimal]] = {}
        for key, pairs in ratios.items():
            numerators = [numerator for numerator, _denominator in pairs if numerator is not None]
            denominators = [denominator for _numerator, denominator in pairs if denominator]
            if len(numerators) == len(denominators) == len(pairs):
                self.ratios[key] = (sum(numerators, Decimal(0)), sum(denominators, Decimal(0)))
        # Country disaggregations as ISO alpha-2 (dimension_element): one query, only when there is one.
        countries = {
            dimension_value.code.strip().upper()
            for pairs in [*self.breakdown.values(), *self.targets.values()]
            for dimension_value, _value in pairs
            if dimension_value.dimension.kind == Dimension.Kind.COUNTRY
        } | {
            item[0].code.strip().upper()
            for items in self.qualitative.values()
            for item in items
            if item[0] is not None and item[0].dimension.kind == Dimension.Kind.COUNTRY
        }
        self.alpha2: dict[str, str] = {}
        if countries:
            self.alpha2 = dict(
                Country.objects.filter(iso3__in=countries).exclude(iso2="").values_list("iso3", "iso2")
            ) | {code: code for code in Country.objects.filter(iso2__in=countries).values_list("iso2", flat=True)}
        self.narratives = {
            (narrative.indicator_id, narrative.period_id): narrative
            for narrative in Narrative.objects.filter(indicator_id__in=indicator_ids)
        }
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


def approved_texts(
    indicator_ids: list[int],
) -> dict[tuple[int, int], list[tuple[DimensionValue | None, str, str, str]]]:
    """(indicator, period) -> the approved qualitative values, in the order they were reported: (disaggregation
    value, text, the language it is written in, its comment)."""
    texts: dict[tuple[int, int], list[tuple[DimensionValue | None, str, str, str]]] = defaultdict(list)
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
            texts[(measurement.indicator_id, measurement.period_id)].append(
                (measurement.dimension_value, text, measurement.language, clean_text(measurement.comment or ""))
            )
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
    objectives_description(node, context.report.results, context.languages)
    participating_org(node, programme)
    activity_status(node, programme, context.today)
    activity_dates(node, programme, context.today)
    recipient_places(node, programme)
    sector(node, programme)
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


@dataclass(frozen=True)
class ExportNote:
    """A warning of the export, in the user's language: the Validator's rule id (or jalon's own), its message,
    where, and why it is so."""

    rule_id: str
    message: str
    xpath: str = ""
    explanation: str = ""


@dataclass
class IatiExport:
    document: bytes
    errors: list[str]  # XSD, codelists, and the Validator's error-level findings: the file must not be published
    warnings: list[ExportNote]
    skipped: list[Result]


# Why the export leaves some of the Validator's warnings when the owner has no IATI identifier, said in the
# export's report.
WARNING_EXPLANATIONS = {
    "1.14.8": gettext_lazy(
        "The owner has no IATI organisation identifier in the directory: a placeholder under XM-JALON- is used. "
        "Set the organisation's IATI identifier before publishing."
    ),
    "1.1.21": gettext_lazy("The activity identifier follows the placeholder organisation identifier."),
}


def programme_iati_export(programme: Programme, *, today: datetime.date | None = None) -> IatiExport:
    """The document with what the IATI Validator's rules and jalon's own checks say of it: errors (the
    XSD, the codelists, the Validator's error-level rules) and warnings, each explained."""
    skipped: list[Result] = []
    document = programme_to_iati(programme, today=today, skipped=skipped)
    errors = programme_iati_errors(document)
    warnings: list[ExportNote] = []
    placeholder = not programme.owner.iati_identifier.strip()
    if not errors:
        root = etree.fromstring(document, etree.XMLParser(no_network=True, resolve_entities=False))
        for finding in validator_findings(root, today=today):
            if finding.severity == "error":
                errors.append(f"{finding.rule_id} {finding.xpath}: {finding.message}")
            else:
                explanation = WARNING_EXPLANATIONS.get(finding.rule_id, "") if placeholder else ""
                warnings.append(ExportNote(finding.rule_id, finding.message, finding.xpath, str(explanation)))
    if placeholder and not any(note.rule_id == "1.14.8" for note in warnings):
        warnings.append(ExportNote("jalon.identifier", str(WARNING_EXPLANATIONS["1.14.8"])))
    if skipped:
        codes = ", ".join(result.code for result in skipped)
        warnings.append(
            ExportNote(
                "jalon.results",
                _("Results without indicators are in the objectives only: %(codes)s.") % {"codes": codes},
                explanation=str(
                    gettext_lazy(
                        "IATI requires at least one indicator per result; the whole tree is the activity's objectives."
                    )
                ),
            )
        )
    return IatiExport(document, errors, warnings, skipped)


def programme_iati_errors(document: bytes) -> list[str]:
    """What makes an exported document invalid: the IATI 2.03 XSD, then the codelists of the codes
    this export writes ([] when valid)."""
    extra = tuple(pair for writer in ACTIVITY_WRITERS for pair in writer.coded_values)
    return iati_validate(document, codelists=CODED_VALUES + extra)


# The export as a background job (the programme's page starts it; the job's page gives the file) -----------------

EXPORT_JOB = "iati-export"
ERRORS_SAID = 5


def iati_export_work(job, progress) -> dict:
    """The job of an IATI export of the programme `job.subject_id`: the file kept as the job's own when it has no
    error (its warnings said with it), else refused with the first errors, nothing kept."""
    from django.core.files.base import ContentFile

    from jalon.jobs.services import JobRefused

    programme = Programme.objects.select_related("owner").filter(pk=job.subject_id).first()
    if programme is None:
        raise JobRefused(_("The programme no longer exists."))
    progress.step(_("Writing the IATI file and checking it against the IATI Validator's rules"))
    export = programme_iati_export(programme)
    if export.errors:
        raise JobRefused(
            _("The IATI file breaks the 2.03 schema, the codelists or the IATI Validator's rules; nothing written.")
            + " "
            + " ".join(export.errors[:ERRORS_SAID]),
            {"errors": export.errors[:200]},
        )
    name = f"iati-{programme.code}.xml"
    job.result_file.save(name, ContentFile(export.document), save=False)
    job.result_name = name
    job.save(update_fields=["result_file", "result_name"])
    warnings = [f"{note.rule_id}: {note.message} {note.explanation}".strip() for note in export.warnings]
    message = _("Valid against IATI 2.03 and the IATI Validator's rules.")
    if warnings:
        message += " " + _("Warnings:") + " " + " · ".join(warnings)
    result = {"warnings": warnings}
    progress.succeeded(result, message=message)
    return result
