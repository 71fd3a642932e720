"""XLSForm export and import of a survey (sheets survey, choices and settings; labels per language as
`label::English (en)` and `label::French (fr)`), so that a form can run offline in ODK Collect or
KoboToolbox; the answers come back as a CSV export (responses_import_csv). A form jalon writes is checked
with pyxform, the reference XLSForm converter, before it is offered; an imported form is checked the same way."""

import csv
import io

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from pyxform.errors import PyXFormError
from pyxform.xls2xform import convert

from jalon.accounts.audit import audit_record
from jalon.accounts.models import AuditEntry
from jalon.assessments.models import (
    SCALE_POINTS,
    ConstituentGroup,
    Scale,
    Survey,
    SurveyAnswer,
    SurveyQuestion,
    SurveyResponse,
)
from jalon.lib.multilingual import text_in

EN, FR = "label::English (en)", "label::French (fr)"
DONT_KNOW = "dk"
DONT_KNOW_LABEL = ("Don't know", "Ne sait pas")
# A question without "don't know" takes the scale's list without it: `likert5` has it, `likert5_nodk` not.
NO_DK = "_nodk"
# Whether a question counts for the satisfaction rate: a column of jalon's own, which ODK, KoboToolbox and
# pyxform leave aside, so that the form comes back as it left.
COUNTS = "jalon_counts"
GROUP_LABELS = {
    ConstituentGroup.GOVERNMENT: ("Government", "Gouvernement"),
    ConstituentGroup.EMPLOYERS: ("Employers", "Employeurs"),
    ConstituentGroup.WORKERS: ("Workers", "Travailleurs"),
    ConstituentGroup.FOCAL_POINT: ("NSB focal point", "Point focal de l'ONN"),
    ConstituentGroup.PARTICIPANT: ("Participant", "Participant"),
}
MAX_BYTES = 5_000_000


