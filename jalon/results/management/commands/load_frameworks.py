from django.core.management.base import BaseCommand

from jalon.results.services import SEED_FRAMEWORKS, frameworks_load


class Command(BaseCommand):
    help = "Load (or update) the seed results frameworks: " + ", ".join(SEED_FRAMEWORKS)

    def add_arguments(self, parser):
        parser.add_argument("codes", nargs="*", default=list(SEED_FRAMEWORKS))

    def handle(self, *args, codes, **options):
        for programme in frameworks_load(codes=codes):
            self.stdout.write(self.style.SUCCESS(f"{programme.code}: {programme.results.count()} results loaded"))
