"""Writes to results frameworks: loading the seed frameworks, and the measurement workflow."""

import datetime
import json
import logging
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import urljoin

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jalon.accounts.audit import audit_record, audit_records, snapshot
from jalon.accounts.models import AuditEntry
from jalon.accounts.versioning import locked, unknown_fields, versioned_save, versioned_update
from jalon.interop.iati import codelist_codes
from jalon.lib import bulk
from jalon.organisations.models import Organisation
from jalon.organisations.services import organisation_create, organisation_update
from jalon.results import access
from jalon.results.computations import REGISTRY, computed_mark_stale
from jalon.results.models import (
    Dimension,
    DimensionValue,
    DisaggregatedTarget,
    Indicator,
    Level,
    Measure,
    Measurement,
    MeasurementComment,
    Milestone,
    Narrative,
    Period,
    Programme,
    Result,
)
from jalon.results.progress_cache import progress_changed

logger = logging.getLogger(__name__)

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "data" / "frameworks"
SEED_FRAMEWORKS = ("iso-ap-2021-2025", "itu-res44", "ilo-tc-2010-2015")


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
        # At the 4 decimal places the database gives back ("70" is read as 70.0000): otherwise a reload
        # of an unchanged file would see a change. More places are left for full_clean() to refuse.
        if _within_places(number, 4):
            return number.quantize(Decimal("0.0001"))
        return number
    except InvalidOperation as exc:
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}) from exc


def _within_places(number: Decimal, places: int) -> bool:
    """A finite number with at most `places` decimal places (1.25 has 2; NaN and infinities are not)."""
    exponent = number.as_tuple().exponent
    return isinstance(exponent, int) and exponent >= -places


def _owner(actor, spec: dict) -> Organisation:
    owner = Organisation.objects.filter(acronym=spec["acronym"], kind=Organisation.Kind.INTERNATIONAL_SDO).first()
    if owner is None:
        owner = organisation_create(
            actor=actor,
            name=spec["name"] or {"en": spec["acronym"]},
            acronym=spec["acronym"],
            kind=Organisation.Kind.INTERNATIONAL_SDO,
            iati_identifier=spec.get("iati_identifier", ""),
        )
    elif spec.get("iati_identifier") and not owner.iati_identifier:
        # The organisation's public IATI identifier (issue 18); one typed in the directory is kept.
        owner = organisation_update(actor=actor, organisation=owner, iati_identifier=spec["iati_identifier"])
    return owner


def _upsert(model, lookup: dict, values: dict, actor):
    instance = model.objects.filter(**lookup).first()
    if instance is None:
        instance = model(**lookup, **values)
        instance.full_clean()
        instance.save()
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=instance)
        return instance
    before = snapshot(instance)
    for key, value in values.items():
        setattr(instance, key, value)
    if snapshot(instance) != before:
        instance.full_clean()
        instance.save()
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=instance, before=before)
    return instance


def _target_fields(spec: dict | None) -> dict:
    spec = spec or {}
    relative = bool(spec.get("relative"))
    return {
        "value": None if relative else _decimal(spec.get("value")),
        "relative_percent": _decimal(spec.get("relative_percent")) if relative else None,
        "note": spec.get("note") or {},
    }


@transaction.atomic
def framework_load(*, actor=None, spec: dict) -> Programme:
    """Create or update a programme and its whole framework from a data file's content. Idempotent:
    loading the same file again changes nothing; codes identify results, indicators and periods."""
    owner = _owner(actor, spec["owner"])
    programme = _upsert(
        Programme,
        {"code": spec["code"]},
        {
            "owner": owner,
            "title": spec["title"],
            "description": spec.get("description") or {},
            "source": spec.get("source", ""),
            "start_date": spec["start_date"],
            "end_date": spec["end_date"],
            "languages": spec.get("languages", ["fr", "en"]),
            "activity_types": spec.get("activity_types", []),
            "reference_lists": spec.get("reference_lists", []),
            "tables": spec.get("tables", {}),
        },
        actor,
    )
    levels = {}
    for order, level in enumerate(spec["levels"]):
        levels[level["key"]] = _upsert(
            Level,
            {"programme": programme, "key": level["key"]},
            {
                "name": level["name"],
                "order": order,
                "iati_result_type": level["iati_result_type"],
            },
            actor,
        )
    periods = {}
    for period in spec.get("periods", []):
        periods[period["code"]] = _upsert(
            Period,
            {"programme": programme, "code": period["code"]},
            {
                "name": period.get("name") or {},
                "start": period["start"],
                "end": period["end"],
            },
            actor,
        )
    counter = {"order": 0}
    linked: list[str] = []  # indicators the file links to a computation that were not linked to it yet

    def load_result(node: dict, parent: Result | None) -> None:
        counter["order"] += 1
        if node["level"] not in levels:
            raise ValidationError(
                _("Result %(code)s: unknown level %(level)s.") % {"code": node["code"], "level": node["level"]}
            )
        result = _upsert(
            Result,
            {"programme": programme, "code": node["code"]},
            {
                "parent": parent,
                "level": levels[node["level"]],
                "title": node["title"],
                "description": node.get("description") or {},
                "order": counter["order"],
            },
            actor,
        )
        for order, item in enumerate(node.get("indicators", [])):
            baseline = item.get("baseline") or {}
            target = _target_fields(item.get("target"))
            link = _seed_link(result, item)
            if link.get("computation"):
                linked.append(item["code"])
            indicator = _upsert(
                Indicator,
                {"result": result, "code": item["code"]},
                {
                    "title": item["title"],
                    "definition": item.get("definition") or {},
                    "measure": item.get("measure", Measure.COUNT),
                    "unit": item.get("unit") or {},
                    "direction": item.get("direction", Indicator.Direction.ASCENDING),
                    "cumulation": item.get("cumulative", "non_cumulative"),
                    "baseline_value": _decimal(baseline.get("value")),
                    "baseline_year": baseline.get("year"),
                    "baseline_to_be_set_in": baseline.get("to_be_set_in"),
                    "baseline_note": baseline.get("note") or {},
                    "target_value": target["value"],
                    "target_relative_percent": target["relative_percent"],
                    "target_note": target["note"],
                    "means_of_verification": item.get("means_of_verification") or {},
                    "is_demo": bool(item.get("demo")),
                    "order": order,
                }
                | link,
                actor,
            )
            for milestone in item.get("milestones", []):
                if milestone["period"] not in periods:
                    raise ValidationError(
                        _("Indicator %(code)s: unknown period %(period)s.")
                        % {"code": item["code"], "period": milestone["period"]}
                    )
                _upsert(
                    Milestone,
                    {"indicator": indicator, "period": periods[milestone["period"]]},
                    _target_fields(milestone),
                    actor,
                )
        for child in node.get("children", []):
            load_result(child, result)

    for node in spec["results"]:
        load_result(node, None)
    if linked:
        # Not computed here: marked stale, and refreshed by the task queue once the load commits (as after any
        # write the computations read), so that loading the seeds costs no computation.
        computed_mark_stale(programme_ids=[programme.pk])
    progress_changed(programme)
    return programme


def _seed_link(result: Result, item: dict) -> dict:
    """The fields that make an indicator of a data file computed by its `computation` key ({} without one, or
    if it is linked already). An indicator with values reported by hand stays manual (logged): a reload of the
    file never deletes what people typed."""
    key = item.get("computation")
    if not key:
        return {}
    if key not in REGISTRY:
        raise ValidationError(
            _("Indicator %(code)s: unknown computation %(key)s.") % {"code": item["code"], "key": key}
        )
    current = Indicator.objects.filter(result=result, code=item["code"]).values_list("source", "computation").first()
    if current == (Indicator.Source.COMPUTED, key):
        return {"measure": REGISTRY[key].measure}
    if (
        current is not None
        and Measurement.objects.filter(indicator__result=result, indicator__code=item["code"], computed=False).exists()
    ):
        logger.warning("Indicator %s has values reported by hand: left manual, not computed by %s", item["code"], key)
        return {}
    return {"source": Indicator.Source.COMPUTED, "computation": key, "measure": REGISTRY[key].measure}


def frameworks_load(*, actor=None, codes=SEED_FRAMEWORKS, directory: Path = FRAMEWORKS_DIR) -> list[Programme]:
    return [
        framework_load(actor=actor, spec=json.loads((directory / f"{code}.json").read_text(encoding="utf-8")))
        for code in codes
    ]


# Measurements --------------------------------------------------------------------------------------------

MEASUREMENT_FIELDS = (
    "value",
    "numerator",
    "denominator",
    "text",
    "comment",
    "language",
    "evidence",
    "evidence_url",
    "dimension_value",
    "organisation",
    "collected_on",
)
# What an amendment takes over from the approved value it changes.
AMENDED_FIELDS = ("indicator", "period", *MEASUREMENT_FIELDS)
OPEN_STATUSES = (Measurement.Status.DRAFT, Measurement.Status.SUBMITTED, Measurement.Status.RETURNED)
HUNDRED = Decimal(100)


