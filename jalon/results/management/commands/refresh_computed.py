from django.core.management.base import BaseCommand

from jalon.results.computations import computed_refresh_all


class Command(BaseCommand):
    help = (
        "Recompute now every computed indicator (or those of one programme) from the operational records, "
        "without the worker; the programmes are no longer marked as being recomputed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programme", default="", help="Only this programme's indicators (its code).")

    def handle(self, *args, programme: str, **options):
        changed = computed_refresh_all(programme_code=programme)
        for code, count in changed.items():
            self.stdout.write(f"{code}: {count} value(s) changed")
        self.stdout.write(
            self.style.SUCCESS(f"{len(changed)} programme(s) refreshed, {sum(changed.values())} value(s) changed")
        )
