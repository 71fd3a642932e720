"""Certificates: the PDF of a completed registration, and the public page that checks a code.

The PDF uses the PDF core fonts (Helvetica, nothing to ship or embed) in the Windows-1252 encoding, which
covers French and the other Western European languages. A character outside it (a Polish "ł", a
Vietnamese "ễ", Arabic script...) is written as its closest Latin letter, or "?" where there is none
(`pdf_text`); the verification page, plain HTML, always shows the name exactly.
"""

import unicodedata

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from fpdf import FPDF

from jalon.activities import access
from jalon.activities.models import Registration
from jalon.activities.services import certificate_code_normalise

PDF_ENCODING = "windows-1252"
LANGUAGES = ("fr", "en")
# Letters that Unicode does not decompose into a base letter and an accent.
LATIN_FALLBACK = str.maketrans(
    {
        "Ł": "L", "ł": "l", "Đ": "D", "đ": "d", "Ħ": "H", "ħ": "h", "ı": "i", "Ŀ": "L", "ŀ": "l",
        "Ŋ": "N", "ŋ": "n", "Ŧ": "T", "ŧ": "t", "ĸ": "k", "Ə": "E", "ə": "e",
        "\u202f": " ", "\u2009": " ", "\u2002": " ", "\u2003": " ", "\u2011": "-", "\u2010": "-",
    }
)  # fmt: skip
# Long enough for the longest code a person could type with separators, short enough to refuse junk early.
CODE_MAX_LENGTH = 64


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
    with translation.override(language):
        texts = {
            "organiser": str(activity.organiser.name),
            "heading": _("Certificate of completion"),
            "certify": _("This certifies that"),
            "name": f"{person.given_name} {person.family_name}".strip(),
            "completed": _("has completed the activity"),
            "title": activity.t("title") or activity.code,
            "dates": _dates(activity),
            "venue": activity.venue,
            "code": _("Verification code: %(code)s") % {"code": registration.certificate_code},
            "check": _("Check this certificate at %(url)s") % {"url": verify_url},
            "issued": _("Issued on %(date)s")
            % {"date": date_format(registration.certificate_issued_at or registration.completed_on, "DATE_FORMAT")}
            if (registration.certificate_issued_at or registration.completed_on)
            else "",
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


def _certified(code: str):
    """The completed registration holding this code, or None (never an error for a malformed code)."""
    if not code or len(code) > CODE_MAX_LENGTH:
        return None
    normalised = certificate_code_normalise(code)
    if not normalised:
        return None
    return (
        Registration.objects.select_related("person", "activity__organiser")
        .filter(certificate_code=normalised, completed=True, status=Registration.Status.REGISTERED)
        .first()
    )


def _verify_url(request, code: str, language: str) -> str:
    with translation.override(language):
        return request.build_absolute_uri(reverse("activities:certificate_check_code", kwargs={"code": code}))


@login_required
def certificate_pdf(request, code: str):
    registration = _certified(code)
    if registration is None:
        raise Http404
    if not access.registrations_visible(request.user, Registration.objects.filter(pk=registration.pk)).exists():
        raise PermissionDenied
    language = request.GET.get("lang")
    if language not in LANGUAGES:
        language = translation.get_language() if translation.get_language() in LANGUAGES else "fr"
    content = certificate_pdf_bytes(
        registration, language=language, verify_url=_verify_url(request, registration.certificate_code, language)
    )
    response = HttpResponse(content, content_type="application/pdf")
    filename = f"certificate-{registration.certificate_code}-{language}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


class CertificateCheckForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Verification code"),
        max_length=CODE_MAX_LENGTH,
        help_text=gettext_lazy("As printed on the certificate, e.g. ABCD-EFGH-IJKL-MNOP."),
    )

    def clean_code(self):
        code = certificate_code_normalise(self.cleaned_data["code"])
        if not code:
            raise forms.ValidationError(_("Type the code printed on the certificate."))
        return code


def _check_page(request, form, *, code: str | None = None, registration=None):
    response = render(
        request,
        "reach/certificate_check.html",
        {"form": form, "code": code, "registration": registration, "checked": code is not None},
    )
    # A holder's name is on the page: keep it out of search engines.
    response["X-Robots-Tag"] = "noindex"
    return response


def certificate_check(request):
    """The public form; a valid submission goes to the page of the code (a link one can share)."""
    form = CertificateCheckForm(request.GET or None)
    if form.is_bound and form.is_valid():
        return redirect("activities:certificate_check_code", code=form.cleaned_data["code"])
    return _check_page(request, form)


def certificate_check_code(request, code: str):
    registration = _certified(code)
    form = CertificateCheckForm(initial={"code": certificate_code_normalise(code[:CODE_MAX_LENGTH])})
    return _check_page(request, form, code=code[:CODE_MAX_LENGTH], registration=registration)