def _validate_measurement(measurement: Measurement, *, disaggregations: set[tuple[int, int]] | None = None) -> None:
    """`disaggregations`: the (indicator, dimension) pairs of the indicators, read once by a caller checking
    many values (else one query for a disaggregated value)."""
    indicator = measurement.indicator
    if indicator.source == Indicator.Source.COMPUTED and not measurement.computed:
        raise ValidationError(_("This indicator is computed from operational records: it cannot be typed in."))
    if measurement.period.programme_id != indicator.result.programme_id:
        raise ValidationError({"period": _("This period belongs to another programme.")})
    dimension_value = measurement.dimension_value
    if dimension_value is not None and not (
        (indicator.pk, dimension_value.dimension_id) in disaggregations
        if disaggregations is not None
        else indicator.dimensions.filter(pk=dimension_value.dimension_id).exists()
    ):
        raise ValidationError({"dimension_value": _("This indicator is not disaggregated that way.")})
    if measurement.language and measurement.language not in settings.CONTENT_LANGUAGES:
        languages = ", ".join(settings.CONTENT_LANGUAGES)
        raise ValidationError({"language": _("Choose one of the languages: %(languages)s.") % {"languages": languages}})
    if measurement.collected_on is None:
        measurement.collected_on = measurement.period.end
    elif measurement.collected_on < measurement.period.start:
        raise ValidationError(
            {
                "collected_on": _("The collection date cannot be before the period starts (%(start)s).")
                % {"start": measurement.period.start.isoformat()}
            }
        )
    if indicator.measure == Measure.QUALITATIVE:
        if not measurement.text.strip():
            raise ValidationError({"text": _("Describe the result: this indicator is qualitative.")})
        return
    if indicator.measure == Measure.PERCENTAGE and (
        measurement.numerator is not None or measurement.denominator is not None
    ):
        if measurement.numerator is None or measurement.denominator is None:
            raise ValidationError({"denominator": _("Give both the numerator and the denominator.")})
        if measurement.denominator <= 0:
            raise ValidationError({"denominator": _("The denominator must be greater than zero.")})
        if measurement.numerator < 0:
            raise ValidationError({"numerator": _("The numerator cannot be negative.")})
        derived = measurement.numerator * HUNDRED / measurement.denominator
        _check_percentage(measurement.value, derived, measurement.numerator, measurement.denominator)
        measurement.value = derived.quantize(Decimal("0.0001"))
    if measurement.value is None:
        raise ValidationError({"value": _("Enter a value.")})
    if indicator.measure == Measure.COUNT and measurement.value < 0 and not indicator.allows_corrections:
        raise ValidationError({"value": _("A count cannot be negative (this indicator does not take corrections).")})
    if indicator.measure == Measure.PERCENTAGE:
        _check_percentage_mix(measurement)


def _check_percentage(value: Decimal | None, derived: Decimal, numerator: Decimal, denominator: Decimal) -> None:
    """A percentage typed beside its numerator and denominator must say the same, to the places it was typed
    with (70 or 70.0 for 84/120; not 71): else it is refused, never silently replaced."""
    if value is None:
        return
    exponent = value.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if derived.quantize(Decimal(1).scaleb(-places)) != value:
        raise ValidationError(
            {
                "value": _(
                    "%(value)s %% disagrees with %(numerator)s / %(denominator)s = %(derived)s %%: correct the "
                    "value, or leave it empty to have it computed."
                )
                % {
                    "value": _plain(value),
                    "numerator": _plain(numerator),
                    "denominator": _plain(denominator),
                    "derived": _plain(derived.quantize(Decimal("0.01"))),
                }
            }
        )


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _check_percentage_mix(measurement: Measurement) -> None:
    """Percentages of one period are combined from numerators and denominators: one given bare beside others
    given with them (or the reverse) could not be counted, so it is refused rather than dropped."""
    bare = measurement.denominator is None
    others = Measurement.objects.filter(
        indicator_id=measurement.indicator_id,
        period_id=measurement.period_id,
        status__in=(Measurement.Status.SUBMITTED, Measurement.Status.APPROVED),
    ).exclude(pk__in=[pk for pk in (measurement.pk, measurement.amends_id) if pk])
    if bare and others.filter(denominator__isnull=False).exists():
        raise ValidationError(
            {
                "denominator": _(
                    "Other values of this period are given with their numerator and denominator: give them too, "
                    "so that the values can be combined."
                )
            }
        )
    if not bare and others.filter(denominator__isnull=True).exists():
        raise ValidationError(
            {
                "denominator": _(
                    "Other values of this period are percentages given without numerator and denominator: they "
                    "cannot be combined with this one. Ask for them to be completed first, or give the percentage "
                    "alone."
                )
            }
        )


@transaction.atomic
def measurement_create(
    *, actor, indicator: Indicator, period: Period, submit: bool = False, computed: bool = False, **fields
) -> Measurement:
    unknown = set(fields) - set(MEASUREMENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown measurement fields: {sorted(unknown)}")
    measurement = Measurement(
        indicator=indicator,
        period=period,
        author=actor if getattr(actor, "pk", None) else None,
        computed=computed,
        **fields,
    )
    _validate_measurement(measurement)
    _check_reporter(actor, measurement)
    if submit:
        measurement.status, measurement.submitted_at = Measurement.Status.SUBMITTED, timezone.now()
    measurement.full_clean()
    measurement.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=measurement)
    progress_changed(period.programme_id)
    return measurement


# Fields a bulk write checks on the rows themselves: the relations are the caller's records, not read again.
RELATIONS = ("indicator", "period", "organisation", "dimension_value", "amends", "author", "reviewer")


def imported_value_check(measurement: Measurement, *, disaggregations: set[tuple[int, int]]) -> None:
    """One value of a file import, checked before the set is written (imported_values_check checks again)."""
    _validate_measurement(measurement, disaggregations=disaggregations)
    measurement.clean_fields(exclude=RELATIONS)


def imported_values_check(
    *,
    actor,
    programme: Programme,
    milestones: list[Milestone],
    measurements: list[Measurement],
    approve: bool,
    disaggregations: set[tuple[int, int]],
) -> None:
    """The targets (new milestones) and values of one activity of a file import, checked as milestone_save and
    measurement_create check them, in memory (the indicators' disaggregations as the import read them,
    `disaggregations`; the reporter checked once per organisation), and made ready to be written: values enter
    submitted, or approved (`approve`: the programme trusts the publisher; only its managers may approve). Refuses
    the whole set with the first problem. Written, with the other activities' of the batch, by
    imported_values_write."""
    now = timezone.now()
    for milestone in milestones:
        if milestone.period.programme_id != programme.pk or milestone.indicator.result.programme_id != programme.pk:
            raise ValidationError({"period": _("This period belongs to another programme.")})
        milestone.note = _texts(milestone.note)
        milestone.clean_fields(exclude=RELATIONS)
    if approve and measurements and not access.programme_can_manage(actor, programme):
        raise ValidationError(_("Only the programme's managers review values."))
    reporters: dict[int | None, bool] = {}
    for measurement in measurements:
        if measurement.indicator.result.programme_id != programme.pk or measurement.period.programme_id != programme.pk:
            raise ValidationError({"period": _("This period belongs to another programme.")})
        _validate_measurement(measurement, disaggregations=disaggregations)
        if measurement.organisation_id not in reporters:
            reporters[measurement.organisation_id] = access.measurement_can_report_for(
                actor, programme, measurement.organisation
            )
        if not reporters[measurement.organisation_id]:
            raise ValidationError({"organisation": _("Report for your own organisation.")})
        measurement.author = actor if getattr(actor, "pk", None) else None
        measurement.status, measurement.submitted_at = Measurement.Status.SUBMITTED, now
        if approve:
            measurement.status, measurement.reviewer, measurement.reviewed_at = Measurement.Status.APPROVED, actor, now
        measurement.clean_fields(exclude=RELATIONS)


# The imported_* services run inside the file import's savepoint (results/iati_import.py: one per batch of
# activities, one per activity when a refusal has the batch imported again), which rolls back what a refusal leaves:
# a savepoint of their own each was a fifth of an import's queries. Called outside any transaction, they still run
# in one.
@transaction.atomic(savepoint=False)
def imported_values_write(*, actor, milestones: list[Milestone], measurements: list[Measurement]) -> None:
    """The targets and values of a batch of a file import's activities, each set checked by
    imported_values_check: one insert of each, audited in one insert, their programmes' progress stamps
    replaced."""
    bulk.instances_insert(milestones)
    bulk.instances_insert(measurements)
    audit_records(actor=actor, action=AuditEntry.Action.CREATE, instances=[*milestones, *measurements])
    progress_changed(
        *{milestone.period.programme_id for milestone in milestones},
        *{measurement.period.programme_id for measurement in measurements},
    )


def _check_reporter(actor, measurement: Measurement) -> None:
    """Whoever types a value may report for its organisation (accounts.access decides). Here, not in the
    pages and API, so that no caller skips it. A computed indicator's own values are typed by nobody."""
    if measurement.computed and measurement.indicator.source == Indicator.Source.COMPUTED:
        return
    programme = measurement.indicator.result.programme
    if not access.measurement_can_report_for(actor, programme, measurement.organisation):
        raise ValidationError({"organisation": _("Report for your own organisation.")})


