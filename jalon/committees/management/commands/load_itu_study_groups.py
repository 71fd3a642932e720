from pathlib import Path

from django.core.management.base import BaseCommand

from jalon.committees.services import ITU_STUDY_GROUPS_FILE, itu_study_groups_load


class Command(BaseCommand):
    help = "Load the ITU-T study groups of the 2025-2028 study period and their regional groups (shipped file)."

    def add_arguments(self, parser):
        parser.add_argument("--file", type=Path, default=ITU_STUDY_GROUPS_FILE)

    def handle(self, *args, file: Path, **options):
        counts = itu_study_groups_load(path=file)
        self.stdout.write(self.style.SUCCESS(f"ITU-T study groups: {counts}"))
