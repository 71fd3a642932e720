from pathlib import Path

from django.core.management.base import BaseCommand

from jalon.reference.services import DEFAULT_MANIFEST, reference_load


class Command(BaseCommand):
    help = "Load countries, regions, classifications (with their history), languages, currencies and rules."

    def add_arguments(self, parser):
        parser.add_argument(
            "--manifest",
            type=Path,
            default=DEFAULT_MANIFEST,
            help="A vintages.json naming the data files to load (default: the data shipped with jalon).",
        )

    def handle(self, *args, manifest: Path, **options):
        report = reference_load(manifest=manifest)
        self.stdout.write(self.style.SUCCESS(f"Reference data loaded: {report}"))
