from django.core.management.base import BaseCommand

from jalon.results.computations import computed_indicators, indicator_refresh


class Command(BaseCommand):
    help = "Recompute every computed indicator (or those of one programme) from the operational records."

    def add_arguments(self, parser):
        parser.add_argument("--programme", default="", help="Only this programme's indicators (its code).")

    def handle(self, *args, programme: str, **options):
        indicators = computed_indicators()
        if programme:
            indicators = indicators.filter(result__programme__code=programme)
        total = 0
        for indicator in indicators:
            changed = indicator_refresh(indicator=indicator)
            total += changed
            self.stdout.write(f"{indicator.result.programme.code} {indicator.code}: {changed} value(s) changed")
        self.stdout.write(self.style.SUCCESS(f"{indicators.count()} computed indicator(s), {total} value(s) changed"))
