"""Report runs: the command line writes a French and an English annual report from one snapshot, with the same
figures, tagged for accessibility; a fixed timestamp gives the same bytes; the ILO report prints Table 1."""

import hashlib
import io

import pypdf
import pytest
from django.core.management import CommandError, call_command

from jalon.reporting import services
from jalon.reporting.models import ReportRun
from jalon.results.models import Programme
from tests.reporting.conftest import AS_OF, ILO, ISO, content_text, numbers_of, structure_tags


def test_the_command_writes_french_and_english_pdfs_with_identical_figures(demo, db, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    out = io.StringIO()
    call_command("report", programme=ISO, kind="annual", language="both", stdout=out)
    written = {path.stem.rsplit("-", 1)[1]: path for path in tmp_path.glob("*.pdf")}
    assert set(written) == {"fr", "en"}
    french, english = numbers_of(written["fr"], "fr"), numbers_of(written["en"], "en")
    assert len(french) > 200  # every indicator's figures, not an empty report
    assert french == english
    run = ReportRun.objects.get(programme__code=ISO)
    assert run.status == ReportRun.Status.READY and run.job.status == "succeeded"
    for found in run.files.filter(format="pdf"):
        assert hashlib.sha256(written[found.language].read_bytes()).hexdigest() == found.checksum
    assert run.snapshot_checksum in out.getvalue() or run.snapshot_checksum[:12] in out.getvalue()


def test_each_file_is_tagged_with_its_language_title_and_structure(demo, db, tmp_path):
    call_command("report", programme=ISO, language="both", as_of=AS_OF.isoformat(), output=str(tmp_path / "r.pdf"))
    for language, title in (("fr", "Rapport annuel"), ("en", "Annual report")):
        reader = pypdf.PdfReader(tmp_path / f"r-{language}.pdf")
        root = reader.trailer["/Root"]
        assert root["/Lang"] == language
        assert bool(root["/MarkInfo"]["/Marked"])
        assert reader.metadata.title.startswith(title)
        assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
        tags = structure_tags(reader)
        # Headings, tables with header cells, and the chart as a figure (with its text alternative).
        assert {"/H1", "/Table", "/TH", "/TD", "/Figure"} <= tags, tags
        # Every font embedded (typst writes composite fonts: the descriptor is the descendant's).
        fonts = [font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()]
        descriptors = [
            (font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font) for font in fonts
        ]
        assert descriptors and all(
            any(key in d["/FontDescriptor"] for key in ("/FontFile", "/FontFile2", "/FontFile3")) for d in descriptors
        )


def test_a_fixed_timestamp_gives_the_same_bytes(demo, db):
    programme = Programme.objects.get(code=ISO)
    first = services.report_run_now(programme=programme, kind="annual", language="fr", as_of=AS_OF)
    second = services.report_run_now(programme=programme, kind="annual", language="fr", as_of=AS_OF)
    assert first.pk != second.pk
    assert first.snapshot_checksum == second.snapshot_checksum
    assert first.files.get(format="pdf").checksum == second.files.get(format="pdf").checksum
    later = services.report_run_now(programme=programme, kind="annual", language="fr", as_of=AS_OF.replace(day=29))
    assert later.files.get(format="pdf").checksum != first.files.get(format="pdf").checksum  # the date is in the file


def test_the_ilo_report_prints_table_one_as_seed_004(demo, db, tmp_path):
    call_command("report", programme=ILO, language="both", as_of=AS_OF.isoformat(), output=str(tmp_path / "ilo.pdf"))
    english = content_text(tmp_path / "ilo-en.pdf")
    assert "Resources by outcome (Table 1)" in english
    # Seed 004's Table 1 for 2010-11: USD 3.6 M (30 %), 3.6 M (30 %), 4.8 M (40 %), a gap of 1.48 M on outcome 3.
    assert "3,600,000 30 0" in english and "4,800,000 40 1,480,000" in english
    french = content_text(tmp_path / "ilo-fr.pdf")
    assert "4\u202f800\u202f000 40 1\u202f480\u202f000" in french
    assert numbers_of(tmp_path / "ilo-fr.pdf", "fr") == numbers_of(tmp_path / "ilo-en.pdf", "en")


def test_the_command_refuses_an_unknown_programme_and_a_bad_timestamp(db):
    for options in ({"programme": "nope"}, {"programme": ISO, "as_of": "yesterday"}):
        try:
            call_command("report", **options)
        except CommandError:
            continue
        raise AssertionError(f"accepted {options}")


def test_a_typed_title_is_printed_as_text_not_run_as_markup(demo, db):
    """Texts reach the engine as data: a title written as typst markup prints as those characters."""
    from jalon.reporting.annual import annual_document
    from jalon.reporting.pdf import pdf_render
    from jalon.reporting.snapshot import snapshot_build

    programme = Programme.objects.get(code=ISO)
    programme.title = {"en": '#set page(paper: "a6") = Boom *bold* $x$', "fr": "#pagebreak()"}
    programme.save()
    snapshot = snapshot_build(programme=programme, as_of=AS_OF)
    text = content_text(io.BytesIO(pdf_render(annual_document(snapshot, "en"), timestamp=AS_OF)))
    assert '#set page(paper: "a6") = Boom *bold* $x$' in text.replace("\n", " ")


def test_every_country_reached_is_in_the_maps_table(demo, db):
    from jalon.reporting.annual import annual_document
    from jalon.reporting.snapshot import snapshot_build

    snapshot = snapshot_build(programme=Programme.objects.get(code=ISO), as_of=AS_OF)
    reached = snapshot["reach_map"]["countries"]
    assert reached  # the demo trains people from several countries
    document = annual_document(snapshot, "en")
    figures = [block for block in document.blocks if block["kind"] == "figure"]
    assert len(figures) == 2 and "<svg" in figures[1]["svg"] and figures[1]["alt"]
    table = next(b for b in document.blocks if b["kind"] == "table" and b["header"][0] == "Country")
    assert sorted(row[0] for row in table["rows"]) == sorted(row["name"]["en"] for row in reached)


def test_the_command_refuses_a_historical_date_in_the_future_or_before_the_programme(demo, db):
    """--historical checks its date as the page does (reporting/services.py): no run is recorded."""
    for as_of, reason in (
        # The command speaks the site's default language: either wording.
        ("2999-01-01T00:00:00+00:00", "cannot be in the future|ne peut pas être dans le futur"),
        ("2001-01-01T00:00:00+00:00", "cannot be before the programme starts|ne peut pas précéder le début"),
    ):
        with pytest.raises(CommandError, match=reason):
            call_command("report", programme=ISO, kind="iptt", language="en", as_of=as_of, historical=True)
    assert not ReportRun.objects.exists()
