"""A report's narrative: sections per result node, period and language, drafted from the indicators' period
narratives, edited, submitted, approved or returned; a final report is refused while one is untranslated or
not approved; a draft marks what is missing; the report prints them, each in its language."""

import io
import zipfile

import pypdf
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from jalon.reporting import services
from jalon.reporting.models import ReportSection, SectionStatus
from jalon.reporting.selectors import narrative_period
from jalon.results.models import Indicator, Programme
from jalon.results.services import narrative_save
from tests.reporting.conftest import AS_OF, ILO, content_text

# No test here reads a reach figure: the demo without its activities (tests/reporting/conftest.py).
DEMO_ACTIVITIES = False


@pytest.fixture
def ilo(demo, db):
    programme = Programme.objects.get(code=ILO)
    period = narrative_period(programme, AS_OF.date())
    indicator = Indicator.objects.filter(result__programme=programme).order_by("result__order", "order").first()
    return programme, period, indicator.result, indicator


def _write(actor, result, period, language, text):
    return services.report_section_save(
        actor=actor, result=result, period=period, language=language, texts={"achieved": text}
    )


def test_a_new_section_is_drafted_from_the_indicators_narratives(ilo, client, users):
    programme, period, result, indicator = ilo
    narrative_save(
        actor=users["manager"],
        indicator=indicator,
        period=period,
        achieved={"fr": "Quatre pays ont ratifié.", "en": "Four countries ratified."},
        variance={"en": "Elections delayed two."},
    )
    client.force_login(users["manager"])
    kwargs = {"code": ILO, "period": period.code, "result": result.pk}
    french = client.get(reverse("reporting:section_edit", kwargs={**kwargs, "language": "fr"})).content.decode()
    english = client.get(reverse("reporting:section_edit", kwargs={**kwargs, "language": "en"})).content.decode()
    assert f"{indicator.code}: Quatre pays ont ratifié." in french and "Elections" not in french
    assert f"{indicator.code}: Four countries ratified." in english
    assert f"{indicator.code}: Elections delayed two." in english
    # Saved as shown: a draft, by its writer; the list shows it beside the unwritten English one.
    response = client.post(
        reverse("reporting:section_edit", kwargs={**kwargs, "language": "fr"}),
        {"achieved": "Quatre pays ont ratifié la convention.", "reasons": "", "next_steps": ""},
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    section = ReportSection.objects.get(result=result, period=period, language="fr")
    assert section.status == SectionStatus.DRAFT and section.author == users["manager"]
    with translation.override("en"):
        listing = client.get(reverse("reporting:sections", kwargs={"code": ILO}) + f"?period={period.code}")
    assert "Draft" in listing.content.decode() and "Not written" in listing.content.decode()


def test_a_section_is_submitted_approved_and_goes_back_to_draft_when_edited(ilo, users):
    programme, period, result, _indicator = ilo
    section = _write(users["manager"], result, period, "en", "Done.")
    with pytest.raises(ValidationError):  # not in review yet
        services.report_section_move(actor=users["manager"], section=section, step="approve")
    section = services.report_section_move(actor=users["manager"], section=section, step="submit")
    assert section.status == SectionStatus.IN_REVIEW
    with pytest.raises(ValidationError) as refused:  # a return says why
        services.report_section_move(actor=users["manager"], section=section, step="return")
    assert "review_note" in refused.value.message_dict
    section = services.report_section_move(actor=users["manager"], section=section, step="approve")
    assert section.status == SectionStatus.APPROVED and section.reviewed_by == users["manager"]
    # The same text saved again changes nothing; a new text is a new draft.
    assert _write(users["manager"], result, period, "en", "Done.").status == SectionStatus.APPROVED
    assert _write(users["manager"], result, period, "en", "Done, and more.").status == SectionStatus.DRAFT
    with pytest.raises(ValidationError) as empty:
        _write(users["manager"], result, period, "en", "  ")
    assert "achieved" in empty.value.message_dict
    # A viewer reads the reports but writes no section; a focal point does not read them.
    for name in ("viewer", "focal"):
        with pytest.raises(PermissionDenied):
            _write(users[name], result, period, "fr", "Non.")


def test_a_final_report_is_refused_while_a_section_is_untranslated_or_not_approved(ilo, users):
    programme, period, result, _indicator = ilo
    french = _write(users["manager"], result, period, "fr", "Atteint.")
    french = services.report_section_move(actor=users["manager"], section=french, step="submit")
    with pytest.raises(ValidationError) as refused, translation.override("en"):
        services.report_run_start(
            actor=users["manager"], programme=programme, kind="annual", language="fr", final=True, as_of=AS_OF
        )
    assert result.code in str(refused.value) and "not approved" in str(refused.value)
    services.report_section_move(actor=users["manager"], section=french, step="approve")
    # French alone is complete; both languages are not: the English is missing.
    services.report_run_start(
        actor=users["manager"], programme=programme, kind="annual", language="fr", final=True, as_of=AS_OF
    )
    with pytest.raises(ValidationError) as untranslated, translation.override("en"):
        services.report_run_start(
            actor=users["manager"], programme=programme, kind="annual", language="both", final=True, as_of=AS_OF
        )
    assert "not translated" in str(untranslated.value) and "English" in str(untranslated.value)
    # A draft of both runs, and marks it.
    draft = services.report_run_now(programme=programme, kind="annual", language="both", as_of=AS_OF)
    english = content_text(draft.files.get(language="en", format="pdf").file.open("rb"))
    assert "not yet translated into English; the French text follows" in english and "Atteint." in english


def test_a_final_report_prints_the_approved_sections_in_each_language(ilo, users):
    programme, period, result, _indicator = ilo
    for language, text in (("fr", "Quatre pays ont ratifié."), ("en", "Four countries ratified.")):
        section = _write(users["manager"], result, period, language, text)
        section = services.report_section_move(actor=users["manager"], section=section, step="submit")
        services.report_section_move(actor=users["manager"], section=section, step="approve")
    run = services.report_run_now(programme=programme, kind="annual", language="both", final=True, as_of=AS_OF)
    assert run.final and run.status == "ready"
    texts = {found.language: content_text(found.file.open("rb")) for found in run.files.filter(format="pdf")}
    assert "Quatre pays ont ratifié." in texts["fr"] and "Four countries" not in texts["fr"]
    assert "Four countries ratified." in texts["en"] and "What was achieved" in texts["en"]
    assert "Draft:" not in texts["en"] and "Brouillon" not in texts["fr"]


def test_a_draft_marks_a_node_without_narrative_and_a_section_not_approved(ilo, users):
    programme, period, result, _indicator = ilo
    _write(users["manager"], result, period, "en", "Under way.")
    run = services.report_run_now(programme=programme, kind="annual", language="en", as_of=AS_OF)
    text = content_text(io.BytesIO(run.files.get(format="pdf").file.open("rb").read()))
    assert "Draft: this section is not yet approved." in text and "Under way." in text
    assert "Draft: no narrative is written for" in text
    reader = pypdf.PdfReader(run.files.get(format="pdf").file.open("rb"))
    assert reader.trailer["/Root"]["/Lang"] == "en"


def _struct_langs(source) -> list[tuple[str, str | None]]:
    """The structure elements of a PDF with their /Lang, in reading order."""
    found = []
    pending = [pypdf.PdfReader(source).trailer["/Root"]["/StructTreeRoot"].get_object()]
    while pending:
        node = pending.pop(0)
        if isinstance(node, pypdf.generic.DictionaryObject):
            if "/S" in node:
                found.append((str(node["/S"]), node.get("/Lang")))
            kids = node.get("/K")
            if kids is not None:
                kids = kids.get_object()
                pending[:0] = [
                    k.get_object() for k in (kids if isinstance(kids, pypdf.generic.ArrayObject) else [kids])
                ]
    return found


def test_a_passage_in_another_language_is_tagged_with_it(ilo, users):
    """A French report prints the English text of an untranslated section and an English-only title: each is
    tagged /Lang en in the structure tree, the rest takes the document's French."""
    programme, period, result, _indicator = ilo
    _write(users["manager"], result, period, "en", "Only in English.")
    result.title = {"en": "A title written in English only"}
    result.save()
    run = services.report_run_now(programme=programme, kind="annual", language="fr", as_of=AS_OF)
    found = run.files.get(format="pdf")
    langs = _struct_langs(found.file.open("rb"))
    assert ("/P", "en") in langs and any(tag.startswith("/H") and lang == "en" for tag, lang in langs)
    assert pypdf.PdfReader(found.file.open("rb")).trailer["/Root"]["/Lang"] == "fr"
    # Everything else is French: the foreign passages are few (the heading and the section's paragraph).
    assert sum(1 for _tag, lang in langs if lang == "en") == 2
    # The DOCX marks the same passages.
    with zipfile.ZipFile(found.run.files.get(format="docx").file.open("rb")) as archive:
        document = archive.read("word/document.xml").decode()
    assert document.count('<w:lang w:val="en-GB"/>') == 2
