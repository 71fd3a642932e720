"""`jalon import-participants --activity CODE FILE`: an activity's participants and attendance from a CSV or
XLSX file, all or nothing, as the upload page does it (without the background thread)."""

from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand, CommandError

from jalon.activities.imports import participants_import_start
from jalon.activities.models import Activity
from jalon.interop.models import ImportJob
from jalon.interop.spreadsheets import FileRejected, sheet_read


class Command(BaseCommand):
    help = "Import an activity's participants and attendance from a CSV or XLSX file (all or nothing)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xlsx or .csv file.")
        parser.add_argument("--activity", required=True, metavar="CODE", help="The activity's code.")
        parser.add_argument("--language", default="fr", choices=["fr", "en"], help="Language of the report.")

    def handle(self, *args, file, activity, language, **options):
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
        job = participants_import_start(actor=None, activity=found, upload=upload, language=language, now=True)
        job.refresh_from_db()
        if job.status != ImportJob.Status.DONE:
            lines = [job.message]
            lines += [f"row {e['row']}, {e['column']}: {e['value']!r}: {e['message']}" for e in job.errors[:50]]
            if job.error_count > 50:
                lines.append(f"... and {job.error_count - 50} more")
            raise CommandError("\n".join(lines))
        summary = ", ".join(f"{key} {value}" for key, value in job.result.items())
        self.stdout.write(self.style.SUCCESS(f"{path.name}: imported ({summary})."))
