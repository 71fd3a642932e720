import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jalon.committees.iso_import import SUMMARY_KEYS, iso_committees_import


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of: “{value}” is not a date (YYYY-MM-DD).") from exc


class Command(BaseCommand):
    help = (
        "Import the ISO Open Data committee file (iso_technical_committees CSV; credit: ISO Open Data, ODC-By 1.0). "
        "A later file records what changed as events dated --as-of (default: today)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--as-of", type=_date, default=None, help="Date the file describes (YYYY-MM-DD).")

    def handle(self, *args, file: Path, as_of, **options):
        try:
            run = iso_committees_import(path=file, as_of=as_of)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        summary = run.summary
        width = max(len(key) for key in SUMMARY_KEYS)
        kind = "first import" if summary["baseline"] else "changes"
        self.stdout.write(f"ISO committees as of {run.as_of:%Y-%m-%d} ({kind}):")
        for key in SUMMARY_KEYS:
            self.stdout.write(f"  {key.ljust(width)}  {summary.get(key, 0)}")
        unknown = summary.get("unknown_members") or []
        if unknown:
            listed = ", ".join(f"{item['acronym'] or '?'} ({item['iso_member_id']})" for item in unknown[:30])
            self.stdout.write(self.style.WARNING(f"Members not in the directory (ignored): {listed}"))
        self.stdout.write(self.style.SUCCESS("Import done."))
