from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jalon.twinning.trade import TradeFileRefused, trade_file_load

# Problems printed (all are counted).
LISTED = 50


class Command(BaseCommand):
    help = (
        "Load a bilateral trade file (CSV: reporter_iso3, partner_iso3, year, value_usd; or a UN Comtrade export) "
        "for the twinning recommender's trade links. It replaces the file loaded before; a file with any bad row "
        "is refused whole, with the rows at fault. See jalon/twinning/trade.py for the layouts read."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", default="", help='Where the file comes from, e.g. "UN Comtrade, 2024".')

    def handle(self, *args, file: Path, source: str, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such file.")
        try:
            loaded = trade_file_load(actor=None, path=file, source=source)
        except TradeFileRefused as exc:
            for error in exc.report.errors[:LISTED]:
                column = f" [{error.column}]" if error.column else ""
                self.stderr.write(f"line {error.row}{column} “{error.value}”: {error.message}")
            more = exc.report.count - min(LISTED, len(exc.report.errors))
            if more > 0:
                self.stderr.write(f"... and {more} more.")
            raise CommandError(exc.messages[0]) from None
        except UnicodeDecodeError as exc:
            raise CommandError(f"{file}: not UTF-8 text ({exc.reason}); nothing was loaded.") from None
        self.stdout.write(
            f"Loaded {loaded.flows} reporter-partner-year flows ({loaded.first_year}-{loaded.last_year}) from "
            f"{loaded.rows_read} rows; {loaded.skipped} skipped (aggregates such as {loaded.note or 'none'}, "
            "or re-exports). The recommender now weighs trade links where the programme's trade weights are "
            "empty (1) or set above 0."
        )
