from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jalon.backup.archive import backup_check, backup_restore


class Command(BaseCommand):
    help = (
        "Restore an archive written by `jalon backup` into this database (migrated, with no account yet) and "
        "MEDIA_ROOT. The whole archive is checked first; the data is loaded in one transaction."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--replace", action="store_true", help="Delete everything in this database and MEDIA_ROOT first."
        )
        parser.add_argument("--check", action="store_true", help="Only check the archive; restore nothing.")

    def handle(self, *args, file: Path, replace: bool, check: bool, **options):
        try:
            manifest = backup_check(file) if check else backup_restore(file, replace=replace)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        records = sum(manifest["records"].values())
        verb = "checked" if check else "restored"
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup of {manifest['created_at']} {verb}: {records} records, {len(manifest['files'])} files."
            )
        )