def _not_computed(measurement: Measurement) -> None:
    if measurement.computed:
        raise ValidationError(
            _("This value is computed from operational records: it cannot be changed, submitted or reviewed by hand.")
        )


def _locked(measurement: Measurement, version: int | None) -> Measurement:
    return locked(measurement, version, queryset=Measurement.objects.select_related("indicator__result", "period"))


def _save_audited(current: Measurement, before: dict, actor) -> Measurement:
    current = versioned_save(current, actor=actor, before=before)
    progress_changed(current.period.programme_id)
    return current


@transaction.atomic
def measurement_update(
    *, actor, measurement: Measurement, version: int | None = None, submit: bool = False, **fields
) -> Measurement:
    """Change a value. A draft or returned value is changed in place. An approved value is not: the change
    is an amendment (a new value that `amends` it, submitted for approval), and the approved value stays
    counted until the amendment is approved (then it is superseded); the history keeps both. Returns the
    value changed, or the amendment."""
    unknown_fields(fields, MEASUREMENT_FIELDS, "measurement")
    current = _locked(measurement, version)  # a version conflict first: the page keeps the entry
    _not_computed(current)
    if not access.measurement_can_edit(actor, current):
        raise ValidationError(
            _("This value was sent for approval or decided since you opened it: it can no longer be changed here.")
        )
    if current.status == Measurement.Status.APPROVED:
        return _amendment_create(actor=actor, approved=current, fields=fields)
    before = snapshot(current)
    if ("numerator" in fields or "denominator" in fields) and "value" not in fields:
        current.value = None  # derived again from the new numerator and denominator
    for key, value in fields.items():
        setattr(current, key, value)
    _validate_measurement(current)
    if current.organisation_id != before["organisation_id"]:
        _check_reporter(actor, current)
    if submit or current.status == Measurement.Status.SUBMITTED:
        current.status, current.submitted_at = Measurement.Status.SUBMITTED, timezone.now()
    current.full_clean()
    return _save_audited(current, before, actor)


def _amendment_create(*, actor, approved: Measurement, fields: dict) -> Measurement:
    if approved.amendments.filter(status__in=OPEN_STATUSES).exists():
        raise ValidationError(
            _("An amendment of this value is already waiting for approval: change that amendment instead.")
        )
    values = {name: getattr(approved, name) for name in AMENDED_FIELDS}
    if ("numerator" in fields or "denominator" in fields) and "value" not in fields:
        values["value"] = None
    values.update(fields)
    amendment = Measurement(**values, amends=approved, author=actor if getattr(actor, "pk", None) else None)
    _validate_measurement(amendment)
    if amendment.organisation_id != approved.organisation_id:
        _check_reporter(actor, amendment)
    if all(getattr(amendment, name) == getattr(approved, name) for name in MEASUREMENT_FIELDS):
        raise ValidationError(_("Nothing was changed: the approved value stays as it is."))
    amendment.status, amendment.submitted_at = Measurement.Status.SUBMITTED, timezone.now()
    amendment.full_clean()
    amendment.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=amendment)
    progress_changed(approved.period.programme_id)  # the pages say that an amendment is waiting
    return amendment


@transaction.atomic
def measurement_submit(*, actor, measurement: Measurement, version: int | None = None) -> Measurement:
    current = _locked(measurement, version)
    _not_computed(current)
    if current.status not in (Measurement.Status.DRAFT, Measurement.Status.RETURNED):
        raise ValidationError(_("Only a draft or a returned value can be submitted."))
    before = snapshot(current)
    current.status, current.submitted_at = Measurement.Status.SUBMITTED, timezone.now()
    return _save_audited(current, before, actor)


@transaction.atomic
def measurement_review(
    *, actor, measurement: Measurement, approve: bool, note: str = "", version: int | None = None
) -> Measurement:
    """Approve a submitted value, or return it to its author with a note saying what to fix. Only the
    programme's managers decide (checked here, not only in the pages and API, so that no caller skips it).
    Approving an amendment supersedes the value it amends (kept in the history, no longer counted)."""
    if not access.measurement_can_review(actor, measurement):
        raise ValidationError(_("Only the programme's managers review values."))
    current = _locked(measurement, version)
    _not_computed(current)
    if current.status != Measurement.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted value can be approved or returned."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say what needs fixing when you return a value.")})
    before = snapshot(current)
    current.status = Measurement.Status.APPROVED if approve else Measurement.Status.RETURNED
    current.review_note, current.reviewer, current.reviewed_at = note, actor, timezone.now()
    _review_notify(current, approve=approve, note=note)
    if approve and current.amends_id:
        amended = _locked(Measurement(pk=current.amends_id), None)
        if amended.status == Measurement.Status.APPROVED:
            amended_before = snapshot(amended)
            amended.status = Measurement.Status.SUPERSEDED
            versioned_save(amended, actor=actor, before=amended_before)
    return _save_audited(current, before, actor)


def _review_notify(measurement: Measurement, *, approve: bool, note: str) -> None:
    """Tell the value's author, by e-mail once the decision is committed (console by default, SMTP by
    setting): what a person must act on reaches them (DESIGN.md section 4)."""
    author = measurement.author
    if author is None or not author.email:
        return
    indicator, period = measurement.indicator, measurement.period
    url = measurement_url(measurement)
    if approve:
        subject = _("Value approved: %(indicator)s, %(period)s") % {"indicator": indicator.code, "period": period}
        body = _("Your value for %(indicator)s, %(period)s was approved and now counts.\n\n%(url)s")
    else:
        subject = _("Value returned: %(indicator)s, %(period)s") % {"indicator": indicator.code, "period": period}
        body = _(
            "Your value for %(indicator)s, %(period)s was returned to you with this note:\n\n%(note)s\n\n"
            "Correct it and submit it again: %(url)s"
        )
    text = body % {"indicator": indicator.code, "period": period, "note": note, "url": url}
    recipient = author.email
    transaction.on_commit(lambda: send_mail(subject, text, None, [recipient], fail_silently=True))


# Building and editing a framework -------------------------------------------------------------------------
# What the framework pages call. Multilingual texts arrive as {"fr": ..., "en": ...} dicts; empty languages
# are dropped. Each service validates with messages keyed by field, so a page can show them beside the input.

# Codes a programme cannot take: they are the paths of other pages under /programmes/.
RESERVED_PROGRAMME_CODES = frozenset({"new", "approvals", "measurements"})

PROGRAMME_FIELDS = (
    "code",
    "owner",
    "title",
    "description",
    "source",
    "start_date",
    "end_date",
    "languages",
    "developing_rule",
    "developing_rule_as_of",
    "on_track_min",
    "at_risk_min",
    "published",
    "progress_method",
    "descending_scoring",
    "descending_tolerance",
    "overall_target",
    "iati_sector",
    "iati_recipient_region",
    "iati_recipient_countries",
)
INDICATOR_FIELDS = (
    "code",
    "title",
    "definition",
    "measure",
    "unit",
    "currency",
    "direction",
    "cumulation",
    "baseline_value",
    "baseline_year",
    "baseline_to_be_set_in",
    "baseline_note",
    "target_value",
    "target_relative_percent",
    "target_note",
    "allows_corrections",
    "source",
    "computation",
    "means_of_verification",
    "is_demo",
    "order",
)
INDICATOR_TEXT_FIELDS = ("title", "definition", "unit", "baseline_note", "target_note", "means_of_verification")


def _texts(value) -> dict:
    """A multilingual text as stored: stripped, without empty languages."""
    if not value:
        return {}
    if not isinstance(value, dict):
        raise ValidationError(_("A text must be given per language."))
    return {str(language): str(text).strip() for language, text in value.items() if text and str(text).strip()}


def _require_text(errors: dict, field: str, value: dict, message: str) -> None:
    if not value:
        errors.setdefault(field, []).append(message)


def _pk(instance: models.Model | None) -> int:
    """The record's id, to leave it out of a uniqueness check; 0 (no record's) for a new one."""
    return instance.pk if instance is not None and instance.pk is not None else 0


def _check(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _normalize_decimals(instance) -> None:
    """Decimals at the places the database gives back (20 is read as 20.0000): else an unchanged value
    would look changed. More places are left for full_clean() to refuse."""
    for field in instance._meta.concrete_fields:
        value = getattr(instance, field.attname)
        if (
            isinstance(field, models.DecimalField)
            and isinstance(value, Decimal)
            and _within_places(value, field.decimal_places)
        ):
            setattr(instance, field.attname, value.quantize(Decimal(1).scaleb(-field.decimal_places)))


def _changed_save(instance, before: dict | None, actor, *, exclude=None) -> bool:
    """Validate and save; audit a creation, or an update that changed something. True if saved."""
    _normalize_decimals(instance)
    instance.full_clean(exclude=exclude)
    if before is None:
        instance.save()
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=instance)
        return True
    if snapshot(instance) == before:
        return False
    instance.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=instance, before=before)
    return True


