"""`jalon export-iati --programme CODE --output FILE`: the programme as an IATI 2.03 activity file,
validated against the IATI XSD and codelists before it is written."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jalon.results.iati import programme_iati_errors, programme_to_iati
from jalon.results.models import Programme, Result


class Command(BaseCommand):
    help = (
        "Write a programme's results framework as an IATI 2.03 iati-activities file "
        "(validated against the XSD and codelists)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--programme", required=True, metavar="CODE", help="The programme's code.")
        parser.add_argument("--output", required=True, metavar="FILE", help='The file to write ("-" for stdout).')

    def handle(self, *args, programme: str, output: str, **options) -> None:
        found = Programme.objects.filter(code=programme).first()
        if found is None:
            known = ", ".join(Programme.objects.order_by("code").values_list("code", flat=True)) or "none"
            raise CommandError(f"Unknown programme: {programme!r}. Known programmes: {known}.")
        skipped: list[Result] = []
        document = programme_to_iati(found, skipped=skipped)
        if skipped:
            self.stderr.write(
                f"{len(skipped)} result(s) left out: IATI requires at least one indicator per result "
                f"({', '.join(result.code for result in skipped)})."
            )
        errors = programme_iati_errors(document)
        if errors:
            shown = "\n".join(errors[:20]) + (f"\n... and {len(errors) - 20} more" if len(errors) > 20 else "")
            raise CommandError(f"The IATI file does not validate against the 2.03 schema; nothing written.\n{shown}")
        if output == "-":
            self.stdout.write(document.decode("utf-8"), ending="")
            return
        Path(output).write_bytes(document)
        exported = found.results.count() - len(skipped)
        self.stdout.write(self.style.SUCCESS(f"{output}: {exported} result(s) written, valid against IATI 2.03."))
