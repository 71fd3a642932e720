"""`jalon import-participants --activity CODE FILE`: an activity's participants and attendance from a CSV or
XLSX file, all or nothing, as the upload page does it: run here and now, or (`--queue`) queued for the
worker (`jalon worker`), like an upload."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from jalon.activities.imports import participants_import_start, participants_import_work
from jalon.activities.models import Activity
from jalon.interop.spreadsheets import FileRejected, sheet_read
from jalon.jobs.models import Job
from jalon.jobs.services import job_run

ERRORS_PRINTED = 50


class Command(BaseCommand):
    help = "Import an activity's participants and attendance from a CSV or XLSX file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xlsx or .csv file.")
        parser.add_argument("--activity", required=True, metavar="CODE", help="The activity's code.")
        parser.add_argument("--language", default="fr", choices=["fr", "en"], help="Language of the report.")
        parser.add_argument(
            "--queue", action="store_true", help="Queue the import for `jalon worker` and print the job's id."
        )

    def handle(self, *args, file, activity, language, queue, **options):
        found = Activity.objects.filter(code=activity).first()
        if found is None:
            raise CommandError(f"Unknown activity: {activity!r}.")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        upload = SimpleUploadedFile(path.name, path.read_bytes())
        try:
            sheet_read(upload, name=path.name, probe=True)
        except FileRejected as rejected:
            raise CommandError(rejected.message) from rejected
        upload.seek(0)
        job = participants_import_start(actor=None, activity=found, upload=upload, language=language, enqueue=queue)
        if queue:
            # Only the id, for scripts: the worker runs it; `jalon shell` or the job's page tell how it went.
            self.stdout.write(str(job.pk))
            return
        job_run(job.pk, participants_import_work)
        job.refresh_from_db()
        if job.status != Job.Status.SUCCEEDED:
            errors = job.result.get("errors") or []
            lines = [job.message]
            lines += [f"row {e['row']}, {e['column']}: {e['value']!r}: {e['message']}" for e in errors[:ERRORS_PRINTED]]
            if len(errors) > ERRORS_PRINTED:
                lines.append(f"... and {job.result.get('error_count', len(errors)) - ERRORS_PRINTED} more")
            raise CommandError("\n".join(lines))
        summary = ", ".join(f"{key} {value}" for key, value in job.result.items())
        self.stdout.write(self.style.SUCCESS(f"{path.name}: imported ({summary})."))
