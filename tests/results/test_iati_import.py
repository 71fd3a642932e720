"""IATI import (issue 18): the three real samples import with a report, a second import changes nothing, a
results-only file deletes nothing, hostile and broken files are refused with nothing saved; the job runs it; and
the round trip export -> import -> export holds for what jalon models."""

import datetime
import re
from collections import Counter
from decimal import Decimal as D
from io import StringIO
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.test import override_settings
from django.utils import translation
from lxml import etree

from jalon.interop.iati_read import IatiFileRefused, number_read
from jalon.interop.iati_rules import validator_findings
from jalon.jobs.models import Job
from jalon.jobs.services import job_run, job_start
from jalon.organisations.models import Organisation
from jalon.results.demo import demo_history_build
from jalon.results.iati import programme_iati_errors, programme_to_iati
from jalon.results.iati_import import (
    ACTIVITY_LOCKS,
    IMPORT_JOB,
    iati_import,
    iati_import_work,
    iati_preview_confirm,
    iati_preview_start,
    plan_of,
)
from jalon.results.models import (
    DisaggregatedTarget,
    IatiActivityImport,
    IatiProvenance,
    Indicator,
    Measurement,
    Milestone,
    Narrative,
    Period,
    Programme,
    Result,
)
from jalon.results.services import frameworks_load

SAMPLES = Path(__file__).parent / "data" / "iati"
DPORTAL = SAMPLES / "dportal-foodsecurity-multi-publisher.xml"
GDIHUB = SAMPLES / "gdihub-aidstream-GB-COH-11126312.xml"
EXAMPLE = SAMPLES / "iati-2.03-activity-standard-example-annotated.xml"
ISO, ITU, ILO = "iso-ap-2021-2025", "itu-res44", "ilo-tc-2010-2015"


def counts() -> dict[str, int]:
    models = (Programme, Result, Indicator, Period, Milestone, Measurement, Organisation, IatiProvenance)
    return {model.__name__: model.objects.count() for model in models}


# Numbers as publishers write them --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "number"),
    [
        ("42", D(42)),
        (" 3.5 ", D("3.5")),
        ("£3,500,000", D(3500000)),
        ("1,234.50", D("1234.50")),
        ("3,5", None),  # a decimal comma or a list: ambiguous, never guessed
        ("about 20", None),
        ("20 %", D(20)),
        ("", None),
    ],
)
def test_numbers_are_parsed_only_when_unambiguous(raw, number):
    value, _warning = number_read(raw)
    assert value.raw == raw and value.number == number


# The real samples ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "statuses"),
    [(DPORTAL, {"added": 7}), (GDIHUB, {"added": 4}), (EXAMPLE, {"added": 1})],
)
def test_each_real_sample_imports_with_a_report_and_a_second_import_is_a_no_op(db, users, path, statuses):
    before = counts()
    preview = iati_import(path, actor=users["manager"], dry_run=True)
    assert dict(preview.statuses()) == statuses
    assert counts() == before  # the preview saves nothing
    report = iati_import(path, actor=users["manager"])
    assert dict(report.statuses()) == statuses
    assert [outcome.counts for outcome in report.activities] == [outcome.counts for outcome in preview.activities]
    assert IatiActivityImport.objects.count() == statuses["added"]
    # Every record knows where it comes from.
    for provenance in IatiProvenance.objects.all():
        assert provenance.xpath.startswith("/iati-activities/iati-activity[")
        assert provenance.file_name == path.name and provenance.activity_identifier
    after = counts()
    again = iati_import(path, actor=users["manager"])
    assert dict(again.statuses()) == {"unchanged": sum(statuses.values())}
    assert counts() == after


def _file_changed(tmp_path, change) -> Path:
    """The GDIHUB sample as its publisher regenerates it: every activity touched (a new last-updated-datetime, so
    that none is skipped as unchanged), then `change(root)`."""
    root = etree.parse(str(GDIHUB)).getroot()
    for activity in root.findall("iati-activity"):
        activity.set("last-updated-datetime", "2030-01-01T00:00:00")
    change(root)
    path = tmp_path / "regenerated.xml"
    path.write_bytes(etree.tostring(root))
    return path


def test_a_value_imported_before_is_recognised_wherever_the_file_moves_it(db, users, tmp_path):
    iati_import(GDIHUB, actor=users["manager"], trusted=True)
    before = sorted(Measurement.objects.values_list("indicator_id", "period_id", "value"))

    def last_first(root):
        activities = root.findall("iati-activity")
        root.insert(root.index(activities[0]), activities[-1])

    report = iati_import(_file_changed(tmp_path, last_first), actor=users["manager"], trusted=True)
    assert {outcome.status for outcome in report.activities} == {"changed"}
    assert sorted(Measurement.objects.values_list("indicator_id", "period_id", "value")) == before

    # A new value before one imported already: the new one only.
    def one_more(root):
        period = root.find("iati-activity/result/indicator/period")
        period.find("actual").addprevious(etree.Element("actual", {"value": "777"}))

    iati_import(_file_changed(tmp_path, one_more), actor=users["manager"], trusted=True)
    after = sorted(Measurement.objects.values_list("indicator_id", "period_id", "value"))
    added = list(after)
    for row in before:
        added.remove(row)
    assert [value for _indicator, _period, value in added] == [D(777)]


def test_values_imported_before_fingerprints_were_kept_are_still_recognised_by_their_xpath(db, users, tmp_path):
    iati_import(GDIHUB, actor=users["manager"], trusted=True)
    IatiProvenance.objects.update(fingerprint="")  # as the rows of an import made before this version
    values = Measurement.objects.count()
    iati_import(_file_changed(tmp_path, lambda root: None), actor=users["manager"], trusted=True)
    assert Measurement.objects.count() == values