def _delete_audited(actor, instances) -> None:
    """Audit the deletion of each record (cascaded ones included), then let the caller delete."""
    for instance in instances:
        audit_record(actor=actor, action=AuditEntry.Action.DELETE, instance=instance, before=snapshot(instance))


def _programme_validate(programme: Programme, *, code_taken: bool | None = None) -> None:
    """`code_taken`: whether another programme has the code, when the caller read it (a file import reads the
    codes of a batch of activities at once); else one query here."""
    errors: dict = {}
    programme.title = _texts(programme.title)
    programme.description = _texts(programme.description)
    _require_text(errors, "title", programme.title, _("Give the programme a title in at least one language."))
    if programme.code in RESERVED_PROGRAMME_CODES:
        errors.setdefault("code", []).append(
            _("“%(code)s” is the name of a page: choose another code.") % {"code": programme.code}
        )
    elif programme.code and (
        code_taken
        if code_taken is not None
        else Programme.objects.filter(code=programme.code).exclude(pk=programme.pk).exists()
    ):
        errors.setdefault("code", []).append(_("Another programme already has this code."))
    languages = programme.languages or []
    if not isinstance(languages, list) or not languages:
        errors.setdefault("languages", []).append(_("Choose at least one language."))
    elif set(languages) - set(settings.CONTENT_LANGUAGES):
        errors.setdefault("languages", []).append(_("Choose among the content languages of the platform."))
    if programme.start_date and programme.end_date and programme.end_date < programme.start_date:
        errors.setdefault("end_date", []).append(_("The end date cannot be before the start date."))
    for field in ("on_track_min", "at_risk_min"):
        value = getattr(programme, field)
        if value is not None and not Decimal(0) <= value <= Decimal(1):
            errors.setdefault(field, []).append(_("Give a share between 0 and 1 (0.85 is 85 % of the way)."))
    if (
        "on_track_min" not in errors
        and "at_risk_min" not in errors
        and programme.on_track_min is not None
        and programme.at_risk_min is not None
        and programme.at_risk_min > programme.on_track_min
    ):
        errors.setdefault("at_risk_min", []).append(_("The “at risk” threshold cannot be above the “on track” one."))
    if programme.descending_tolerance is not None and programme.descending_tolerance < 0:
        errors.setdefault("descending_tolerance", []).append(_("The tolerance cannot be negative."))
    if programme.iati_sector not in codelist_codes("Sector"):
        errors.setdefault("iati_sector", []).append(_("Give a DAC 5-digit sector code of the IATI Sector codelist."))
    if programme.iati_recipient_region not in codelist_codes("Region"):
        errors.setdefault("iati_recipient_region", []).append(_("Give a region code of the IATI Region codelist."))
    countries_error = _recipient_countries_error(programme.iati_recipient_countries)
    if countries_error:
        errors.setdefault("iati_recipient_countries", []).append(countries_error)
    if programme.developing_rule_as_of and not programme.developing_rule_id:
        errors.setdefault("developing_rule_as_of", []).append(_("Choose the rule this date applies to."))
    _check(errors)


def _recipient_countries_error(countries) -> str:
    """What is wrong with a list of recipient countries, or "": IATI codes, each once, shares from 0 to 100."""
    if not isinstance(countries, list):
        return _("Give a list of countries.")
    seen = set()
    for item in countries:
        code = item.get("code") if isinstance(item, dict) else None
        if code not in codelist_codes("Country"):
            return _("“%(code)s” is not a country code of the IATI Country codelist (ISO alpha-2, such as KE).") % {
                "code": code
            }
        if code in seen:
            return _("%(code)s is given twice.") % {"code": code}
        seen.add(code)
        percentage = item.get("percentage")
        if percentage is not None:
            try:
                share = Decimal(str(percentage))
            except (ArithmeticError, ValueError):
                share = Decimal(-1)
            if not share.is_finite() or not 0 <= share <= 100:
                return _("The share of %(code)s must be a number from 0 to 100.") % {"code": code}
    return ""


@transaction.atomic
def programme_create(*, actor, **fields) -> Programme:
    unknown_fields(fields, PROGRAMME_FIELDS, "programme")
    fields.setdefault("languages", ["fr", "en"])
    programme = Programme(**fields)
    _programme_validate(programme)
    _changed_save(programme, None, actor)
    return programme


# No savepoint of its own: the file import calls it inside its savepoint (see imported_values_write).
@transaction.atomic(savepoint=False)
def imported_programme_create(*, actor, owner, code_taken: bool, **fields) -> Programme:
    """programme_create for a file import (results/iati_import.py), with the same checks: _programme_validate
    (among them the code free, as the import read it: `code_taken`, and the dates and thresholds in order, which
    are the table's two constraints) and the fields cleaned, without full_clean asking the database again for the
    code, the two constraints and the owner, which the import has in hand (a quarter of the time of a file of new
    programmes)."""
    unknown_fields(fields, PROGRAMME_FIELDS, "programme")
    if owner is None or owner.pk is None:
        raise ValidationError(_("The activity has no reporting organisation."))
    fields.setdefault("languages", ["fr", "en"])
    programme = Programme(owner=owner, **fields)
    _programme_validate(programme, code_taken=code_taken)
    _normalize_decimals(programme)
    programme.clean_fields(exclude=["owner"])
    bulk.instances_insert([programme])  # save()'s insert without its per-field compile
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=programme)
    return programme


@transaction.atomic
def programme_update(*, actor, programme: Programme, version: int | None = None, **fields) -> Programme:
    """Change a programme's own fields; `version` is the one the editor saw, refused if someone saved since."""

    def clean(current: Programme) -> None:
        _programme_validate(current)
        _normalize_decimals(current)
        current.full_clean()

    current, changed = versioned_update(
        programme, actor=actor, version=version, fields=fields, allowed=PROGRAMME_FIELDS, clean=clean
    )
    if changed:
        # Thresholds, the developing-country rule and dates change statuses; titles show on the pages.
        progress_changed(current)
        # The developing-country rule and the dates are inputs of the computed indicators too.
        _computed_stale(current.pk)
        current.refresh_from_db(fields=["progress_stamp", "computed_pending_since"])
    return current


def programme_iati_trust_save(
    *, actor, programme: Programme, publishers: list[str], version: int | None = None
) -> Programme:
    """The reporting organisations (IATI identifiers) whose imported values enter this programme approved."""
    current, _changed = versioned_update(
        programme,
        actor=actor,
        version=version,
        fields={"iati_trusted_publishers": [str(identifier).strip()[:100] for identifier in publishers]},
        allowed=("iati_trusted_publishers",),
    )
    return current


def _computed_stale(programme_id: int) -> None:
    """A change to what computed indicators read (the programme's rule, dates or periods): their refresh is
    queued, if the programme computes any."""
    from jalon.results.computations import computed_mark_stale

    if Indicator.objects.filter(result__programme_id=programme_id, source=Indicator.Source.COMPUTED).exists():
        computed_mark_stale(programme_ids=[programme_id])


# Levels ------------------------------------------------------------------------------------------------


@transaction.atomic
def level_save(
    *,
    actor,
    programme: Programme,
    level: Level | None = None,
    key: str,
    name: dict,
    iati_result_type: int,
    order: int | None = None,
) -> Level:
    """Create a level of the programme's tree (`level` None), or change one."""
    if level is not None and level.programme_id != programme.pk:
        raise ValidationError(_("This level belongs to another programme."))
    errors: dict = {}
    name = _texts(name)
    _require_text(errors, "name", name, _("Name the level in at least one language."))
    if Level.objects.filter(programme=programme, key=key).exclude(pk=_pk(level)).exists():
        errors.setdefault("key", []).append(_("Another level of this programme already has this key."))
    _check(errors)
    if order is None:
        order = level.order if level else (programme.levels.aggregate(m=Max("order"))["m"] or 0) + 1
    before = snapshot(level) if level else None
    level = level or Level(programme=programme)
    level.key, level.name, level.iati_result_type, level.order = key, name, iati_result_type, order
    _changed_save(level, before, actor)
    progress_changed(programme)
    return level


def imported_level_create(
    *, actor, programme: Programme, key: str, name: dict, iati_result_type: int, order: int, taken: set[str]
) -> Level:
    """level_save of a new level for a file import, with its checks, against the keys the import read with the
    programme's other levels (`taken`, all of them) and at the order it gives: one insert, where level_save
    reads the keys and the last order, and full_clean the key and the programme again."""
    errors: dict = {}
    name = _texts(name)
    _require_text(errors, "name", name, _("Name the level in at least one language."))
    if key in taken:
        errors.setdefault("key", []).append(_("Another level of this programme already has this key."))
    _check(errors)
    level = Level(programme=programme, key=key, name=name, iati_result_type=iati_result_type, order=order)
    level.clean_fields(exclude=["programme"])
    bulk.instances_insert([level])
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=level)
    progress_changed(programme)
    return level


@transaction.atomic
def level_delete(*, actor, level: Level) -> None:
    if level.results.exists():
        raise ValidationError(_("Results are placed at this level: move them to another level or delete them first."))
    _delete_audited(actor, [level])
    level.delete()
    progress_changed(level.programme_id)


