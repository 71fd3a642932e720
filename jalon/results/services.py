"""Writes to results frameworks: loading the seed frameworks, and the measurement workflow."""

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_record, snapshot
from jalon.accounts.models import AuditEntry
from jalon.organisations.models import Organisation
from jalon.organisations.services import organisation_create
from jalon.results.models import (
    Indicator,
    Level,
    Measure,
    Measurement,
    Milestone,
    Period,
    Programme,
    Result,
)

FRAMEWORKS_DIR = Path(__file__).resolve().parent / "data" / "frameworks"
SEED_FRAMEWORKS = ("iso-ap-2021-2025", "itu-res44", "ilo-tc-2010-2015")


class ConflictError(ValidationError):
    """The record changed since the editor loaded it."""


def _decimal(value) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
        # At the 4 decimal places the database gives back ("70" is read as 70.0000): otherwise a reload
        # of an unchanged file would see a change. More places are left for full_clean() to refuse.
        if number.is_finite() and number.as_tuple().exponent >= -4:
            return number.quantize(Decimal("0.0001"))
        return number
    except InvalidOperation as exc:
        raise ValidationError(_("“%(value)s” is not a number.") % {"value": value}) from exc


def _owner(actor, spec: dict) -> Organisation:
    owner = Organisation.objects.filter(acronym=spec["acronym"], kind=Organisation.Kind.INTERNATIONAL_SDO).first()
    if owner is None:
        owner = organisation_create(
            actor=actor,
            name=spec["name"].get("en") or spec["acronym"],
            name_fr=spec["name"].get("fr", ""),
            acronym=spec["acronym"],
            kind=Organisation.Kind.INTERNATIONAL_SDO,
        )
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
                },
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
    return programme


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
    "evidence",
    "evidence_url",
    "dimension_value",
    "organisation",
)


def _validate_measurement(measurement: Measurement) -> None:
    indicator = measurement.indicator
    if indicator.source == Indicator.Source.COMPUTED and not measurement.computed:
        raise ValidationError(_("This indicator is computed from operational records: it cannot be typed in."))
    if measurement.period.programme_id != indicator.result.programme_id:
        raise ValidationError({"period": _("This period belongs to another programme.")})
    if (
        measurement.dimension_value_id
        and not indicator.dimensions.filter(pk=measurement.dimension_value.dimension_id).exists()
    ):
        raise ValidationError({"dimension_value": _("This indicator is not disaggregated that way.")})
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
        measurement.value = (measurement.numerator * 100 / measurement.denominator).quantize(Decimal("0.0001"))
    if measurement.value is None:
        raise ValidationError({"value": _("Enter a value.")})


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
    if submit:
        measurement.status, measurement.submitted_at = Measurement.Status.SUBMITTED, timezone.now()
    measurement.full_clean()
    measurement.save()
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=measurement)
    return measurement


def _locked(measurement: Measurement, version: int | None) -> Measurement:
    current = (
        Measurement.objects.select_for_update().select_related("indicator__result", "period").get(pk=measurement.pk)
    )
    if version is not None and current.version != version:
        raise ConflictError(
            _(
                "Someone else changed this value while you were editing it. Reload the page to see their "
                "version; your entry was not saved."
            )
        )
    return current


def _save_audited(current: Measurement, before: dict, actor) -> Measurement:
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=current, before=before)
    return current


@transaction.atomic
def measurement_update(
    *, actor, measurement: Measurement, version: int | None = None, submit: bool = False, **fields
) -> Measurement:
    current = _locked(measurement, version)
    before = snapshot(current)
    for key, value in fields.items():
        if key not in MEASUREMENT_FIELDS:
            raise TypeError(f"unknown measurement field: {key}")
        setattr(current, key, value)
    _validate_measurement(current)
    if current.status == Measurement.Status.APPROVED and not current.computed:
        # A change to an approved value goes back through review.
        current.status = Measurement.Status.SUBMITTED
    if submit:
        current.status, current.submitted_at = Measurement.Status.SUBMITTED, timezone.now()
    current.full_clean()
    return _save_audited(current, before, actor)


@transaction.atomic
def measurement_submit(*, actor, measurement: Measurement, version: int | None = None) -> Measurement:
    current = _locked(measurement, version)
    if current.status not in (Measurement.Status.DRAFT, Measurement.Status.RETURNED):
        raise ValidationError(_("Only a draft or a returned value can be submitted."))
    before = snapshot(current)
    current.status, current.submitted_at = Measurement.Status.SUBMITTED, timezone.now()
    return _save_audited(current, before, actor)


@transaction.atomic
def measurement_review(
    *, actor, measurement: Measurement, approve: bool, note: str = "", version: int | None = None
) -> Measurement:
    """Approve a submitted value, or return it to its author with a note saying what to fix."""
    current = _locked(measurement, version)
    if current.status != Measurement.Status.SUBMITTED:
        raise ValidationError(_("Only a submitted value can be approved or returned."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say what needs fixing when you return a value.")})
    before = snapshot(current)
    current.status = Measurement.Status.APPROVED if approve else Measurement.Status.RETURNED
    current.review_note, current.reviewer, current.reviewed_at = note, actor, timezone.now()
    return _save_audited(current, before, actor)
