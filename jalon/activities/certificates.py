"""The certificate of a completed registration, as a one-page PDF; and all of an activity's, as one ZIP made
by a background job.

The PDF uses the PDF core fonts (Helvetica, nothing to ship or embed) in the Windows-1252 encoding, which
covers French and the other Western European languages. A character outside it (a Polish "ł", a
Vietnamese "ễ", Arabic script...) is written as its closest Latin letter, or "?" where there is none
(`pdf_text`); the verification page, plain HTML, always shows the name exactly.
"""

import tempfile
import unicodedata
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from fpdf import FPDF

from jalon.accounts.audit import audit_record
from jalon.accounts.models import AuditEntry
from jalon.activities import access
from jalon.activities.models import Activity, Registration
from jalon.jobs.models import Job
from jalon.jobs.services import JobRefused, Progress, job_start
from jalon.lib.collation import TextOrder

PDF_ENCODING = "windows-1252"
# Letters that Unicode does not decompose into a base letter and an accent.
LATIN_FALLBACK = str.maketrans(
    {
        "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Ŀ": "L", "ŀ": "l",
        "Ŋ": "N", "ŋ": "n", "Ŧ": "T", "ŧ": "t", "ĸ": "k", "Ə": "E", "ə": "e",
        "\u202f": " ", "\u2009": " ", "\u2002": " ", "\u2003": " ", "\u2011": "-", "\u2010": "-",
    }
)  # fmt: skip


def pdf_text(text: str) -> str:
    """The text as the core fonts can write it: unchanged where Windows-1252 has every character."""
    try:
        text.encode(PDF_ENCODING)
        return text
    except UnicodeEncodeError:
        pass
    out = []
    for char in text.translate(LATIN_FALLBACK):
        try:
            char.encode(PDF_ENCODING)
            out.append(char)
            continue
        except UnicodeEncodeError:
            pass
        base = "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))
        try:
            base.encode(PDF_ENCODING)
            out.append(base or "?")
        except UnicodeEncodeError:
            out.append("?")
    return "".join(out)


def _dates(activity) -> str:
    start = date_format(activity.start_date, "DATE_FORMAT")
    if activity.end_date == activity.start_date:
        return _("on %(date)s") % {"date": start}
    return _("from %(start)s to %(end)s") % {"start": start, "end": date_format(activity.end_date, "DATE_FORMAT")}


def certificate_pdf_bytes(registration: Registration, *, language: str, verify_url: str) -> bytes:
    """A one-page A4 landscape certificate in `language`. Not compressed: a page of text is a few KB
    either way, and the code stays greppable in the file."""
    activity, person = registration.activity, registration.person
    issued = registration.certificate_issued_at or registration.completed_on
    with translation.override(language):
        texts = {
            "organiser": str(activity.organiser.name),
            "heading": _("Certificate of completion"),
            "certify": _("This certifies that"),
            "name": f"{person.given_name} {person.family_name}".strip(),
            "completed": _("has completed the activity"),
            "title": str(activity),
            "dates": _dates(activity),
            "venue": activity.venue,
            "code": _("Verification code: %(code)s") % {"code": registration.certificate_code},
            "check": _("Check this certificate at %(url)s") % {"url": verify_url},
            "issued": _("Issued on %(date)s") % {"date": date_format(issued, "DATE_FORMAT")} if issued else "",
        }
    texts = {key: pdf_text(str(value)) for key, value in texts.items()}
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.core_fonts_encoding = PDF_ENCODING
    pdf.set_compression(False)
    pdf.set_title(texts["heading"])
    pdf.set_creator("jalon")
    pdf.set_lang(language)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_draw_color(11, 92, 173)
    pdf.set_line_width(1.2)
    pdf.rect(10, 10, 277, 190)
    pdf.set_line_width(0.3)
    pdf.rect(13, 13, 271, 184)
    pdf.set_text_color(87, 96, 106)
    pdf.set_font("Helvetica", size=13)
    pdf.set_xy(20, 24)
    pdf.cell(w=257, h=8, text=texts["organiser"], align="C")
    pdf.set_text_color(11, 92, 173)
    pdf.set_font("Helvetica", style="B", size=30)
    pdf.set_xy(20, 40)
    pdf.cell(w=257, h=14, text=texts["heading"], align="C")
    pdf.set_text_color(27, 31, 35)
    pdf.set_font("Helvetica", size=14)
    pdf.set_xy(20, 66)
    pdf.cell(w=257, h=8, text=texts["certify"], align="C")
    pdf.set_font("Helvetica", style="B", size=26)
    pdf.set_xy(20, 78)
    pdf.cell(w=257, h=14, text=texts["name"], align="C")
    pdf.set_font("Helvetica", size=14)
    pdf.set_xy(20, 98)
    pdf.cell(w=257, h=8, text=texts["completed"], align="C")
    pdf.set_font("Helvetica", style="B", size=18)
    pdf.set_xy(30, 110)
    pdf.multi_cell(w=237, h=9, text=texts["title"], align="C", max_line_height=9)
    pdf.set_font("Helvetica", size=13)
    pdf.set_x(20)
    pdf.cell(w=257, h=8, text=" · ".join(filter(None, [texts["dates"], texts["venue"]])), align="C")
    pdf.set_text_color(87, 96, 106)
    pdf.set_font("Helvetica", size=11)
    pdf.set_xy(20, 166)
    pdf.cell(w=257, h=6, text=texts["issued"], align="C")
    pdf.set_xy(20, 173)
    pdf.set_font("Courier", style="B", size=12)
    pdf.cell(w=257, h=6, text=texts["code"], align="C")
    pdf.set_font("Helvetica", size=10)
    pdf.set_xy(20, 180)
    pdf.cell(w=257, h=6, text=texts["check"], align="C", link=verify_url)
    return bytes(pdf.output())