# Periods -----------------------------------------------------------------------------------------------


@transaction.atomic
def period_save(
    *,
    actor,
    programme: Programme,
    period: Period | None = None,
    code: str,
    name: dict,
    start,
    end,
) -> Period:
    """Create a reporting period (a year, a biennium, any span), or change one."""
    if period is not None and period.programme_id != programme.pk:
        raise ValidationError(_("This period belongs to another programme."))
    code = (code or "").strip()
    taken = bool(code) and Period.objects.filter(programme=programme, code=code).exclude(pk=_pk(period)).exists()
    overlapping = None
    if start and end and end >= start:
        overlapping = (
            Period.objects.filter(programme=programme, start__lte=end, end__gte=start).exclude(pk=_pk(period)).first()
        )
    errors = _period_errors(programme, code, start, end, taken=taken, overlapping=overlapping)
    _check(errors)
    before = snapshot(period) if period else None
    period = period or Period(programme=programme)
    period.code, period.name, period.start, period.end = code, _texts(name), start, end
    _changed_save(period, before, actor, exclude=["name"])  # a period without a name is shown by its code
    progress_changed(programme)
    _computed_stale(programme.pk)
    return period


def _period_errors(programme: Programme, code: str, start, end, *, taken: bool, overlapping: Period | None) -> dict:
    """What is wrong with a period's code and dates, by field; `taken` and `overlapping` are read by the caller
    (from the database for one period, from the periods read once for a file's)."""
    errors: dict = {}
    if not code:
        errors.setdefault("code", []).append(_("Give the period a code, e.g. 2026 or 2026-2027."))
    elif taken:
        errors.setdefault("code", []).append(_("Another period of this programme already has this code."))
    if start and end and end < start:
        errors.setdefault("end", []).append(_("The end date cannot be before the start date."))
    elif start and end:
        if start < programme.start_date or end > programme.end_date:
            errors.setdefault("start", []).append(
                _("A period falls within the programme's dates (%(start)s to %(end)s).")
                % {"start": programme.start_date.isoformat(), "end": programme.end_date.isoformat()}
            )
        if overlapping is not None:
            errors.setdefault("start", []).append(
                _("This period overlaps the period %(code)s (%(start)s to %(end)s): periods cannot overlap.")
                % {
                    "code": overlapping.code,
                    "start": overlapping.start.isoformat(),
                    "end": overlapping.end.isoformat(),
                }
            )
    return errors


# No savepoint of its own: the file import calls it inside its savepoint (see imported_values_write).
@transaction.atomic(savepoint=False)
def imported_periods_create(
    *, actor, programme: Programme, periods: list[Period], new_programme: bool = False
) -> dict[int, ValidationError]:
    """The new periods of a file import, written set-based: each checked as period_save checks a new one, against
    the programme's periods read once and the ones accepted before it, inserted with one bulk_create, audited in
    one insert, the progress stamp replaced and the computed values marked stale once. A period refused is left
    out and the others written: returns the refusals by position in `periods`. `new_programme`: the import created
    the programme with this activity: nothing of it to read yet."""
    existing = [] if new_programme else list(programme.periods.all())
    codes = {period.code for period in existing}
    accepted: list[Period] = []
    refused: dict[int, ValidationError] = {}
    for index, period in enumerate(periods):
        period.code = (period.code or "").strip()
        start, end = period.start, period.end
        overlapping = None
        if start and end and end >= start:
            overlapping = min(
                (other for other in existing if other.start <= end and other.end >= start),
                key=lambda other: other.start,
                default=None,
            )
        errors = _period_errors(programme, period.code, start, end, taken=period.code in codes, overlapping=overlapping)
        if not errors:
            period.programme, period.name = programme, _texts(period.name)
            try:
                period.clean_fields(exclude=["programme", "name"])
            except ValidationError as error:
                errors = error.message_dict
        if errors:
            refused[index] = ValidationError(errors)
            continue
        accepted.append(period)
        existing.append(period)
        codes.add(period.code)
    if accepted:
        bulk.instances_insert(accepted)
        audit_records(actor=actor, action=AuditEntry.Action.CREATE, instances=[*accepted])
        progress_changed(programme)
        if not new_programme:  # no computed indicator yet
            _computed_stale(programme.pk)
    return refused


@transaction.atomic
def period_delete(*, actor, period: Period) -> None:
    if period.measurements.exists():
        raise ValidationError(
            _("Values have been reported for this period: it cannot be deleted. Change its dates or name instead.")
        )
    _delete_audited(
        actor, [*period.milestones.all(), *period.narratives.all(), *period.disaggregated_targets.all(), period]
    )
    period.delete()
    progress_changed(period.programme_id)
    _computed_stale(period.programme_id)


# Results -----------------------------------------------------------------------------------------------


def _results_renumber(programme: Programme, actor, results: list[Result] | None = None) -> None:
    """Keep `order` the rank of each result in a depth-first walk of the tree (the order the programme
    page reads them in), siblings sorted by their current order. Audits the results that moved. `results`: all
    the programme's, when the caller holds them (else read here)."""
    if results is None:
        results = list(Result.objects.filter(programme=programme).order_by("order", "pk"))
    else:
        results = sorted(results, key=lambda result: (result.order, result.pk))
    children: dict = {}
    for result in results:
        children.setdefault(result.parent_id, []).append(result)
    rank = 0
    stack = list(reversed(children.get(None, [])))
    while stack:
        result = stack.pop()
        rank += 1
        if result.order != rank:
            before = snapshot(result)
            result.order = rank
            result.save(update_fields=["order"])
            audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=result, before=before)
        stack.extend(reversed(children.get(result.pk, [])))


def _results_ranked(results: list[Result]) -> None:
    """_results_renumber of a new programme's results before they are written (a file import's, whose inserts may
    wait for the end of its batch: jalon.lib.bulk.inserts_deferred): the same ranks, the tree followed through the
    records themselves, siblings by their order then as listed (the order of their ids once inserted)."""
    listed = {id(result): index for index, result in enumerate(results)}
    children: dict = {}
    for result in sorted(results, key=lambda result: (result.order, listed[id(result)])):
        children.setdefault(id(result.parent) if result.parent is not None else None, []).append(result)
    rank = 0
    stack = list(reversed(children.get(None, [])))
    while stack:
        result = stack.pop()
        rank += 1
        result.order = rank
        stack.extend(reversed(children.get(id(result), [])))


def _descendant_ids(result: Result) -> set[int]:
    children: dict = {}
    for pk, parent_id in Result.objects.filter(programme_id=result.programme_id).values_list("pk", "parent_id"):
        children.setdefault(parent_id, []).append(pk)
    found: set[int] = set()
    stack = list(children.get(result.pk, []))
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, []))
    return found


@transaction.atomic
def result_save(
    *,
    actor,
    programme: Programme,
    result: Result | None = None,
    level: Level,
    code: str,
    title: dict,
    description: dict | None = None,
    assumptions: dict | None = None,
    parent: Result | None = None,
    order: int | None = None,
) -> Result:
    """Create a result (`result` None) under `parent` (None: at the top), or change one. A new result goes
    after its siblings; `order` ranks it among them otherwise."""
    if result is not None and result.programme_id != programme.pk:
        raise ValidationError(_("This result belongs to another programme."))
    errors: dict = {}
    code = (code or "").strip()
    title = _texts(title)
    _require_text(errors, "title", title, _("Give the result a title in at least one language."))
    if not code:
        errors.setdefault("code", []).append(_("Give the result a code, e.g. IO2."))
    elif Result.objects.filter(programme=programme, code=code).exclude(pk=_pk(result)).exists():
        errors.setdefault("code", []).append(_("Another result of this programme already has this code."))
    if level.programme_id != programme.pk:
        errors.setdefault("level", []).append(_("This level belongs to another programme."))
    if parent is not None:
        if parent.programme_id != programme.pk:
            errors.setdefault("parent", []).append(_("The parent result must be in the same programme."))
        elif result is not None and (parent.pk == result.pk or parent.pk in _descendant_ids(result)):
            errors.setdefault("parent", []).append(
                _("A result cannot be placed under itself or under one of its own sub-results.")
            )
    _check(errors)
    if result is None and order is None:
        # Tie with the last result of the parent's subtree: the renumbering puts the newcomer (highest id)
        # right after it.
        if parent is None:
            order = (programme.results.aggregate(m=Max("order"))["m"] or 0) + 1
        else:
            subtree = _descendant_ids(parent) | {parent.pk}
            order = Result.objects.filter(pk__in=subtree).aggregate(m=Max("order"))["m"] or 0
    before = snapshot(result) if result else None
    result = result or Result(programme=programme)
    result.level, result.code, result.title, result.parent = level, code, title, parent
    result.description = _texts(description)
    result.assumptions = _texts(assumptions)
    if order is not None:
        result.order = order
    _changed_save(result, before, actor)
    _results_renumber(programme, actor)
    progress_changed(programme)
    result.refresh_from_db()
    return result


