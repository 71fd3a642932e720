"""What the import tests build: a workshop with sessions, participants' rows, and those rows as the files
people upload (XLSX written by openpyxl, CSV in the encodings and separators Excel uses)."""

import csv
import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from jalon.activities.models import Activity, ActivitySession
from jalon.activities.services import activity_create, session_create

HEADERS_EN = [
    "Given name",
    "Family name",
    "Email",
    "Sex",
    "Organisation",
    "Country",
    "Function",
    "Session 1",
    "Session 2",
    "Session 3",
    "Pre-test score",
    "Post-test score",
    "Satisfaction (1-5)",
    "Completed",
]
HEADERS_FR = [
    "Prénom",
    "Nom",
    "Courriel",
    "Sexe",
    "Organisation",
    "Pays",
    "Profil",
    "Séance 1",
    "Séance 2",
    "Séance 3",
    "Note au test initial",
    "Note au test final",
    "Satisfaction (1-5)",
    "Terminé",
]


def workshop_create(actor, organiser, *, code="gsp-workshop", sessions=3) -> Activity:
    start = datetime.date(2026, 3, 2)
    activity = activity_create(
        actor=actor,
        code=code,
        title={"en": "Good standardization practice workshop", "fr": "Atelier sur les bonnes pratiques"},
        type=Activity.Type.WORKSHOP,
        modality=Activity.Modality.IN_PERSON,
        level=Activity.Level.NATIONAL,
        start_date=start,
        end_date=start + datetime.timedelta(days=max(sessions - 1, 0)),
        organiser=organiser,
        countries=[organiser.country],
        status=Activity.Status.ONGOING,
    )
    for day in range(sessions):
        session_create(
            actor=actor, activity=activity, date=start + datetime.timedelta(days=day), title=f"Day {day + 1}"
        )
    return activity


def participant_rows(count: int, *, start: int = 0) -> list[list]:
    """`count` valid rows (English values), people numbered from `start`."""
    rows = []
    for number in range(start, start + count):
        rows.append(
            [
                f"Given{number}",
                f"Family{number}",
                f"participant{number}@example.org",
                "F" if number % 2 else "M",
                "ASN",
                "SEN",
                "NSB staff",
                "yes",
                "yes" if number % 3 else "no",
                "",
                40 + number % 20,
                70.5,
                4,
                "yes" if number % 4 else "no",
            ]
        )
    return rows


def xlsx_bytes(header: list, rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(header: list, rows: list[list], *, separator=",", encoding="utf-8", bom=False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=separator)
    writer.writerow(header)
    writer.writerows(rows)
    data = buffer.getvalue().encode(encoding)
    return (b"\xef\xbb\xbf" + data) if bom else data


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def sessions_of(activity: Activity) -> list[ActivitySession]:
    return list(activity.sessions.order_by("date"))
