from pathlib import Path

from django.core.management.base import BaseCommand

from jalon.organisations.services import ISO_MEMBERS_FILE, iso_members_load


class Command(BaseCommand):
    help = "Load the ISO members (national standards bodies) from the curated file shipped with jalon."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=ISO_MEMBERS_FILE)

    def handle(self, *args, file: Path, **options):
        counts = iso_members_load(path=file)
        self.stdout.write(self.style.SUCCESS(f"ISO members: {counts}"))