# No savepoint of its own: the file import calls it inside its savepoint (see imported_values_write).
@transaction.atomic(savepoint=False)
def imported_results_create(*, actor, programme: Programme, results: list[Result], new_programme: bool = False) -> None:
    """The new results of a file import, written set-based: each checked as result_save checks a new one (the
    programme's codes read once), inserted with bulk_create one depth of the tree at a time (a parent may be one of
    the new results, listed before its children), audited in one insert, the tree renumbered and the progress
    stamp replaced once. A result's `order` ranks it among its siblings (0: after all the programme's results).
    Refuses the whole set with the first problem. `new_programme`: the import created the programme with this
    activity: nothing of it to read yet."""
    taken = set() if new_programme else set(programme.results.values_list("code", flat=True))
    last = 0 if new_programme else programme.results.aggregate(m=Max("order"))["m"] or 0
    for result in results:
        errors: dict = {}
        result.code = (result.code or "").strip()
        result.title = _texts(result.title)
        result.description = _texts(result.description)
        result.assumptions = _texts(result.assumptions)
        _require_text(errors, "title", result.title, _("Give the result a title in at least one language."))
        if not result.code:
            errors.setdefault("code", []).append(_("Give the result a code, e.g. IO2."))
        elif result.code in taken:
            errors.setdefault("code", []).append(_("Another result of this programme already has this code."))
        if result.pk is not None or result.programme_id != programme.pk or result.level.programme_id != programme.pk:
            errors.setdefault("level", []).append(_("This level belongs to another programme."))
        if result.parent is not None and result.parent.programme_id != programme.pk:
            errors.setdefault("parent", []).append(_("The parent result must be in the same programme."))
        _check(errors)
        taken.add(result.code)
        if not result.order:
            last += 1
            result.order = last
        result.clean_fields(exclude=["programme", "level", "parent"])
    if new_programme:
        _results_ranked(results)  # before the insert: no update, no second audit entry each
    pending = list(results)
    while pending:
        ready = [result for result in pending if result.parent is None or result.parent.pk is not None]
        if not ready:
            raise ValidationError({"parent": _("The parent result must be in the same programme.")})
        bulk.instances_insert(ready)
        pending = [result for result in pending if result.pk is None]
    audit_records(actor=actor, action=AuditEntry.Action.CREATE, instances=[*results])
    if not new_programme:
        _results_renumber(programme, actor)
    progress_changed(programme)


@transaction.atomic
def result_delete(*, actor, result: Result) -> None:
    """Delete a result with its sub-results and their indicators; refused once values were reported."""
    subtree = _descendant_ids(result) | {result.pk}
    if Measurement.objects.filter(indicator__result__in=subtree).exists():
        raise ValidationError(
            _("Values have been reported for indicators of this result or of its sub-results: it cannot be deleted.")
        )
    indicators = list(Indicator.objects.filter(result__in=subtree))
    cascaded = [
        *Milestone.objects.filter(indicator__in=indicators),
        *Narrative.objects.filter(indicator__in=indicators),
        *DisaggregatedTarget.objects.filter(indicator__in=indicators),
        *indicators,
        *Result.objects.filter(pk__in=subtree - {result.pk}).order_by("-order"),
        result,
    ]
    _delete_audited(actor, cascaded)
    programme = result.programme
    result.delete()
    _results_renumber(programme, actor)
    progress_changed(programme)


# Indicators and milestones -----------------------------------------------------------------------------


def _indicator_validate(indicator: Indicator, programme: Programme, taken: set[str] | None = None) -> None:
    """`taken`: the programme's indicator codes, read once by a caller checking many new indicators (else one query
    here)."""
    errors: dict = {}
    for field in INDICATOR_TEXT_FIELDS:
        setattr(indicator, field, _texts(getattr(indicator, field)))
    _require_text(errors, "title", indicator.title, _("Give the indicator a title in at least one language."))
    indicator.code = (indicator.code or "").strip()
    if not indicator.code:
        errors.setdefault("code", []).append(_("Give the indicator a code."))
    elif (
        indicator.code in taken
        if taken is not None
        else Indicator.objects.filter(result__programme=programme, code=indicator.code)
        .exclude(pk=indicator.pk)
        .exists()
    ):
        errors.setdefault("code", []).append(_("Another indicator of this programme already has this code."))
    if indicator.target_value is not None and indicator.target_relative_percent is not None:
        errors.setdefault("target_relative_percent", []).append(
            _("Give the target either as a value or as an increase over the baseline, not both.")
        )
    if indicator.baseline_value is not None and indicator.baseline_to_be_set_in is not None:
        errors.setdefault("baseline_to_be_set_in", []).append(
            _("The baseline is known: leave “to be set in” empty, or remove the baseline value.")
        )
    indicator.currency = (indicator.currency or "").strip().upper()
    if indicator.measure == Measure.CURRENCY:
        if not (len(indicator.currency) == 3 and indicator.currency.isalpha()):
            errors.setdefault("currency", []).append(_("Give the ISO 4217 code of the currency, e.g. CHF."))
    elif indicator.currency:
        errors.setdefault("currency", []).append(_("A currency is only given for an amount of money."))
    indicator.computation = (indicator.computation or "").strip()
    if indicator.source == Indicator.Source.COMPUTED and not indicator.computation:
        errors.setdefault("computation", []).append(_("Name the computation that produces the values."))
    if indicator.source == Indicator.Source.MANUAL and indicator.computation:
        errors.setdefault("computation", []).append(_("Only a computed indicator names a computation."))
    if (
        indicator.pk
        and Measurement.objects.filter(indicator=indicator).exists()
        and Indicator.objects.filter(pk=indicator.pk).exclude(measure=indicator.measure).exists()
    ):
        errors.setdefault("measure", []).append(
            _("Values have been reported in the current measure: it cannot be changed any more.")
        )
    _check(errors)


@transaction.atomic
def milestone_save(
    *,
    actor,
    indicator: Indicator,
    period: Period,
    value: Decimal | None = None,
    relative_percent: Decimal | None = None,
    note: dict | None = None,
) -> Milestone | None:
    """Set the indicator's target for one period: an absolute value, or an increase over the baseline in
    percent (+50 = baseline x 1.5), not both. With neither (and no note) the period's milestone is removed."""
    milestone = _milestone_save(
        actor=actor, indicator=indicator, period=period, value=value, relative_percent=relative_percent, note=note
    )
    progress_changed(period.programme_id)
    return milestone


def _milestone_save(
    *, actor, indicator: Indicator, period: Period, value=None, relative_percent=None, note=None
) -> Milestone | None:
    if period.programme_id != indicator.result.programme_id:
        raise ValidationError({"period": _("This period belongs to another programme.")})
    if value is not None and relative_percent is not None:
        raise ValidationError(
            {
                "relative_percent": _(
                    "Give the milestone either as a value or as an increase over the baseline, not both."
                )
            }
        )
    note = _texts(note)
    milestone = Milestone.objects.filter(indicator=indicator, period=period).first()
    if value is None and relative_percent is None and not note:
        if milestone is not None:
            _delete_audited(actor, [milestone])
            milestone.delete()
        return None
    before = snapshot(milestone) if milestone else None
    milestone = milestone or Milestone(indicator=indicator, period=period)
    milestone.value, milestone.relative_percent, milestone.note = value, relative_percent, note
    _changed_save(milestone, before, actor)
    return milestone


@transaction.atomic
def indicator_save(
    *,
    actor,
    result: Result,
    indicator: Indicator | None = None,
    dimensions=None,
    milestones: dict | None = None,
    **fields,
) -> Indicator:
    """Create an indicator of `result` (`indicator` None), or change one, with its disaggregations and its
    milestones: {period: {"value": ..., "relative_percent": ..., "note": {...}}}."""
    unknown_fields(fields, INDICATOR_FIELDS, "indicator")
    programme = result.programme
    if indicator is not None and indicator.result.programme_id != programme.pk:
        raise ValidationError(_("This indicator belongs to another programme."))
    before = snapshot(indicator) if indicator else None
    if indicator is None:
        indicator = Indicator(result=result)
        if fields.get("order") is None:
            fields["order"] = (result.indicators.aggregate(m=Max("order"))["m"] or 0) + 1
    elif fields.get("order") is None:
        fields.pop("order", None)
    indicator.result = result
    for key, value in fields.items():
        setattr(indicator, key, value)
    _indicator_validate(indicator, programme)
    dimensions = list(dimensions or [])
    if any(dimension.programme_id != programme.pk for dimension in dimensions):
        raise ValidationError({"dimensions": _("Choose disaggregations of this programme.")})
    removed = _dimensions_removed(indicator, dimensions)
    _normalize_decimals(indicator)
    indicator.full_clean()
    indicator.save()
    if removed:
        # Its targets by those values go with the disaggregation (nothing would show or export them again).
        targets = list(indicator.disaggregated_targets.filter(dimension_value__dimension__in=removed))
        _delete_audited(actor, targets)
        DisaggregatedTarget.objects.filter(pk__in=[target.pk for target in targets]).delete()
    indicator.dimensions.set(dimensions)
    if before is None:
        audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=indicator)
    elif snapshot(indicator) != before:
        audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=indicator, before=before)
    errors: list = []
    for period, target in (milestones or {}).items():
        try:
            _milestone_save(actor=actor, indicator=indicator, period=period, **target)
        except ValidationError as exc:
            errors.extend(f"{period}: {message}" for message in exc.messages)
    if errors:
        raise ValidationError({"milestones": errors})
    progress_changed(programme)
    return indicator


