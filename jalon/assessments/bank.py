"""Loading a question bank from its data file (data/*.json, see data/PROVENANCE.md).

A file holds one framework version: its answer sets, sections and questions, and (for a revision) the
mapping from the previous version's questions. Loading is all-or-nothing and idempotent: loading the same
file again changes nothing; a version that already has assessments is never altered (a revision is a new
version), only reported as already there."""

import json
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jalon.accounts.audit import audit_record
from jalon.accounts.models import AuditEntry
from jalon.assessments.models import (
    AnswerOption,
    AnswerSet,
    Framework,
    Question,
    QuestionMapping,
    Section,
)
from jalon.organisations.models import Organisation

DATA = Path(__file__).resolve().parent / "data"
KINDS = {value for value, _label in Organisation.Kind.choices}
TBT_PARAGRAPHS = set("ABCDEFGHIJKLMNOPQ")


def bank_files() -> list[Path]:
    return sorted(
        DATA.glob("*.json"), key=lambda path: (json.loads(path.read_text())["framework"]["version"], path.name)
    )


def _decimal(value, where: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise ValidationError(_("%(where)s: %(value)r is not a number.") % {"where": where, "value": value}) from None
    if not number.is_finite():
        raise ValidationError(_("%(where)s: %(value)r is not a number.") % {"where": where, "value": value})
    return number


def _text(value, where: str) -> dict:
    if not isinstance(value, dict) or not value.get("en") or not value.get("fr"):
        raise ValidationError(_("%(where)s: give the text in French and English.") % {"where": where})
    return value


def _tbt(values, where: str) -> list[str]:
    letters = list(values or [])
    wrong = [letter for letter in letters if letter not in TBT_PARAGRAPHS]
    if wrong:
        raise ValidationError(
            _("%(where)s: %(wrong)s is not a TBT Annex 3 paragraph (A to Q).") % {"where": where, "wrong": wrong[0]}
        )
    return letters


@transaction.atomic
def bank_load(*, actor, data: dict, source: str = "", is_demo: bool = False) -> tuple[Framework, bool]:
    """(the framework, whether it was created). Raises ValidationError naming the faulty entry."""
    if not isinstance(data, dict) or not isinstance(data.get("framework"), dict):
        raise ValidationError(_("The file has no 'framework' entry."))
    head = data["framework"]
    code, version = str(head.get("code", "")), head.get("version")
    if not code or not isinstance(version, int) or version < 1:
        raise ValidationError(_("The framework needs a code and a version number (1 or more)."))
    existing = Framework.objects.filter(code=code, version=version).first()
    if existing is not None:
        return existing, False
    previous = None
    mapping = data.get("mapping") or {}
    if mapping:
        from_version = mapping.get("from_version")
        if not isinstance(from_version, int):
            raise ValidationError(_("The mapping needs the version it maps from."))
        previous = Framework.objects.filter(code=code, version=from_version).first()
        if previous is None:
            raise ValidationError(
                _("Load version %(version)s of %(code)s before its revision.")
                % {"version": mapping.get("from_version"), "code": code}
            )
    bands = head.get("bands") or None
    framework = Framework(
        code=code,
        version=version,
        title=_text(head.get("title"), code),
        description=head.get("description") or {},
        coverage_threshold=_decimal(head.get("coverage_threshold", "0.8"), "coverage_threshold"),
        previous=previous,
        source=source[:200],
        is_demo=is_demo,
    )
    if bands:
        for band in bands:
            _decimal(band.get("min"), "bands")
            _text(band.get("label"), f"band {band.get('code')}")
        framework.bands = bands
    framework.full_clean()
    framework.save()
    sets = {}
    for entry in data.get("answer_sets") or []:
        answer_set = AnswerSet.objects.create(
            framework=framework, code=entry["code"], title=_text(entry.get("title"), entry["code"])
        )
        for order, option in enumerate(entry.get("options") or []):
            where = f"{entry['code']}/{option.get('code')}"
            value = _decimal(option.get("value"), where)
            if not Decimal(0) <= value <= Decimal(1):
                raise ValidationError(_("%(where)s: a value is between 0 and 1.") % {"where": where})
            AnswerOption.objects.create(
                answer_set=answer_set, code=option["code"], label=_text(option.get("label"), where), value=value,
                order=order,
            )  # fmt: skip
        sets[entry["code"]] = answer_set
    questions = {}
    for section_order, entry in enumerate(data.get("sections") or []):
        section = Section.objects.create(
            framework=framework,
            code=entry["code"],
            title=_text(entry.get("title"), entry["code"]),
            description=entry.get("description") or {},
            gsp_clauses=list(entry.get("gsp") or []),
            tbt_paragraphs=_tbt(entry.get("tbt"), entry["code"]),
            order=section_order,
        )
        for order, item in enumerate(entry.get("questions") or []):
            where = item.get("code", "?")
            if item.get("answer_set") not in sets:
                raise ValidationError(
                    _("%(where)s: unknown answer set %(set)r.") % {"where": where, "set": item.get("answer_set")}
                )
            kinds = list(item.get("applies_to") or [])
            if set(kinds) - KINDS:
                raise ValidationError(_("%(where)s: unknown kind of organisation.") % {"where": where})
            if where in questions:
                raise ValidationError(_("%(where)s: this question code is used twice.") % {"where": where})
            evidence = item.get("evidence_expected") or []
            for number, criterion in enumerate(evidence):
                _text(criterion, f"{where} evidence {number + 1}")
            questions[where] = Question.objects.create(
                section=section,
                code=where,
                text=_text(item.get("text"), where),
                guidance=item.get("guidance") or {},
                evidence_expected=evidence,
                answer_set=sets[item["answer_set"]],
                weight=_decimal(item.get("weight", "1"), where),
                evidence_required=bool(item.get("evidence_required")),
                applies_to=kinds,
                gsp_clauses=list(item.get("gsp") or []),
                tbt_paragraphs=_tbt(item.get("tbt"), where),
                order=order,
            )
    if previous is not None:
        old = {question.code: question for question in Question.objects.filter(section__framework=previous)}
        explicit = set()
        for link in mapping.get("questions") or []:
            source_question, target = old.get(link.get("from")), questions.get(link.get("to"))
            if source_question is None or target is None:
                raise ValidationError(
                    _("Mapping %(source)s -> %(target)s: a question is unknown.")
                    % {"source": link.get("from"), "target": link.get("to")}
                )
            QuestionMapping.objects.create(
                source=source_question, target=target, factor=_decimal(link.get("factor", "1"), "mapping")
            )
            explicit.add(link["from"])
        for code_, target in questions.items():
            if code_ in old and code_ not in explicit:
                QuestionMapping.objects.create(source=old[code_], target=target)
    audit_record(actor=actor, action=AuditEntry.Action.CREATE, instance=framework)
    return framework, True


def bank_load_file(*, actor, path: Path, is_demo: bool = False) -> tuple[Framework, bool]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValidationError(_("The file cannot be read as JSON: %(error)s") % {"error": exc}) from None
    return bank_load(actor=actor, data=data, source=Path(path).name, is_demo=is_demo)


def banks_ensure() -> list[Framework]:
    """Every shipped bank, loaded if it is not yet (the demo and tests call it)."""
    return [bank_load_file(actor=None, path=path)[0] for path in bank_files()]
