from pathlib import Path

from django.core.management.base import BaseCommand

from jalon.backup.archive import backup_write


class Command(BaseCommand):
    help = "Write every record and every uploaded file into one archive (.tar.gz) that `jalon restore` reads."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The archive to write, e.g. backups/jalon-2026-12-05.tar.gz")

    def handle(self, *args, file: Path, **options):
        manifest = backup_write(file)
        records = sum(manifest["records"].values())
        self.stdout.write(
            self.style.SUCCESS(f"Backup written to {file}: {records} records, {len(manifest['files'])} files.")
        )