# No savepoint of its own: the file import calls it inside its savepoint (see imported_values_write).
@transaction.atomic(savepoint=False)
def imported_indicators_create(
    *, actor, programme: Programme, indicators: list[tuple[Indicator, list[Dimension]]], new_programme: bool = False
) -> None:
    """The new indicators of a file import, written set-based: each checked as indicator_save checks a new one
    (the programme's codes and each result's last order read once), inserted with bulk_create, their
    disaggregations in one insert, audited in one insert, the progress stamp replaced once. Refuses the whole set
    with the first problem. `new_programme`: the import created the programme with this activity: nothing of it to
    read yet."""
    if not indicators:
        return
    taken: set[str] = set()
    orders: dict[int, int] = {}
    if not new_programme:
        existing = Indicator.objects.filter(result__programme=programme).order_by()
        taken = set(existing.values_list("code", flat=True))
        orders = dict(existing.values("result_id").annotate(last=Max("order")).values_list("result_id", "last"))
    for indicator, dimensions in indicators:
        if indicator.pk is not None or indicator.result.programme_id != programme.pk:
            raise ValidationError(_("This indicator belongs to another programme."))
        if any(dimension.programme_id != programme.pk for dimension in dimensions):
            raise ValidationError({"dimensions": _("Choose disaggregations of this programme.")})
        _indicator_validate(indicator, programme, taken)
        taken.add(indicator.code)
        if not indicator.order:  # after the result's last, as indicator_save places a new one
            orders[indicator.result_id] = indicator.order = (orders.get(indicator.result_id) or 0) + 1
        _normalize_decimals(indicator)
        indicator.clean_fields(exclude=["result"])
    created = [indicator for indicator, _dimensions in indicators]
    bulk.instances_insert(created)
    through = Indicator.dimensions.through
    bulk.instances_insert(
        [
            through(indicator_id=indicator.pk, dimension_id=dimension.pk)
            for indicator, dimensions in indicators
            for dimension in dimensions
        ]
    )
    # The audit's snapshot lists each indicator's disaggregations: the ones just written, not read again.
    audit_records(
        actor=actor,
        action=AuditEntry.Action.CREATE,
        instances=created,
        many_to_many=[{"dimensions": dimensions} for _indicator, dimensions in indicators],
    )
    progress_changed(programme)


def _dimensions_removed(indicator: Indicator, dimensions: list[Dimension]) -> list[Dimension]:
    """The disaggregations an indicator change takes away; refused while values were reported by one of them
    (they would no longer show anywhere)."""
    if indicator.pk is None:
        return []
    kept = {dimension.pk for dimension in dimensions}
    removed = [dimension for dimension in indicator.dimensions.all() if dimension.pk not in kept]
    reported = sorted(
        str(dimension)
        for dimension in removed
        if indicator.measurements.filter(dimension_value__dimension=dimension).exists()
    )
    if reported:
        raise ValidationError(
            {
                "dimensions": _(
                    "Values were reported by %(names)s: a disaggregation with values cannot be taken away from "
                    "the indicator."
                )
                % {"names": ", ".join(reported)}
            }
        )
    return removed


@transaction.atomic
def indicator_delete(*, actor, indicator: Indicator) -> None:
    if indicator.measurements.exists():
        raise ValidationError(_("Values have been reported for this indicator: it cannot be deleted."))
    programme_id = indicator.result.programme_id
    _delete_audited(
        actor,
        [*indicator.milestones.all(), *indicator.narratives.all(), *indicator.disaggregated_targets.all(), indicator],
    )
    indicator.delete()
    progress_changed(programme_id)


# Disaggregations ---------------------------------------------------------------------------------------


@transaction.atomic
def dimension_save(
    *,
    actor,
    programme: Programme,
    dimension: Dimension | None = None,
    kind: str,
    code: str,
    name: dict,
    values: list[dict],
) -> Dimension:
    """Create a way to disaggregate (`dimension` None), or change one, with its values in order:
    [{"code": ..., "name": {...}}]. Values left out are deleted, unless values were reported for them."""
    if dimension is not None and dimension.programme_id != programme.pk:
        raise ValidationError(_("This disaggregation belongs to another programme."))
    errors: dict = {}
    name = _texts(name)
    _require_text(errors, "name", name, _("Name the disaggregation in at least one language."))
    if Dimension.objects.filter(programme=programme, code=code).exclude(pk=_pk(dimension)).exists():
        errors.setdefault("code", []).append(_("Another disaggregation of this programme already has this code."))
    codes = _value_codes(errors, values)
    if dimension is not None and "values" not in errors:
        leaving = dimension.values.exclude(code__in=codes)
        used = sorted(leaving.filter(measurements__isnull=False).distinct().values_list("code", flat=True))
        if used:
            errors.setdefault("values", []).append(
                _("Values have been reported for %(codes)s: keep them in the list.") % {"codes": ", ".join(used)}
            )
    _check(errors)
    before = snapshot(dimension) if dimension else None
    dimension = dimension or Dimension(programme=programme)
    dimension.kind, dimension.code, dimension.name = kind, code, name
    _changed_save(dimension, before, actor)
    existing = {value.code: value for value in dimension.values.all()}
    dropped = [value for code_, value in existing.items() if code_ not in codes]
    _delete_audited(actor, [*DisaggregatedTarget.objects.filter(dimension_value__in=dropped), *dropped])
    DimensionValue.objects.filter(pk__in=[value.pk for value in dropped]).delete()
    for order, (code_, item) in enumerate(zip(codes, values, strict=True), start=1):
        value = existing.get(code_)
        value_before = snapshot(value) if value else None
        value = value or DimensionValue(dimension=dimension, code=code_)
        value.name, value.order = _texts(item.get("name")), order
        _changed_save(value, value_before, actor, exclude=["name"])  # shown by its code when it has no name
    progress_changed(programme)
    return dimension


def _value_codes(errors: dict, values: list[dict]) -> list[str]:
    """The codes of a disaggregation's values, in order; what is wrong with them added to `errors`."""
    codes = [str(item.get("code", "")).strip() for item in values]
    if not codes:
        errors.setdefault("values", []).append(_("Give at least one value."))
    elif "" in codes:
        errors.setdefault("values", []).append(_("Every value needs a code."))
    else:
        repeated = sorted({c for c in codes if codes.count(c) > 1})
        if repeated:
            errors.setdefault("values", []).append(
                _("Each value's code must be unique: %(codes)s repeated.") % {"codes": ", ".join(repeated)}
            )
        if any(len(c) > 40 for c in codes):
            errors.setdefault("values", []).append(_("A value's code has at most 40 characters."))
    return codes


@transaction.atomic(savepoint=False)
def imported_dimension_create(
    *, actor, programme: Programme, kind: str, code: str, name: dict, values: list[dict], taken: set[str]
) -> tuple[Dimension, list[DimensionValue]]:
    """dimension_save of a new disaggregation for a file import, with its checks, against the codes of the
    programme's disaggregations as the import read them (`taken`): one insert of it and one of its values,
    audited in one insert, where dimension_save asks the database for the code and the values it has, and
    full_clean for each row's uniqueness (7 ms a disaggregation, a sixth of a file of new programmes). Returns it
    with its values."""
    errors: dict = {}
    name = _texts(name)
    _require_text(errors, "name", name, _("Name the disaggregation in at least one language."))
    if code in taken:
        errors.setdefault("code", []).append(_("Another disaggregation of this programme already has this code."))
    codes = _value_codes(errors, values)
    _check(errors)
    dimension = Dimension(programme=programme, kind=kind, code=code, name=name)
    dimension.clean_fields(exclude=["programme"])
    bulk.instances_insert([dimension])
    rows = [
        DimensionValue(dimension=dimension, code=code_, name=_texts(item.get("name")), order=order)
        for order, (code_, item) in enumerate(zip(codes, values, strict=True), start=1)
    ]
    for row in rows:
        row.clean_fields(exclude=["dimension", "name"])  # shown by its code when it has no name
    bulk.instances_insert(rows)
    audit_records(actor=actor, action=AuditEntry.Action.CREATE, instances=[dimension, *rows])
    progress_changed(programme)
    return dimension, rows


@transaction.atomic
def dimension_delete(*, actor, dimension: Dimension) -> None:
    if Measurement.objects.filter(dimension_value__dimension=dimension).exists():
        raise ValidationError(_("Values have been reported for this disaggregation: it cannot be deleted."))
    _delete_audited(
        actor,
        [
            *DisaggregatedTarget.objects.filter(dimension_value__dimension=dimension),
            *dimension.values.all(),
            dimension,
        ],
    )
    dimension.delete()
    progress_changed(dimension.programme_id)


# A reporting round: comment threads, narratives, generated periods, targets by disaggregation -------------