# All the certificates of an activity, as one ZIP made in the background -------------------------------------

# The job kind (jalon.jobs): its subject is the activity.
CERTIFICATES = "certificates"


def certificates_batch_start(*, actor, activity, base_url: str, language: str | None = None) -> Job:
    """Queue the making of every completed participant's certificate into one ZIP. `base_url`: the site's
    address as its pages are reached ("https://jalon.example.org"), for the verification link each
    certificate prints. For the activity's organisers, who see its participants; audited as the job."""
    if not access.certificates_can_batch(actor, activity):
        raise ValidationError({"activity": _("Only the activity’s organisers may make all its certificates.")})
    if not certificates_issued(activity).exists():
        raise ValidationError({"activity": _("No participant has completed this activity: there is no certificate.")})
    return job_start(
        actor=actor,
        kind=CERTIFICATES,
        subject_id=activity.pk,
        params={"base_url": base_url.rstrip("/")},
        language=language,
    )


def certificates_issued(activity: Activity) -> QuerySet[Registration]:
    """The registrations whose certificate verifies: completed, with a code, not cancelled."""
    return activity.registrations.filter(
        completed=True, certificate_code__isnull=False, status=Registration.Status.REGISTERED
    ).order_by(TextOrder("person__family_name"), TextOrder("person__given_name"), "pk")


def certificate_verify_url(base_url: str, code: str, language: str) -> str:
    with translation.override(language):
        return base_url + reverse("activities:certificate_check_code", kwargs={"code": code})


def certificates_zip_work(job: Job, progress: Progress) -> dict:
    """The job's work: one PDF per certificate, in the owner's language, into a ZIP kept as the job's file.
    Cancelled at any certificate, it keeps nothing."""
    activity = Activity.objects.select_related("organiser").filter(pk=job.subject_id or 0).first()
    if activity is None:
        raise JobRefused(_("The activity of these certificates no longer exists."))
    registrations = list(certificates_issued(activity).select_related("person"))
    if not registrations:
        raise JobRefused(_("No participant has completed this activity: there is no certificate."))
    base_url = job.params.get("base_url") or settings.SITE_URL.rstrip("/")
    language = job.language if job.language in ("fr", "en") else "fr"
    progress.step(_("Making the certificates"), total=len(registrations))
    name = f"certificates-{activity.code}.zip"
    with tempfile.TemporaryFile() as buffer:
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for done, registration in enumerate(registrations, start=1):
                registration.activity = activity
                code = registration.certificate_code or ""
                content = certificate_pdf_bytes(
                    registration, language=language, verify_url=certificate_verify_url(base_url, code, language)
                )
                person = registration.person
                holder = slugify(f"{person.family_name} {person.given_name}") or "participant"
                archive.writestr(f"{holder}-{code}.pdf", content)
                progress.advance(done)
        buffer.seek(0)
        job.result_file.save(name, File(buffer), save=False)
    job.result_name = name
    job.save(update_fields=["result_file", "result_name"])
    # Personal data handed out: who took a copy of the activity's participants' certificates.
    audit_record(actor=job.owner, action=AuditEntry.Action.EXPORT, instance=activity)
    return {"certificates": len(registrations)}