def test_a_preview_confirmed_twice_at_once_starts_one_import(db, users):
    upload = SimpleUploadedFile("gdihub.xml", GDIHUB.read_bytes(), content_type="application/xml")
    preview = iati_preview_start(actor=users["manager"], programme=None, upload=upload)
    # Two requests that read the preview before either confirmed it (a double click, two tabs).
    first, second = Job.objects.get(pk=preview.pk), Job.objects.get(pk=preview.pk)
    iati_preview_confirm(actor=users["manager"], preview=first, organisations={})
    with pytest.raises(ValidationError, match="ne peut plus être confirmé"):
        iati_preview_confirm(actor=users["manager"], preview=second, organisations={})
    assert Job.objects.filter(kind=IMPORT_JOB, params__dry_run=False).count() == 1
    assert IatiActivityImport.objects.count() == 4


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite has one writer at a time")
def test_an_import_of_activities_another_import_is_writing_is_refused_and_saves_nothing(db, users, django_db_blocker):
    identifier = etree.parse(str(GDIHUB)).getroot().find("iati-activity/iati-identifier").text.strip()
    # Another import, in another connection, is writing that activity (its transaction holds its lock).
    other = connection.copy()
    try:
        with other.cursor() as cursor:
            cursor.execute("BEGIN")
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))", [ACTIVITY_LOCKS, identifier])
        before = counts()
        with (
            translation.override("en"),
            pytest.raises(IatiFileRefused, match=f"Another import is writing .*{identifier}"),
        ):
            iati_import(GDIHUB, actor=users["manager"], trusted=True)
        assert counts() == before
        with other.cursor() as cursor:
            cursor.execute("ROLLBACK")  # that import has ended
        report = iati_import(GDIHUB, actor=users["manager"], trusted=True)
        assert dict(report.statuses()) == {"added": 4}
    finally:
        other.close()


def test_the_report_says_where_with_xpath_and_line_in_the_users_language(db, users):
    report = iati_import(DPORTAL, actor=users["manager"], dry_run=True)
    notes = [note for outcome in report.activities for note in outcome.notes]
    case = [note for note in notes if note.rule_id == "import.case"]
    assert case and all(note.xpath.startswith("/iati-activities/iati-activity[") and note.line for note in case)
    with translation.override("en"):
        report = iati_import(DPORTAL, actor=users["manager"], dry_run=True)
    messages = {note.message for outcome in report.activities for note in outcome.notes}
    assert any(message.startswith("Texts in de, a language jalon does not hold") for message in messages)


def test_gdihub_values_enter_submitted_with_their_targets(db, users):
    report = iati_import(GDIHUB, actor=users["manager"])
    assert all(outcome.counts["measurement"] for outcome in report.activities)
    assert set(Measurement.objects.values_list("status", flat=True)) == {Measurement.Status.SUBMITTED}
    programme = Programme.objects.get(code="gb-coh-11126312-cluster1")
    assert programme.owner.iati_identifier == "GB-COH-11126312"
    assert programme.title == {"en": "AT2030 - Cluster 1: Data and Evidence"}
    assert Milestone.objects.filter(indicator__result__programme=programme).exists()
    # Overlapping periods are not invented: said, and their values left out.
    notes = [note for note in report.activities[0].notes if note.rule_id == "import.period"]
    assert notes and all("overlap" in note.message or "chevauche" in note.message for note in notes)


def test_the_annotated_example_is_imported_where_jalon_reads_it(db, users):
    """Its wrong codes sit in parts jalon does not map (a transaction's region, a CRS channel code): said, not
    refused."""
    report = iati_import(EXAMPLE, actor=users["manager"])
    (outcome,) = report.activities
    rules = {note.rule_id: note.severity for note in outcome.notes}
    assert rules["9.86.1"] == rules["9.40.1"] == "warning"
    indicator = Indicator.objects.get(result__programme__code="aa-aaa-123456789-abc123")
    assert indicator.baseline_year == 2012 and indicator.baseline_value == D(10)


def test_publisher_fields_follow_the_file_and_the_framework_stays_the_programmes(db, users, tmp_path):
    iati_import(GDIHUB, actor=users["manager"])
    indicator = Indicator.objects.filter(result__programme__code="gb-coh-11126312-cluster1").first()
    kept_title = indicator.title
    text = GDIHUB.read_text(encoding="utf-8")
    changed = text.replace("AT2030 - Cluster 1: Data and Evidence", "AT2030 - Cluster 1 (renamed)")
    changed = changed.replace(kept_title["en"], "A title the programme did not choose")
    path = tmp_path / "changed.xml"
    path.write_text(changed, encoding="utf-8")
    report = iati_import(path, actor=users["manager"])
    assert report.activities[0].status == "changed"
    programme = Programme.objects.get(code="gb-coh-11126312-cluster1")
    assert programme.title["en"] == "AT2030 - Cluster 1 (renamed)"
    indicator.refresh_from_db()
    assert indicator.title == kept_title


def test_a_results_only_file_deletes_nothing(db, users, tmp_path):
    iati_import(GDIHUB, actor=users["manager"])
    programme = Programme.objects.get(code="gb-coh-11126312-cluster1")
    before, description = counts(), programme.description
    root = etree.parse(str(GDIHUB)).getroot()
    for activity in root.findall("iati-activity"):
        for child in list(activity):
            if child.tag not in ("iati-identifier", "reporting-org", "result"):
                activity.remove(child)
        for result in activity.findall("result"):
            activity.remove(result)  # nothing but the identifiers: the extreme case
    path = tmp_path / "bare.xml"
    path.write_bytes(etree.tostring(root))
    report = iati_import(path, actor=users["manager"])
    assert {outcome.status for outcome in report.activities} <= {"changed", "refused"}
    programme.refresh_from_db()
    assert programme.description == description
    assert counts() == before


# Hostile and broken files ----------------------------------------------------------------------------------

ACTIVITY = (
    b"<iati-activities version='2.03'><iati-activity><iati-identifier>%s</iati-identifier></iati-activity>"
    b"</iati-activities>"
)
BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>\n' + ACTIVITY % b"&lol2;"
)
EXTERNAL = (
    b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>\n' + ACTIVITY % b"&secret;"
)
UNDECLARED = ACTIVITY % b"&x;"


