import csv
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jalon.reference.models import Country
from jalon.support.services import fellowship_eligibility_load


class Command(BaseCommand):
    help = (
        "Load ITU's list of Member States eligible for fellowships in one year (replacing that year's list). "
        "FILE: a CSV with a column iso3 (or iso2), or one country code per line. All or nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument("--source", required=True, help="Where the list comes from (document, URL, date).")

    def handle(self, *args, year: int, file: Path, source: str, **options):
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from exc
        lines = [line for line in text.splitlines() if line.strip()]
        if lines and "," in lines[0] or (lines and lines[0].strip().lower() in ("iso3", "iso2")):
            rows = list(csv.DictReader(lines))
            column = next((name for name in ("iso3", "iso2") if rows and name in rows[0]), None)
            if column is None:
                raise CommandError("The CSV needs a column named iso3 or iso2.")
            codes = [(number, (row.get(column) or "").strip().upper()) for number, row in enumerate(rows, start=2)]
        else:
            codes = [(number, line.strip().upper()) for number, line in enumerate(lines, start=1)]
        by_code = {c.iso3: c for c in Country.objects.all()} | {c.iso2: c for c in Country.objects.all()}
        errors = [f"line {number}: unknown country code “{code}”" for number, code in codes if code not in by_code]
        if errors:
            raise CommandError("Nothing loaded:\n" + "\n".join(errors))
        try:
            count = fellowship_eligibility_load(
                actor=None, year=year, countries=[by_code[code] for _number, code in codes], source=source
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(self.style.SUCCESS(f"{year}: {count} eligible Member State(s) loaded"))