def survey_to_xlsform(survey: Survey) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "survey"
    sheet.append(["type", "name", EN, FR, "required", COUNTS])
    units = sorted(set(survey.invitations.values_list("unit_code", "unit_name")))
    if units:
        sheet.append(["select_one units", "unit", "Country programme", "Programme pays", "yes"])
    else:
        sheet.append(["text", "unit", "Country programme (code)", "Programme pays (code)", "yes"])
    sheet.append(["select_one groups", "group", "Constituent group", "Groupe de mandants", "yes"])
    for question in survey.questions.order_by("order", "pk"):
        sheet.append(
            [
                f"select_one {question.scale}{'' if question.dont_know else NO_DK}",
                question.code,
                text_in(question.text, "en"),
                text_in(question.text, "fr"),
                "yes",
                "yes" if question.counts else "no",
            ]
        )
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", EN, FR])
    for code, name in units:
        choices.append(["units", code, name or code, name or code])
    for group in survey.groups():
        choices.append(["groups", group, *GROUP_LABELS[ConstituentGroup(group)]])
    for scale, dont_know in sorted({(q.scale, q.dont_know) for q in survey.questions.all()}):
        name = scale if dont_know else scale + NO_DK
        for value, english, french in SCALE_POINTS[Scale(scale)]:
            choices.append([name, str(value), english, french])
        if dont_know:
            choices.append([name, DONT_KNOW, *DONT_KNOW_LABEL])
    settings = book.create_sheet("settings")
    settings.append(["form_title", "form_id", "version", "default_language"])
    settings.append([text_in(survey.title), survey.code, str(survey.version), "French (fr)"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsform_validate(data: bytes) -> str:
    """The XForm pyxform makes of the workbook, or a ValidationError with pyxform's reason."""
    try:
        return convert(xlsform=io.BytesIO(data), file_type=".xlsx").xform
    except (PyXFormError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ValidationError(_("This XLSForm is not valid: %(error)s") % {"error": str(exc)[:300]}) from None
    except Exception as exc:  # a malformed workbook raises whatever its reader raises
        raise ValidationError(_("This XLSForm is not valid: %(error)s") % {"error": type(exc).__name__}) from None


@transaction.atomic
def xlsform_import(*, actor, survey: Survey, data: bytes) -> int:
    """Replace a draft survey's questions by the scaled questions of an XLSForm (rows `select_one likert5` or
    `select_one agree6`); returns how many. All or nothing."""
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is too large."))
    if survey.status != Survey.Status.DRAFT or survey.responses.exists():
        raise ValidationError(_("Questions can be replaced only on a draft survey without answers."))
    xlsform_validate(data)
    book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    if "survey" not in book.sheetnames:
        raise ValidationError(_("The workbook has no 'survey' sheet."))
    rows = list(book["survey"].iter_rows(values_only=True))
    header = [str(cell or "").strip() for cell in rows[0]] if rows else []
    if "type" not in header or "name" not in header:
        raise ValidationError(_("The 'survey' sheet needs the columns type and name."))
    column = {name: header.index(name) for name in header if name}

    def cell(row, name):
        index = column.get(name)
        return str(row[index]).strip() if index is not None and index < len(row) and row[index] is not None else ""

    questions = []
    for row in rows[1:]:
        kind = cell(row, "type").split()
        scale = kind[1].removesuffix(NO_DK) if len(kind) == 2 else ""
        if len(kind) == 2 and kind[0] == "select_one" and scale in Scale.values:
            english = cell(row, EN) or cell(row, "label")
            text = {"en": english, "fr": cell(row, FR) or english}
            counts = cell(row, COUNTS).lower() not in ("no", "false", "0")
            questions.append((cell(row, "name"), text, scale, not kind[1].endswith(NO_DK), counts))
    if not questions:
        raise ValidationError(_("The form has no question on a jalon scale (select_one likert5 or agree6)."))
    survey.questions.all().delete()
    for order, (code, text, scale, dont_know, counts) in enumerate(questions):
        question = SurveyQuestion(
            survey=survey, code=code[:40], text=text, scale=scale, dont_know=dont_know, counts=counts, order=order
        )
        question.full_clean(exclude=["survey"])
        question.save()
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=survey)
    return len(questions)


@transaction.atomic
def responses_import_csv(*, actor, survey: Survey, data: bytes) -> int:
    """Answers collected offline, from the CSV export of ODK or KoboToolbox: columns unit, group and one per
    question code (values 1..N, "dk" or empty). All or nothing: any faulty row refuses the file, naming it."""
    if len(data) > MAX_BYTES:
        raise ValidationError(_("The file is too large."))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(_("The file is not UTF-8 text.")) from None
    reader = csv.DictReader(io.StringIO(text))
    # Kobo and ODK may prefix a column with its group path ("group/q1"): the last part is the name.
    fields = {name.rsplit("/", 1)[-1]: name for name in reader.fieldnames or []}
    if "unit" not in fields or "group" not in fields:
        raise ValidationError(_("The CSV needs the columns unit and group."))
    questions = {q.code: q for q in survey.questions.all() if q.code in fields}
    if not questions:
        raise ValidationError(_("No column of the CSV is a question of this survey."))
    groups = set(survey.groups())
    errors, pending = [], []
    for number, row in enumerate(reader, start=2):
        unit, group = (row.get(fields["unit"]) or "").strip(), (row.get(fields["group"]) or "").strip()
        if not unit or group not in groups:
            errors.append(_("Row %(row)s: a unit and one of the groups %(groups)s are needed.") % {
                "row": number, "groups": ", ".join(sorted(groups))})  # fmt: skip
            continue
        answers: list[tuple[SurveyQuestion, int | None, bool]] = []
        for code, question in questions.items():
            raw = (row.get(fields[code]) or "").strip().lower()
            if not raw:
                continue
            if raw == DONT_KNOW and question.dont_know:
                answers.append((question, None, True))
            elif raw.isdigit() and any(int(raw) == point[0] for point in question.points):
                answers.append((question, int(raw), False))
            else:
                errors.append(_("Row %(row)s, column %(column)s: %(value)s is not an answer of its scale.") % {
                    "row": number, "column": code, "value": raw[:20]})  # fmt: skip
        pending.append((unit, group, answers))
    if errors:
        raise ValidationError(errors[:20])
    names = dict(survey.invitations.values_list("unit_code", "unit_name"))
    for unit, group, answers in pending:
        response = SurveyResponse.objects.create(
            survey=survey, unit_code=unit[:40], unit_name=names.get(unit, ""), group=group, source="csv"
        )
        SurveyAnswer.objects.bulk_create(
            SurveyAnswer(response=response, question=q, value=v, dont_know=dk) for q, v, dk in answers
        )
    audit_record(actor=actor, action=AuditEntry.Action.UPDATE, instance=survey)
    return len(pending)