@pytest.mark.parametrize(
    ("content", "english"),
    [
        (BILLION_LAUGHS, "declares a DOCTYPE or entities"),
        (EXTERNAL, "declares a DOCTYPE or entities"),
        (UNDECLARED, "not well-formed"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary"),
        (b"", "empty"),
        (b"<activities/>", "not an IATI activities file"),
        (b"<html><body><iati-activities/></body></html>", "its root is html"),
    ],
)
def test_hostile_and_broken_files_are_refused_in_french_and_english(db, users, tmp_path, content, english):
    path = tmp_path / "hostile.xml"
    path.write_bytes(content)
    before = counts()
    with translation.override("en"), pytest.raises(IatiFileRefused) as refused:
        iati_import(path, actor=users["manager"])
    assert english in refused.value.message
    with translation.override("fr"), pytest.raises(IatiFileRefused) as refused:
        iati_import(path, actor=users["manager"])
    assert refused.value.message and english not in refused.value.message  # said in French
    assert counts() == before


def test_a_truncated_file_saves_nothing_even_of_the_activities_before_the_cut(db, users, tmp_path):
    content = GDIHUB.read_bytes()
    path = tmp_path / "cut.xml"
    path.write_bytes(content[: int(len(content) * 0.8)])
    before = counts()
    with pytest.raises(IatiFileRefused, match="coup|cut short"):
        iati_import(path, actor=users["manager"])
    assert counts() == before


@override_settings(IATI_IMPORT_MAX_BYTES=10_000)
def test_a_file_over_the_size_limit_is_refused(db, users):
    with translation.override("en"), pytest.raises(IatiFileRefused, match="too large"):
        iati_import(GDIHUB, actor=users["manager"])


def test_version_1_activities_are_refused_and_the_others_imported(db, users, tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").replace('version="2.03"', 'version="1.05"', 1)
    path = tmp_path / "old.xml"
    path.write_text(text, encoding="utf-8")
    report = iati_import(path, actor=users["manager"])
    assert dict(report.statuses()) == {"refused": 1}
    assert report.activities[0].notes[0].rule_id == "0.6.1"


def test_a_minified_file_reports_by_xpath(db, users, tmp_path):
    root = etree.parse(str(DPORTAL)).getroot()
    for element in root.iter():
        element.tail = None
        if element.text and not element.text.strip():
            element.text = None
    path = tmp_path / "one-line.xml"
    path.write_bytes(etree.tostring(root))
    assert path.read_bytes().count(b"\n") < 20 < DPORTAL.read_bytes().count(b"\n")  # only narratives' own
    report = iati_import(path, actor=users["manager"], dry_run=True)
    assert dict(report.statuses()) == {"added": 7}
    assert {note.xpath for outcome in report.activities for note in outcome.notes if note.rule_id == "import.case"}


# The command and the job -----------------------------------------------------------------------------------


def test_the_command_imports_and_refuses_with_a_message(db, users, tmp_path):
    out = StringIO()
    before = Programme.objects.count()
    with translation.override("en"):
        call_command("import_iati", str(GDIHUB), "--dry-run", "--user", "manager", stdout=out)
    assert "4 added" in out.getvalue() and Programme.objects.count() == before
    assert "Not in the directory: Leonard Cheshire Disability GB-CHC-218186" in out.getvalue()
    bad = tmp_path / "bad.xml"
    bad.write_bytes(BILLION_LAUGHS)
    with pytest.raises(CommandError):
        call_command("import_iati", str(bad), stdout=StringIO())


def test_the_job_imports_with_progress_and_its_report(db, users, django_capture_on_commit_callbacks):
    upload = SimpleUploadedFile("gdihub.xml", GDIHUB.read_bytes(), content_type="application/xml")
    job = job_start(actor=users["manager"], kind=IMPORT_JOB, upload=upload, params={"dry_run": False}, enqueue=False)
    job_run(job.pk, iati_import_work)
    job.refresh_from_db()
    assert job.status == Job.Status.SUCCEEDED, job.message
    assert job.result["statuses"] == {"added": 4} and job.result["removed"] == 0
    assert Programme.objects.filter(code__startswith="gb-coh-11126312").count() == 4


def test_a_refused_upload_fails_the_job_and_saves_nothing(db, users):
    upload = SimpleUploadedFile("laughs.xml", BILLION_LAUGHS, content_type="application/xml")
    # Counted before: programmes other tests of this worker committed may be there.
    before = Programme.objects.count()
    job = job_start(actor=users["manager"], kind=IMPORT_JOB, upload=upload, enqueue=False)
    job_run(job.pk, iati_import_work)
    job.refresh_from_db()
    assert job.status == Job.Status.FAILED and "DOCTYPE" in job.message
    assert Programme.objects.count() == before


# Round trip ------------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        frameworks_load()
        yield
        transaction.set_rollback(True)


def framework_part(document: bytes) -> list[bytes]:
    """What jalon models of the results framework, as the export writes it: the result elements, without the
    indicator pages' addresses (record ids differ between databases)."""
    root = etree.fromstring(document)
    for reference in root.iter("reference"):
        reference.attrib.pop("indicator-uri", None)
    return [etree.tostring(result) for result in root.iter("result")]


@pytest.mark.parametrize("code", [ISO, ITU, ILO])
def test_export_import_export_gives_the_same_framework(seeded, db, users, nsb, tmp_path, code):
    demo_history_build(actor=users["manager"], reporter=users["focal"], organisation=nsb)
    today = datetime.date(2026, 12, 5)
    programme = Programme.objects.get(code=code)
    first = programme_to_iati(programme, today=today)
    path = tmp_path / f"{code}.xml"
    path.write_bytes(first)
    narratives = sorted(
        Narrative.objects.filter(indicator__result__programme=programme).values_list("achieved", flat=True)
    )
    targets = DisaggregatedTarget.objects.filter(indicator__result__programme=programme).count()
    before = tree(programme)
    # Into a database without the programme: the same code, imported values approved (a trusted publisher).
    Measurement.objects.filter(indicator__result__programme=programme).delete()
    Result.objects.filter(programme=programme).delete()
    programme.levels.all().delete()
    programme.delete()
    report = iati_import(path, actor=users["manager"], programme_code=code, trusted=True)
    assert dict(report.statuses()) == {"added": 1}, report.as_dict()
    second = programme_to_iati(Programme.objects.get(code=code), today=today)
    assert programme_iati_errors(second) == []
    assert framework_part(second) == framework_part(first)
    # The periods' narratives (the comments of their actuals) and the targets by sex came back as such.
    programme = Programme.objects.get(code=code)
    assert (
        sorted(Narrative.objects.filter(indicator__result__programme=programme).values_list("achieved", flat=True))
        == narratives
    )
    assert DisaggregatedTarget.objects.filter(indicator__result__programme=programme).count() == targets
    # The whole result tree, with the results without indicators (the whole ITU plan, ISO's impact and
    # outcomes), from the objectives description: codes, parents, levels, titles in every language.
    assert tree(programme) == before
    # A second import of the same file changes nothing; into the programme as it is, it adds no result.
    again = iati_import(path, actor=users["manager"], programme_code=code, trusted=True)
    assert dict(again.statuses()) == {"unchanged": 1}
    IatiActivityImport.objects.all().delete()
    again = iati_import(path, actor=users["manager"], programme_code=code, trusted=True)
    assert dict(again.statuses()) == {"changed": 1} and tree(programme) == before
    assert not again.activities[0].counts["result"] and not again.activities[0].counts["measurement"]


def tree(programme) -> list[tuple]:
    return [
        (result.code, result.parent.code if result.parent else None, result.level.name, result.title)
        for result in Result.objects.filter(programme=programme).select_related("parent", "level").order_by("code")
    ]


@pytest.mark.parametrize("path", [DPORTAL, GDIHUB, EXAMPLE], ids=["dportal", "gdihub", "example"])
def test_an_imported_real_sample_exports_with_no_validator_error(db, users, path):
    iati_import(path, actor=users["manager"])
    for record in IatiActivityImport.objects.select_related("programme"):
        document = programme_to_iati(record.programme)
        assert programme_iati_errors(document) == []
        root = etree.fromstring(document)
        errors = [f.rule_id for f in validator_findings(root) if f.severity == "error"]
        assert errors == [], (record.identifier, errors)


# Recipient countries, evidence links, numerators and denominators -------------------------------------------


def test_countries_evidence_links_and_ratios_come_back_from_an_export(db, users, nsb, tmp_path):
    from jalon.results import services
    from jalon.results.models import Measure
    from tests.results.conftest import indicator_build, programme_build

    owner = Organisation.objects.create(name={"en": "Round body"}, acronym="RB", kind=Organisation.Kind.OTHER)
    demo = programme_build(code="round", owner=owner)
    countries = [{"code": "KE", "percentage": "40"}, {"code": "BD", "percentage": "60"}]
    services.programme_update(actor=users["manager"], programme=demo.programme, iati_recipient_countries=countries)
    indicator = indicator_build(demo, "P1", measure=Measure.PERCENTAGE, milestones=(None, "50", None))
    measurement = services.measurement_create(
        actor=users["focal"], indicator=indicator, period=demo.current, organisation=nsb, submit=True,
        numerator=D(12), denominator=D(40), evidence_url="https://example.org/sheets",
    )  # fmt: skip
    services.measurement_review(actor=users["manager"], measurement=measurement, approve=True)
    path = tmp_path / "round.xml"
    path.write_bytes(programme_to_iati(Programme.objects.get(code="round")))
    Measurement.objects.all().delete()
    Result.objects.filter(programme=demo.programme).delete()
    demo.programme.levels.all().delete()
    demo.programme.delete()

    report = iati_import(path, actor=users["manager"], programme_code="round", trusted=True)
    assert dict(report.statuses()) == {"added": 1}, report.as_dict()
    programme = Programme.objects.get(code="round")
    assert programme.iati_recipient_countries == countries
    imported = Measurement.objects.get(indicator__result__programme=programme)
    assert (imported.value, imported.numerator, imported.denominator) == (D(30), D(12), D(40))
    assert imported.evidence_url == "https://example.org/sheets" and imported.comment == ""


def test_a_files_countries_are_kept_and_unknown_ones_said(db, users, tmp_path):
    root = etree.fromstring(GDIHUB.read_bytes())
    activity = root.find("iati-activity")
    first = activity.find("recipient-country")
    first.set("code", "ke")  # lower case: read as KE
    first.addnext(etree.Element("recipient-country", {"code": "QQ", "percentage": "0"}))
    path = tmp_path / "countries.xml"
    path.write_bytes(etree.tostring(root))
    report = iati_import(path, actor=users["manager"])
    programme = Programme.objects.get(code="gb-coh-11126312-cluster1")
    codes = [item["code"] for item in programme.iati_recipient_countries]
    assert codes[:2] == ["KE", "BD"] and "QQ" not in codes
    assert programme.iati_recipient_countries[0]["percentage"] == "10"
    assert any("QQ" in note.message for note in report.activities[0].notes)


# The bulk write path -----------------------------------------------------------------------------------------


def test_an_activitys_values_are_written_in_a_constant_number_of_queries(
    db, users, nsb, tmp_path, django_assert_num_queries
):
    """Targets and values go in one set-based write per activity, their lookups read once: the queries of an
    import do not grow with the number of values (here 3 or 12 actuals into an existing framework)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.results.conftest import indicator_build, programme_build

    demo = programme_build(code="pin", owner=nsb)
    indicator_build(demo, "I1", milestones=("10", "20", "30"))
    indicator_build(demo, "I2", milestones=("1", "2", "3"))
    exported = etree.fromstring(programme_to_iati(demo.programme))

    def file_with(actuals: int) -> Path:
        root = etree.fromstring(etree.tostring(exported))
        for period in root.iter("period"):
            for number in range(actuals):
                etree.SubElement(period, "actual", {"value": str(number + 1)})
        path = tmp_path / f"pin-{actuals}.xml"
        path.write_bytes(etree.tostring(root))
        return path

    counted = {}
    for actuals in (1, 1, 4):  # the first warms what a process reads once (the user's grants)
        path = file_with(actuals)
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            report = iati_import(path, actor=users["manager"], programme_code="pin", trusted=True)
            assert Measurement.objects.filter(status=Measurement.Status.APPROVED).count() == 2 * 3 * actuals
            transaction.set_rollback(True)
        assert dict(report.statuses()) == {"changed": 1}, report.as_dict()
        counted[actuals] = len(queries) - 1  # less the count above
    assert counted[1] == counted[4]
    # Pinned: a change that adds a query per activity shows here (and one per value would fail above). The new
    # targets' and values' ids are taken from their tables' sequences before their inserts (bulk.inserts_deferred).
    # On PostgreSQL, one more: the batch's activities claimed (iati_import._activities_claim).
    with django_assert_num_queries(43 + (connection.vendor == "postgresql")):
        iati_import(file_with(4), actor=users["manager"], programme_code="pin", trusted=True)


def test_an_imports_records_are_audited_and_their_programme_stamped_at_the_end_of_each_activity(
    db, users, nsb, tmp_path
):
    """The audit entries and progress stamps of an activity's records are written once, when the activity is
    (accounts.audit.audit_batched, progress_cache.progress_batched): written all the same, none lost."""
    from jalon.accounts.models import AuditEntry
    from tests.results.conftest import indicator_build, programme_build

    demo = programme_build(code="audited", owner=nsb)
    indicator_build(demo, "I1", milestones=("10", "20"))
    root = etree.fromstring(programme_to_iati(demo.programme))
    for period in root.iter("period"):
        etree.SubElement(period, "actual", {"value": "7"})
    path = tmp_path / "audited.xml"
    path.write_bytes(etree.tostring(root))
    stamp, last = demo.programme.progress_stamp, AuditEntry.objects.order_by("-pk").values_list("pk").first()
    report = iati_import(path, actor=users["manager"], programme_code="audited", trusted=True)
    assert dict(report.statuses()) == {"changed": 1}
    audited = AuditEntry.objects.filter(pk__gt=last[0] if last else 0, model="results.measurement")
    assert audited.count() == Measurement.objects.filter(indicator__result__programme=demo.programme).count() == 2
    demo.programme.refresh_from_db()
    assert demo.programme.progress_stamp != stamp


def test_a_batch_of_activities_writes_its_provenance_import_records_and_audit_once(db, users, tmp_path):
    """The activities of a file are imported by batches (iati_import.BATCH): each batch's look-ups of import
    records, programmes and imported values, and its inserts of provenance, import records and audit entries, are
    one query each, whatever the number of activities in it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    text = EXAMPLE.read_text(encoding="utf-8")
    activity = re.search(r"<iati-activity[ >].*?</iati-activity>", text, flags=re.S)[0]
    copies = [activity.replace("</iati-identifier>", f"-{n}</iati-identifier>", 1) for n in range(3)]
    path = tmp_path / "three.xml"
    path.write_text(text.replace(activity, "\n".join(copies), 1), encoding="utf-8")
    with CaptureQueriesContext(connection) as queries:
        report = iati_import(path, actor=users["manager"], trusted=True)
    assert dict(report.statuses()) == {"added": 3}, report.as_dict()
    inserts = Counter(
        table
        for query in queries.captured_queries
        for table in ("results_iatiprovenance", "results_iatiactivityimport", "accounts_auditentry")
        # Rows nobody reads back go in one COPY on PostgreSQL, one executemany on SQLite (jalon.lib.bulk.rows_insert).
        if re.match(rf'(\d+ times: INSERT INTO|INSERT INTO|COPY) "{table}"', query["sql"])
    )
    assert inserts == {"results_iatiprovenance": 1, "results_iatiactivityimport": 1, "accounts_auditentry": 1}
    assert IatiActivityImport.objects.count() == 3
    assert IatiProvenance.objects.filter(record_type="programme").count() == 3
    # A second import of the file finds the three in one look-up and changes nothing.
    again = iati_import(path, actor=users["manager"], trusted=True)
    assert dict(again.statuses()) == {"unchanged": 3}


def test_a_refused_activity_leaves_the_others_of_its_batch_and_nothing_of_its_own(db, users, tmp_path, monkeypatch):
    """A batch is imported in one savepoint; when one of its activities is refused after it wrote (here a service's
    check, made to refuse the second), the batch is imported again, each activity in a savepoint of its own: the
    others are imported as if alone, and nothing of the refused one stays (its programme, the organisation it
    added, its provenance, audit entries and import record)."""
    from django.core.exceptions import ValidationError

    from jalon.accounts.models import AuditEntry
    from jalon.results import services

    text = EXAMPLE.read_text(encoding="utf-8")
    activity = re.search(r"<iati-activity[ >].*?</iati-activity>", text, flags=re.S)[0]
    copies = [activity.replace("</iati-identifier>", f"-{n}</iati-identifier>", 1) for n in range(3)]
    copies[1] = (
        copies[1]
        .replace('ref="AA-AAA-123456789"', 'ref="ZZ-NEW-1"', 1)
        .replace("Organisation name", "A publisher refused", 1)
        .replace("Nom de l'organisme", "Un publieur refusé", 1)
    )
    path = tmp_path / "three.xml"
    path.write_text(text.replace(activity, "\n".join(copies), 1), encoding="utf-8")
    original = services.imported_indicators_create

    def refusing(*, programme, **kwargs):
        if programme.code.endswith("-1"):
            raise ValidationError("Refused for the test.")
        return original(programme=programme, **kwargs)

    monkeypatch.setattr(services, "imported_indicators_create", refusing)
    last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    report = iati_import(path, actor=users["manager"], trusted=True)
    assert [outcome.status for outcome in report.activities] == ["added", "refused", "added"], report.as_dict()
    assert any(note.message == "Refused for the test." for note in report.activities[1].notes)
    assert not report.activities[1].counts and not report.activities[1].programme
    first, third = report.activities[0].counts, report.activities[2].counts
    assert first.pop("organisation") == 1 and first == third  # the third's publisher is the first's
    codes = set(Programme.objects.filter(code__startswith="aa-aaa-").values_list("code", flat=True))
    assert codes == {"aa-aaa-123456789-abc123-0", "aa-aaa-123456789-abc123-2"}
    assert not Organisation.objects.filter(iati_identifier="ZZ-NEW-1").exists()
    assert not IatiProvenance.objects.filter(activity_identifier__endswith="-1").exists()
    assert not IatiActivityImport.objects.filter(identifier__endswith="-1").exists()
    audited = AuditEntry.objects.filter(pk__gt=last, model="results.programme")
    assert audited.count() == 2
    assert report.organisations["ZZ-NEW-1"].organisation_id is None


def test_a_rolled_back_mapping_leaves_the_directorys_organisation_as_it_was(db, nsb):
    """The person's mapping gives an organisation of the directory the file's IATI identifier; when the activity
    or batch that did it is rolled back, the directory forgets the change but not the organisation, which the
    mapping still finds (it was forgotten altogether, and the next activities created it anew)."""
    from jalon.results.iati_import import Directory, ImportReport

    Organisation.objects.filter(pk=nsb.pk).update(iati_identifier="")
    node = etree.fromstring('<reporting-org ref="XM-NEW-9"><narrative>Some publisher</narrative></reporting-org>')
    with transaction.atomic():
        directory = Directory(ImportReport("file.xml", dry_run=False), {"XM-NEW-9": nsb.pk})
        directory.begin()
        savepoint = transaction.savepoint()
        match, found = directory.match(node, "reporting")
        assert (found.pk, found.iati_identifier, match.how) == (nsb.pk, "XM-NEW-9", "mapped")
        transaction.savepoint_rollback(savepoint)
        directory.rollback()
        assert directory.by_pk[nsb.pk].iati_identifier == "" and "XM-NEW-9" not in directory.by_identifier
        match, found = directory.match(node, "reporting")
        assert (found.pk, found.iati_identifier, match.how) == (nsb.pk, "XM-NEW-9", "mapped")
        transaction.set_rollback(True)


def test_a_batchs_targets_and_values_are_written_once_and_each_new_programme_costs_the_same_queries(
    db, users, nsb, tmp_path
):
    """The targets and values of a batch's activities are checked per activity and written in one insert each
    (services.imported_values_check, imported_values_write), and so are the new programmes, levels, periods,
    results and indicators (jalon.lib.bulk.inserts_deferred): a further new programme of a batch costs no query."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.results.conftest import indicator_build, programme_build

    demo = programme_build(code="many", owner=nsb)
    indicator_build(demo, "I1", milestones=("10", "20", "30"))
    indicator_build(demo, "I2", milestones=("1", "2", "3"))
    exported = etree.fromstring(programme_to_iati(demo.programme))
    for period in exported.iter("period"):
        etree.SubElement(period, "actual", {"value": "5"})
    activity = exported.find("iati-activity")
    exported.remove(activity)

    def file_with(activities: int) -> Path:
        root = etree.fromstring(etree.tostring(exported))
        for number in range(activities):
            copy = etree.fromstring(etree.tostring(activity))
            identifier = copy.find("iati-identifier")
            identifier.text = f"{identifier.text}-{activities}-{number}"
            root.append(copy)
        path = tmp_path / f"many-{activities}.xml"
        path.write_bytes(etree.tostring(root))
        return path

    counted = {}
    for activities in (2, 2, 5):  # the first warms what a process reads once
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            report = iati_import(file_with(activities), actor=users["manager"], trusted=True)
            assert Measurement.objects.filter(status=Measurement.Status.APPROVED).count() == activities * 2 * 3
            transaction.set_rollback(True)
        assert dict(report.statuses()) == {"added": activities}, report.as_dict()
        inserts = Counter(
            table
            for query in queries.captured_queries
            for table in ("results_milestone", "results_measurement")
            if re.match(rf'(\d+ times: INSERT INTO|INSERT INTO|COPY) "{table}"', query["sql"])
        )
        assert inserts == {"results_milestone": 1, "results_measurement": 1}
        counted[activities] = len(queries) - 1  # less the count above
    # Each further new programme of a batch costs nothing more (5 queries each before its records' inserts waited
    # for the batch's end: its programme, level, periods, results and indicators).
    assert counted[5] == counted[2]


def test_an_identifier_twice_in_a_real_file_refuses_the_second_naming_the_first(db, users, tmp_path):
    """IATI identifiers are unique in a file (Validator rule 1.1.2): a repeat is refused in the report before
    anything is saved, naming the first by XPath and line; the first and the rest import as before. Without the
    rule the repeat (changed, so not "unchanged") was imported into the first's programme, its values a second
    time (values are imported once per XPath, and a repeat's XPaths are its own)."""
    text = GDIHUB.read_text(encoding="utf-8")
    first = re.search(r"<iati-activity[ >].*?</iati-activity>", text, flags=re.S)[0]
    repeat = first.replace("AT2030 - Cluster 1", "AT2030 - Cluster 1 (again)", 1)
    assert repeat != first
    changed = text.replace("</iati-activities>", f"  {repeat}\n</iati-activities>")
    path = tmp_path / "gdihub-twice.xml"
    path.write_text(changed, encoding="utf-8")
    line = changed[: changed.index("<iati-identifier>", changed.index(repeat))].count("\n") + 1
    alone = iati_import(GDIHUB, actor=users["manager"], dry_run=True)

    with translation.override("en"):
        preview = iati_import(path, actor=users["manager"], dry_run=True)
    assert [outcome.status for outcome in preview.activities] == ["added"] * 4 + ["refused"]
    (note,) = [note for note in preview.activities[-1].notes if note.severity == "refused"]
    assert note.rule_id == "1.1.2"
    assert note.xpath == "/iati-activities/iati-activity[5]/iati-identifier" and note.line == line
    assert note.message == (
        "The iati-identifier GB-COH-11126312-Cluster1 is already that of the activity at "
        "/iati-activities/iati-activity[1] (line 4): an identifier is unique in a file, so this second activity is "
        "not imported."
    )
    assert [o.counts for o in preview.activities[:4]] == [o.counts for o in alone.activities]
    assert not preview.activities[-1].counts
    with translation.override("fr"):
        report = iati_import(path, actor=users["manager"], expected=plan_of(preview.as_dict()))
    assert [outcome.status for outcome in report.activities] == ["added"] * 4 + ["refused"]
    (note,) = [note for note in report.activities[-1].notes if note.severity == "refused"]
    assert note.message.startswith("L’iati-identifier GB-COH-11126312-Cluster1 est déjà celui de l’activité")
    programme = Programme.objects.get(code="gb-coh-11126312-cluster1")
    assert programme.title == {"en": "AT2030 - Cluster 1: Data and Evidence"}  # the first's, not the repeat's
    imported = {"indicator__result__programme__code__startswith": "gb-coh-11126312-"}
    assert Measurement.objects.filter(**imported).count() == sum(o.counts["measurement"] for o in alone.activities)
    assert Milestone.objects.filter(**imported).count() == sum(o.counts["target"] for o in alone.activities) > 0
    assert not IatiProvenance.objects.filter(xpath__startswith="/iati-activities/iati-activity[5]").exists()
    # Imported again: the first is unchanged, the repeat refused again.
    again = iati_import(path, actor=users["manager"])
    assert [outcome.status for outcome in again.activities] == ["unchanged"] * 4 + ["refused"]


def test_an_identifier_longer_than_jalon_keeps_is_refused_with_a_message_and_the_rest_imported(db, users, tmp_path):
    """An iati-identifier of more than 200 characters (the import record's column) refuses its activity, said in
    both languages; before, PostgreSQL refused the whole file with a server error."""
    text = GDIHUB.read_text(encoding="utf-8")
    identifier = re.search(r"<iati-identifier>(.*?)</iati-identifier>", text)[1]
    long = identifier + "-" + "x" * 200
    path = tmp_path / "gdihub-long.xml"
    path.write_text(text.replace(f">{identifier}<", f">{long}<", 1), encoding="utf-8")
    programmes = Programme.objects.count()
    with translation.override("en"):
        report = iati_import(path, actor=users["manager"])
    assert [outcome.status for outcome in report.activities] == ["refused"] + ["added"] * 3
    assert Programme.objects.count() == programmes + 3
    (note,) = [note for note in report.activities[0].notes if note.severity == "refused"]
    assert note.message == "The iati-identifier has more than 200 characters: jalon cannot keep it."
    assert note.xpath == "/iati-activities/iati-activity[1]/iati-identifier"
    assert not IatiActivityImport.objects.filter(identifier__startswith=identifier).exists()
    with translation.override("fr"):
        again = iati_import(path, actor=users["manager"], dry_run=True)
    assert again.activities[0].notes[-1].message.startswith("L’iati-identifier a plus de 200 caractères")


def test_an_identifier_that_differs_only_in_case_does_not_take_the_others_programme(db, users, tmp_path):
    """Two identifiers that give the same programme code ("GB-COH-...-Cluster1" and its lower case) are two
    activities for IATI: the second is refused, naming the first, instead of adding its values to the first's
    programme; in the same file and in a later one."""
    text = GDIHUB.read_text(encoding="utf-8")
    first = re.search(r"<iati-activity[ >].*?</iati-activity>", text, flags=re.S)[0]
    identifier = re.search(r"<iati-identifier>(.*?)</iati-identifier>", first)[1]
    lower = first.replace(f">{identifier}<", f">{identifier.lower()}<", 1)
    assert lower != first
    path = tmp_path / "gdihub-case.xml"
    path.write_text(text.replace("</iati-activities>", f"  {lower}\n</iati-activities>"), encoding="utf-8")
    with translation.override("en"):
        report = iati_import(path, actor=users["manager"])
    assert [outcome.status for outcome in report.activities] == ["added"] * 4 + ["refused"]
    (note,) = [note for note in report.activities[-1].notes if note.severity == "refused"]
    assert note.message == (
        f"The activity {identifier}, already imported into the programme {identifier.lower()}, has an identifier "
        "that gives the same code: import this one into a programme chosen on the upload page."
    )
    first_values = Measurement.objects.filter(indicator__result__programme__code=identifier.lower()).count()
    assert first_values == report.activities[0].counts["measurement"] > 0
    assert not IatiActivityImport.objects.filter(identifier=identifier.lower()).exists()
    # A later file that holds only the lower-case one: refused the same way, in French too.
    alone = tmp_path / "gdihub-lower.xml"
    alone.write_text(text.replace(first, lower, 1), encoding="utf-8")
    with translation.override("fr"):
        later = iati_import(alone, actor=users["manager"])
    assert later.activities[0].status == "refused"
    assert later.activities[0].notes[-1].message.startswith(f"L’activité {identifier}, déjà importée")
    assert Measurement.objects.filter(indicator__result__programme__code=identifier.lower()).count() == first_values


def test_two_activities_of_one_programme_in_a_batch_read_the_targets_and_values_the_first_left_waiting(
    db, users, nsb, tmp_path
):
    """The batch writes its targets and values at its end: an activity whose programme has some waiting (two
    activities imported into the same programme before, each chosen on the upload page) has them written first, so
    that it sees its programme's targets and adds none twice. (The same identifier twice is refused, and so is
    another identifier that gives the same code: the tests above.)"""
    from tests.results.conftest import indicator_build, programme_build

    demo = programme_build(code="twice", owner=nsb)
    indicator_build(demo, "I1", milestones=("10", "20", "30"))
    root = etree.fromstring(programme_to_iati(demo.programme))
    Milestone.objects.filter(indicator__result__programme=demo.programme).delete()  # the file's targets are new
    for period in root.iter("period"):
        etree.SubElement(period, "actual", {"value": "5"})
    activity = root.find("iati-activity")
    again = etree.fromstring(etree.tostring(activity))
    again.find("iati-identifier").text += "-AGAIN"
    root.append(again)
    path = tmp_path / "twice.xml"
    path.write_bytes(etree.tostring(root))
    for node in root.iter("iati-activity"):
        IatiActivityImport.objects.create(
            identifier=node.findtext("iati-identifier"), programme=demo.programme, file_name="earlier.xml"
        )
    report = iati_import(path, actor=users["manager"], trusted=True)
    assert [outcome.status for outcome in report.activities] == ["changed", "changed"], report.as_dict()
    assert report.activities[0].programme == report.activities[1].programme == "twice"
    assert Milestone.objects.filter(indicator__result__programme=demo.programme).count() == 3


@pytest.mark.parametrize("fresh", [True, False], ids=["new programme", "programme imported before"])
def test_an_indicator_and_its_new_disaggregation_in_one_activity_take_their_values_by_value(db, users, tmp_path, fresh):
    """An activity that adds an indicator and the disaggregation its values name (a new programme's, or one added to
    a programme imported before) imports those values by value: the disaggregation and indicator are read from
    what the activity made, or from the database once their inserts, waiting for the batch's end, are written."""
    indicator = """
   <indicator measure="1" ascending="1">
    <title><narrative>People trained, by sex</narrative></title>
    <period>
     <period-start iso-date="2013-01-01"/><period-end iso-date="2013-12-31"/>
     <actual value="7"><dimension name="sex" value="female"/></actual>
     <actual value="5"><dimension name="sex" value="male"/></actual>
    </period>
   </indicator>
  </result>"""
    with_it = VERSION_201.replace("2.01", "2.03").replace("  </result>", indicator, 1)
    path = tmp_path / "by-sex.xml"
    if not fresh:
        path.write_text(VERSION_201.replace("2.01", "2.03"), encoding="utf-8")
        assert iati_import(path, actor=users["manager"], trusted=True).activities[0].status == "added"
    path.write_text(with_it, encoding="utf-8")
    report = iati_import(path, actor=users["manager"], trusted=True)
    assert report.activities[0].status == ("added" if fresh else "changed"), report.as_dict()
    by_value = Measurement.objects.filter(indicator__title__en="People trained, by sex")
    assert sorted((m.dimension_value.code, m.value) for m in by_value) == [
        ("female", D("7.0000")),
        ("male", D("5.0000")),
    ]
    assert not [note for note in report.activities[0].notes if note.rule_id == "import.value"]


# Versions 2.01 and 2.02 -------------------------------------------------------------------------------------

VERSION_201 = """<?xml version="1.0" encoding="UTF-8"?>
<iati-activities version="2.01" generated-datetime="2015-03-02T10:00:00">
 <iati-activity last-updated-datetime="2015-03-01T10:00:00" xml:lang="en" default-currency="USD">
  <iati-identifier>XM-DAC-41302-201-TEST</iati-identifier>
  <reporting-org ref="XM-DAC-41302" type="40"><narrative>International Labour Organization</narrative></reporting-org>
  <title><narrative>Standards for decent work (2.01)</narrative></title>
  <description type="1"><narrative>An activity published in version 2.01.</narrative></description>
  <participating-org ref="XM-DAC-41302" role="4" type="40"><narrative>ILO</narrative></participating-org>
  <activity-status code="2"/>
  <activity-date iso-date="2012-01-01" type="1"/>
  <activity-date iso-date="2012-01-15" type="2"/>
  <activity-date iso-date="2014-12-31" type="3"/>
  <recipient-country code="SN" percentage="100"/>
  <sector code="16020" vocabulary="1"/>
  <result type="2" aggregation-status="1">
   <title><narrative>Labour inspection strengthened</narrative></title>
   <indicator measure="1" ascending="1">
    <title><narrative>Inspectors trained</narrative></title>
    <baseline year="2011" value="40"><comment><narrative>Inspectors in 2011</narrative></comment></baseline>
    <period>
     <period-start iso-date="2013-01-01"/><period-end iso-date="2013-12-31"/>
     <target value="60"/><actual value="55"/>
    </period>
   </indicator>
   <indicator measure="5" ascending="1">
    <title><narrative>Inspection policy</narrative></title>
    <period>
     <period-start iso-date="2013-01-01"/><period-end iso-date="2013-12-31"/>
     <actual><comment><narrative>Adopted by the ministry.</narrative></comment></actual>
    </period>
   </indicator>
  </result>
 </iati-activity>
</iati-activities>
"""


def test_a_version_201_file_is_read_with_its_differences_said(db, users, tmp_path):
    path = tmp_path / "v201.xml"
    path.write_text(VERSION_201, encoding="utf-8")
    with translation.override("en"):
        report = iati_import(path, actor=users["manager"])
    (outcome,) = report.activities
    assert outcome.status == "added", outcome.as_dict()
    messages = [note.message for note in outcome.notes if note.rule_id == "import.version"]
    assert any("Version 2.01: read as 2.03" in message for message in messages)
    assert any("Measure 5 is not a measure of version 2.01" in message for message in messages)
    programme = Programme.objects.get(code="xm-dac-41302-201-test")
    assert programme.iati_recipient_countries == [{"code": "SN", "percentage": "100"}]
    inspectors = Indicator.objects.get(result__programme=programme, code="I1")
    assert (inspectors.baseline_year, inspectors.baseline_value) == (2011, D(40))
    assert Measurement.objects.get(indicator=inspectors).value == D(55)
    policy = Indicator.objects.get(result__programme=programme, code="I2")
    assert Measurement.objects.get(indicator=policy).text == "Adopted by the ministry."


def test_a_later_element_in_a_201_file_is_said_and_read(db, users, tmp_path):
    content = VERSION_201.replace(
        '<indicator measure="1" ascending="1">',
        '<indicator measure="1" ascending="1"><reference vocabulary="99" code="LAB-1"/>',
    )
    path = tmp_path / "v201-reference.xml"
    path.write_text(content, encoding="utf-8")
    with translation.override("en"):
        report = iati_import(path, actor=users["manager"])
    (outcome,) = report.activities
    notes = [note for note in outcome.notes if "came with 2.02" in note.message]
    assert notes and notes[0].xpath.endswith("/result/indicator[1]/reference")
    assert Indicator.objects.filter(result__programme__code="xm-dac-41302-201-test", code="LAB-1").exists()


def test_the_202_activity_of_the_real_sample_is_imported_with_its_version_said(db, users):
    with translation.override("en"):
        report = iati_import(DPORTAL, actor=users["manager"])
    (outcome,) = [outcome for outcome in report.activities if outcome.identifier == "GB-CHC-285776-NGR476"]
    assert outcome.status == "added"
    assert any("Version 2.02: read as 2.03" in note.message for note in outcome.notes)


def test_an_activitys_new_indicators_are_written_in_a_constant_number_of_queries(
    db, users, nsb, tmp_path, django_assert_num_queries
):
    """The periods, results and indicators an import creates go in set-based writes per activity
    (services.imported_periods_create, imported_results_create, imported_indicators_create): a new programme with 2
    or 8 results of an indicator each costs the same number of queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.results.conftest import indicator_build, programme_build

    def file_with(indicators: int) -> Path:
        code = f"new-{indicators}"
        demo = programme_build(code=code, owner=nsb)
        for number in range(indicators):
            result = Result.objects.create(
                programme=demo.programme, level=demo.level, code=f"X{number}", title={"en": f"X{number}"}
            )
            indicator_build(demo, f"I{number}", result=result, milestones=("10", "20", "30"))
        path = tmp_path / f"{code}.xml"
        path.write_bytes(programme_to_iati(demo.programme))
        Milestone.objects.filter(indicator__result__programme=demo.programme).delete()
        Indicator.objects.filter(result__programme=demo.programme).delete()
        Result.objects.filter(programme=demo.programme).delete()
        demo.programme.levels.all().delete()
        demo.programme.periods.all().delete()
        demo.programme.delete()
        return path

    counted = {}
    for indicators in (2, 2, 8):  # the first warms what a process reads once
        path = file_with(indicators)
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            report = iati_import(path, actor=users["manager"], trusted=True)
            transaction.set_rollback(True)
        assert dict(report.statuses()) == {"added": 1}, report.as_dict()
        assert report.activities[0].counts["indicator"] == indicators
        counted[indicators] = len(queries)
    assert counted[2] == counted[8]
    # Pinned: the whole new programme of one activity, its records' inserts at the end of its batch, one per kind
    # (bulk.inserts_deferred), after one query per kind for their ids: more than an insert each for one activity,
    # nothing more for each further one of a batch (the test above).
    path = file_with(8)
    with transaction.atomic():
        with django_assert_num_queries(25 + (connection.vendor == "postgresql")):
            iati_import(path, actor=users["manager"], trusted=True)
        transaction.set_rollback(True)


@pytest.mark.parametrize("where", ["activity", "file"])
def test_a_narrative_without_a_language_takes_the_activitys_then_the_files(db, users, tmp_path, where):
    root = etree.fromstring(GDIHUB.read_bytes())
    activity = root.find("iati-activity")
    for other in activity.itersiblings("iati-activity"):
        root.remove(other)
    activity.attrib.pop("{http://www.w3.org/XML/1998/namespace}lang", None)
    (root if where == "file" else activity).set("{http://www.w3.org/XML/1998/namespace}lang", "fr")
    title = activity.find("title")
    for narrative in title.findall("narrative"):
        title.remove(narrative)
    etree.SubElement(title, "narrative").text = "Un titre"
    path = tmp_path / "french.xml"
    path.write_bytes(etree.tostring(root))
    iati_import(path, actor=users["manager"])
    programme = Programme.objects.get(code="gb-coh-11126312-cluster1")
    assert programme.title == {"fr": "Un titre"}
