"""`jalon gap-index run --programme CODE [--spec VERSION] [--seed N] [--runs N] [--as-of DATE] --output FILE.json`:
compute and record a run of the programme's gap index and write it to a file (the same inputs and seed give
the same bytes); `jalon gap-index import FILE.csv`: import a curated file of values, all or nothing;
`jalon gap-index template`: print the curated file's template."""

import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.management.base import BaseCommand, CommandError

from jalon.gap import services
from jalon.gap.method import MethodRefused
from jalon.jobs.models import Job
from jalon.results.models import Programme


class Command(BaseCommand):
    help = "Run the standardization gap index, or import its curated values."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        run = sub.add_parser("run", help="Compute and record a run of a programme's index.")
        run.add_argument("--programme", required=True)
        run.add_argument("--spec", type=int, default=None, help="Specification version (default: the latest).")
        run.add_argument("--seed", type=int, default=1)
        run.add_argument("--runs", type=int, default=services.DEFAULT_RUNS, help="Monte Carlo runs.")
        run.add_argument("--as-of", default=None, help="YYYY-MM-DD (default: today).")
        run.add_argument("--output", required=True, help="The JSON file to write.")
        imported = sub.add_parser("import", help="Import a curated CSV file of values, all or nothing.")
        imported.add_argument("file")
        sub.add_parser("template", help="Print the curated file's template.")

    def handle(self, *args, **options):
        getattr(self, f"_{options['action']}")(options)

    def _run(self, options):
        programme = Programme.objects.filter(code=options["programme"]).first()
        if programme is None:
            raise CommandError(f"No programme {options['programme']}.")
        try:
            as_of = datetime.date.fromisoformat(options["as_of"]) if options["as_of"] else datetime.date.today()
            spec = services.spec_for(programme, options["spec"])
            run = services.run_record(actor=None, spec=spec, as_of=as_of, seed=options["seed"], runs=options["runs"])
        except MethodRefused as refused:
            raise CommandError(refused.message) from None
        except (ValidationError, ValueError) as invalid:
            raise CommandError(" ".join(getattr(invalid, "messages", [str(invalid)]))) from None
        # The file is the run as stored: the same bytes as the run page's download.
        run.refresh_from_db()
        Path(options["output"]).write_text(services.run_output_file(run), encoding="utf-8")
        scored = sum(1 for row in run.outputs["countries"] if row["scored"])
        self.stdout.write(
            f"Run {run.pk}: {scored} countries scored of {len(run.outputs['countries'])}, "
            f"{len(run.outputs['pillars'])} pillars, input hash {run.input_hash[:12]}; written to {options['output']}."
        )

    def _import(self, options):
        """The same job as the page's, run here at once: all or nothing, with each row's problem."""
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        with path.open("rb") as handle:
            job = services.values_import_start_now(actor=None, upload=File(handle, name=path.name))
        if job.status != Job.Status.SUCCEEDED:
            for error in (job.result or {}).get("errors", []):
                self.stderr.write(f"row {error['row']} {error['field']}: {error['message']}")
            raise CommandError(job.message)
        self.stdout.write(f"{job.result['created']} values created, {job.result['updated']} updated (job {job.pk}).")

    def _template(self, options):
        self.stdout.write(services.values_template(), ending="")
