"""An activity's participant list (CSV and XLSX) and its sign-in sheet for a session (PDF to print, and XLSX).

Texts people typed (names, organisations) are written as text, never as formulas (CSV injection: the same
rule as the tracking export, interop.tabular.safe_cell)."""

import csv
import io

from django.utils.formats import date_format
from django.utils.translation import gettext as _
from fpdf import FPDF
from openpyxl import Workbook
from openpyxl.styles import Font

from jalon.activities.certificates import PDF_ENCODING, pdf_text
from jalon.activities.models import Activity, ActivitySession, Registration
from jalon.interop.tabular import safe_cell
from jalon.lib.multilingual import text_in


def participants_header() -> list[str]:
    return [
        _("Family name"),
        _("Given name"),
        _("Email"),
        _("Organisation"),
        _("Country"),
        _("Function"),
        _("Status"),
        _("Sessions attended"),
        _("Test before"),
        _("Test after"),
        _("Satisfaction"),
        _("Applied"),
        _("Completed"),
        _("Certificate"),
    ]


def participants_lines(registrations) -> list[list]:
    lines = []
    for registration in registrations:
        person = registration.person
        lines.append(
            [
                safe_cell(person.family_name),
                safe_cell(person.given_name),
                safe_cell(person.email),
                safe_cell(text_in(person.organisation.name) if person.organisation else ""),
                safe_cell(text_in(person.country.name) if person.country else ""),
                person.get_function_display(),
                registration.get_status_display(),
                registration.sessions_attended,
                registration.pre_test_score,
                registration.post_test_score,
                registration.satisfaction,
                registration.get_followup_applied_display(),
                _("Yes") if registration.completed else _("No"),
                registration.certificate_code or "",
            ]
        )
    return lines


def participants_csv(registrations) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(participants_header())
    writer.writerows(["" if value is None else value for value in line] for line in participants_lines(registrations))
    return buffer.getvalue().encode("utf-8-sig")  # with a BOM, Excel opens UTF-8 with its accents


def _xlsx(title: str, header: list[str], lines: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.worksheets[0]
    sheet.title = title[:31]
    sheet.append(header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for line in lines:
        sheet.append([float(value) if hasattr(value, "as_tuple") else value for value in line])
        for cell in sheet[sheet.max_row]:
            if cell.data_type == "f":
                cell.data_type = "s"  # a name that looks like a formula stays the text it is
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def participants_xlsx(activity: Activity, registrations) -> bytes:
    return _xlsx(activity.code, participants_header(), participants_lines(registrations))


def signin_header() -> list[str]:
    return ["#", _("Family name"), _("Given name"), _("Organisation"), _("Signature")]


def signin_lines(registrations: list[Registration], *, safe: bool = True) -> list[list]:
    """Rows of the sign-in sheet; `safe`: texts neutralised for a spreadsheet (not for the PDF)."""
    safe_cell_or = safe_cell if safe else (lambda value: value)
    return [
        [
            number,
            safe_cell_or(row.person.family_name),
            safe_cell_or(row.person.given_name),
            safe_cell_or(
                (row.person.organisation.acronym or text_in(row.person.organisation.name))
                if row.person.organisation
                else ""
            ),
            "",
        ]
        for number, row in enumerate(registrations, start=1)
    ]


def session_heading(activity: Activity, session: ActivitySession, language: str) -> str:
    return f"{text_in(activity.title, language)} – {date_format(session.date, 'DATE_FORMAT')} {session.title}".strip()


def signin_xlsx(activity: Activity, session: ActivitySession, registrations: list[Registration]) -> bytes:
    return _xlsx(f"{session.date:%Y-%m-%d}", signin_header(), signin_lines(registrations))


def signin_pdf(
    activity: Activity, session: ActivitySession, registrations: list[Registration], *, language: str
) -> bytes:
    """A page (or more) to print: one row per registered participant, and a column to sign."""
    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.core_fonts_encoding = PDF_ENCODING
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_font("Helvetica", style="B", size=14)
    pdf.multi_cell(0, 7, pdf_text(_("Sign-in sheet")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", size=11)
    pdf.multi_cell(0, 6, pdf_text(session_heading(activity, session, language)), new_x="LMARGIN", new_y="NEXT")
    if activity.venue:
        pdf.multi_cell(0, 6, pdf_text(activity.venue), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    widths = (10, 45, 40, 45, 50)

    def header() -> None:
        pdf.set_font("Helvetica", style="B", size=10)
        for width, text in zip(widths, signin_header(), strict=True):
            pdf.cell(width, 8, pdf_text(text), border=1)
        pdf.ln()
        pdf.set_font("Helvetica", size=10)

    header()
    for line in signin_lines(registrations, safe=False):
        if pdf.will_page_break(11):
            pdf.add_page()
            header()
        for width, value in zip(widths, line, strict=True):
            text = pdf_text(str(value))
            while text and pdf.get_string_width(text) > width - 2:
                text = text[:-1]
            pdf.cell(width, 11, text, border=1)
        pdf.ln()
    return bytes(pdf.output())