def measurement_url(measurement: Measurement) -> str:
    """The absolute address of a value on its indicator's page (e-mails are read outside the site: the
    site's address comes from settings.SITE_URL)."""
    return urljoin(settings.SITE_URL, f"{measurement.indicator.get_absolute_url()}#m{measurement.pk}")


COMMENT_MAX_LENGTH = 5000


@transaction.atomic
def measurement_comment_add(*, actor, measurement: Measurement, body: str) -> MeasurementComment:
    """Add a message to a value's thread and tell, by e-mail once committed, the others concerned: the value's
    author, its reviewer and who wrote in the thread before (they also find it in their inbox)."""
    # As stored now (its reviewer may have changed since the caller read it): the e-mails go to who it names.
    measurement = Measurement.objects.select_related(
        "indicator__result__programme", "period", "author", "reviewer"
    ).get(pk=measurement.pk)
    if not access.measurement_can_comment(actor, measurement):
        raise ValidationError(_("Only the people concerned by this value can comment on it."))
    body = (body or "").strip()
    if not body:
        raise ValidationError({"body": _("Write the comment.")})
    if len(body) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"body": _("A comment has at most %(count)s characters.") % {"count": COMMENT_MAX_LENGTH}}
        )
    comment = MeasurementComment.objects.create(measurement=measurement, author=actor, body=body)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=comment)
    _comment_notify(comment)
    return comment


def _comment_notify(comment: MeasurementComment) -> None:
    measurement = comment.measurement
    people = {measurement.author, measurement.reviewer}
    people |= {c.author for c in measurement.comments.select_related("author").exclude(pk=comment.pk)}
    recipients = sorted(
        {person.email for person in people if person is not None and person.email and person.pk != comment.author_id}
    )
    if not recipients:
        return
    names = {"indicator": measurement.indicator.code, "period": measurement.period}
    subject = _("New comment: %(indicator)s, %(period)s") % names
    who = comment.author.get_full_name() or comment.author.get_username() if comment.author else ""
    text = _("%(who)s commented on the value for %(indicator)s, %(period)s:\n\n%(body)s\n\n%(url)s") % {
        **names,
        "who": who,
        "body": comment.body,
        "url": measurement_url(measurement),
    }
    transaction.on_commit(lambda: send_mail(subject, text, None, recipients, fail_silently=True))


NARRATIVE_FIELDS = ("achieved", "variance", "next_steps")


@transaction.atomic
def narrative_save(
    *, actor, indicator: Indicator, period: Period, importing: bool = False, **texts
) -> Narrative | None:
    """Write an indicator's narrative for a period (what happened, why it differs, what next), each text per
    language. All texts empty: the narrative is removed (None). `importing`: an IATI import, whose starter
    was already allowed to write into the programme (the command line has every right)."""
    unknown_fields(texts, NARRATIVE_FIELDS, "narrative")
    programme = indicator.result.programme
    if not importing and not access.narrative_can_write(actor, programme):
        raise ValidationError(_("Only the programme's reporters and managers write its narratives."))
    if period.programme_id != programme.pk:
        raise ValidationError(_("This period belongs to another programme."))
    cleaned = {name: _texts(texts.get(name)) for name in NARRATIVE_FIELDS}
    narrative = Narrative.objects.select_for_update().filter(indicator=indicator, period=period).first()
    if not any(cleaned.values()):
        if narrative is not None:
            _delete_audited(actor, [narrative])
            narrative.delete()
            progress_changed(programme)
        return None
    before = snapshot(narrative) if narrative else None
    narrative = narrative or Narrative(indicator=indicator, period=period)
    for name, value in cleaned.items():
        setattr(narrative, name, value)
    narrative.author = actor if getattr(actor, "is_authenticated", False) else None
    if _changed_save(narrative, before, actor):
        progress_changed(programme)  # the tracking table and its exports show the narratives
    return narrative


class Frequency(models.TextChoices):
    YEAR = "year", gettext_lazy("Years")
    BIENNIUM = "biennium", gettext_lazy("Bienniums")
    SEMESTER = "semester", gettext_lazy("Semesters")
    QUARTER = "quarter", gettext_lazy("Quarters")


FREQUENCY_MONTHS = {Frequency.YEAR: 12, Frequency.BIENNIUM: 24, Frequency.SEMESTER: 6, Frequency.QUARTER: 3}


def _month_add(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return day.replace(year=index // 12, month=index % 12 + 1, day=1)


def period_spans(programme: Programme, frequency: str) -> list[tuple[str, dict, datetime.date, datetime.date]]:
    """(code, name, start, end) of each period of the frequency between the programme's dates: calendar
    years, semesters and quarters (bienniums from the programme's first year), the first and last cut to
    the programme's dates."""
    months = FREQUENCY_MONTHS[Frequency(frequency)]
    first = programme.start_date
    block = (
        first.replace(day=1, month=1)
        if months >= 12
        else first.replace(day=1, month=(first.month - 1) // months * months + 1)
    )
    spans = []
    while block <= programme.end_date:
        following = _month_add(block, months)
        start = max(block, first)
        end = min(following - datetime.timedelta(days=1), programme.end_date)
        number = (block.month - 1) // months + 1
        if months == 12:
            code, name = str(block.year), {"fr": str(block.year), "en": str(block.year)}
        elif months == 24:
            code = f"{block.year}-{block.year + 1}"
            name = {"fr": code, "en": code}
        elif months == 6:
            code = f"{block.year}-S{number}"
            name = {"fr": f"S{number} {block.year}", "en": f"H{number} {block.year}"}
        else:
            code = f"{block.year}-Q{number}"
            name = {"fr": f"T{number} {block.year}", "en": f"Q{number} {block.year}"}
        spans.append((code, name, start, end))
        block = following
    return spans


@dataclass
class GeneratedPeriods:
    created: list[Period]
    # Spans left out because a period of the programme already covers part of them, or has their code.
    skipped: list[str]


@transaction.atomic
def periods_generate(*, actor, programme: Programme, frequency: str) -> GeneratedPeriods:
    """Create the periods of a frequency between the programme's dates, leaving out each one that would
    overlap a period the programme has (or reuse its code): running it twice creates nothing the second time."""
    if not access.programme_can_manage(actor, programme):
        raise ValidationError(_("Only the programme's managers change its periods."))
    if frequency not in Frequency.values:
        raise ValidationError({"frequency": _("Choose years, bienniums, semesters or quarters.")})
    Programme.objects.select_for_update().filter(pk=programme.pk).first()  # one generation at a time
    existing = list(Period.objects.filter(programme=programme).values_list("code", "start", "end"))
    created, skipped = [], []
    for code, name, start, end in period_spans(programme, frequency):
        if any(
            code == other or (start <= other_end and end >= other_start) for other, other_start, other_end in existing
        ):
            skipped.append(code)
            continue
        period = Period(programme=programme, code=code, name=name, start=start, end=end)
        _changed_save(period, None, actor)
        created.append(period)
        existing.append((code, start, end))
    if created:
        progress_changed(programme)
        _computed_stale(programme.pk)
    return GeneratedPeriods(created=created, skipped=skipped)


@transaction.atomic
def disaggregated_targets_save(*, actor, indicator: Indicator, targets: dict, importing: bool = False) -> int:
    """Set the targets of an indicator by disaggregation value and period: `targets` maps (period id,
    dimension value id) to a value, None removing it. Only values of the indicator's disaggregations and
    periods of its programme. Returns how many targets changed. `importing`: an IATI import, whose starter
    was already allowed to write into the programme (the command line has every right)."""
    programme = indicator.result.programme
    if not importing and not access.programme_can_manage(actor, programme):
        raise ValidationError(_("Only the programme's managers set targets."))
    periods = set(Period.objects.filter(programme=programme).values_list("pk", flat=True))
    values = set(DimensionValue.objects.filter(dimension__indicators=indicator).values_list("pk", flat=True))
    errors: dict = {}
    for (period_id, value_id), value in targets.items():
        if period_id not in periods or value_id not in values:
            errors.setdefault("targets", []).append(
                _("A target is set only for the indicator's disaggregations and the programme's periods.")
            )
        elif value is not None and value < 0 and indicator.measure in (Measure.COUNT, Measure.CURRENCY):
            errors.setdefault("targets", []).append(_("A target cannot be negative."))
        elif value is not None and not _within_places(Decimal(value), 4):
            errors.setdefault("targets", []).append(_("A target has at most 4 decimal places."))
    _check({key: sorted(set(messages)) for key, messages in errors.items()})
    current = {
        (t.period_id, t.dimension_value_id): t
        for t in DisaggregatedTarget.objects.select_for_update().filter(indicator=indicator)
    }
    changed = 0
    for key, value in targets.items():
        target = current.get(key)
        if value is None:
            if target is not None:
                _delete_audited(actor, [target])
                target.delete()
                changed += 1
            continue
        before = snapshot(target) if target else None
        target = target or DisaggregatedTarget(indicator=indicator, period_id=key[0], dimension_value_id=key[1])
        target.value = Decimal(value)
        changed += _changed_save(target, before, actor)
    if changed:
        progress_changed(programme)
    return changed
