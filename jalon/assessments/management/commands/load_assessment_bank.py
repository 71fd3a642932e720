from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jalon.assessments.bank import bank_files, bank_load_file


class Command(BaseCommand):
    help = "Load assessment question banks (default: every file of jalon/assessments/data, in version order)."

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="*", help="JSON files of question banks")

    def handle(self, *args, paths, **options):
        for path in [Path(p) for p in paths] or bank_files():
            try:
                framework, created = bank_load_file(actor=None, path=path)
            except ValidationError as exc:
                raise CommandError(f"{path.name}: {' '.join(exc.messages)}") from None
            state = "loaded" if created else "already loaded"
            self.stdout.write(f"{framework.code} v{framework.version}: {state} ({path.name})")
