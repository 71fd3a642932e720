"""`jalon report --programme CODE --kind annual|iptt|table1|donor|country --language fr|en|both [--final]
[--country ISO3] [--contributor ID] [--as-of TIMESTAMP] [--output FILE]`:
run a report here and now (the same work and files as a run started from the page, kept with the run) and
write its files: a PDF per language, and a DOCX or XLSX where the kind is edited or computed. With both
languages, FILE gets the language before its extension (report-fr.pdf, report-en.pdf), and each format its
extension (report-fr.docx). A fixed --as-of gives the same bytes as long as the figures are the same."""

import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jalon.organisations.models import Organisation
from jalon.reference.models import Country
from jalon.reporting import services
from jalon.reporting.models import ReportKind, ReportLanguage, ReportRun
from jalon.results.models import Programme


class Command(BaseCommand):
    help = "Run a report of a programme (an accessible PDF per language) and write its file(s)."

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, help="The programme's code.")
        parser.add_argument("--kind", default=ReportKind.ANNUAL, choices=ReportKind.values)
        parser.add_argument("--language", default=ReportLanguage.BOTH, choices=ReportLanguage.values)
        parser.add_argument(
            "--as-of",
            default=None,
            help="ISO 8601 timestamp the run is dated (default: now): the statuses' today and the files' date. "
            "The figures are the approved values when the command runs (see --historical).",
        )
        parser.add_argument(
            "--historical",
            action="store_true",
            help="The figures as they stood at --as-of: the values approved by then and not yet amended then.",
        )
        parser.add_argument(
            "--final",
            action="store_true",
            help="A final report: refused while a narrative section is untranslated or not approved.",
        )
        parser.add_argument("--country", default=None, help="ISO 3166 alpha-3 code: the country of a country profile.")
        parser.add_argument(
            "--contributor", default=None, help="The organisation id (or acronym) of a donor report's contributor."
        )
        parser.add_argument("--output", default=None, help="The PDF to write (default: the run's file name).")

    def handle(self, *args, **options):
        programme = Programme.objects.select_related("owner").filter(code=options["programme"]).first()
        if programme is None:
            raise CommandError(f"No programme {options['programme']}.")
        as_of = None
        if options["as_of"]:
            try:
                as_of = datetime.datetime.fromisoformat(options["as_of"])
            except ValueError:
                raise CommandError(f"Not an ISO 8601 timestamp: {options['as_of']}.") from None
            if as_of.tzinfo is None:
                as_of = as_of.replace(tzinfo=datetime.UTC)
        subjects = {}
        if options["country"]:
            subjects["country"] = Country.objects.filter(iso3=options["country"].upper()).first()
            if subjects["country"] is None:
                raise CommandError(f"No country {options['country']}.")
        if options["contributor"]:
            key = options["contributor"]
            found = (
                Organisation.objects.filter(pk=int(key)) if key.isdigit() else Organisation.objects.filter(acronym=key)
            )
            subjects["contributor"] = found.first()
            if subjects["contributor"] is None:
                raise CommandError(f"No organisation {key}.")
        try:
            run = services.report_run_now(
                programme=programme,
                kind=options["kind"],
                language=options["language"],
                final=options["final"],
                historical=options["historical"],
                as_of=as_of,
                **subjects,
            )
        except ValidationError as invalid:
            raise CommandError(" ".join(invalid.messages)) from None
        if run.status != ReportRun.Status.READY:
            raise CommandError(run.job.message if run.job else "The report failed.")
        files = list(run.files.all())
        for found in files:
            both = len({f.language for f in files}) > 1
            target = self._target(options["output"], found.name, found.language, found.format, both=both)
            with found.file.open("rb") as handle:
                target.write_bytes(handle.read())
            self.stdout.write(f"{target} ({found.language}, {found.size} bytes, sha256 {found.checksum})")
        self.stdout.write(f"Run {run.pk}, snapshot {run.snapshot_checksum[:12]}.")

    @staticmethod
    def _target(output: str | None, name: str, language: str, format: str, *, both: bool) -> Path:
        """FILE's name with the language (both languages) and the format's extension (report.pdf: report-fr.pdf,
        report-fr.docx...)."""
        if not output:
            return Path(name)
        path = Path(output)
        return path.with_name(f"{path.stem}-{language}.{format}" if both else f"{path.stem}.{format}")
