"""`jalon export-iati --programme CODE --output FILE`: the programme as an IATI 2.03 activity file,
validated against the IATI XSD, codelists and the IATI Validator's rules before it is written; warnings go to
stderr."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jalon.results.iati import programme_iati_export
from jalon.results.models import Programme


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
        export = programme_iati_export(found)
        for note in export.warnings:
            where = f" ({note.xpath})" if note.xpath else ""
            self.stderr.write(f"warning {note.rule_id}{where}: {note.message} {note.explanation}".rstrip())
        if export.errors:
            shown = "\n".join(export.errors[:20])
            if len(export.errors) > 20:
                shown += f"\n... and {len(export.errors) - 20} more"
            raise CommandError(
                "The IATI file breaks the 2.03 schema, the codelists or the IATI Validator's rules; nothing written.\n"
                + shown
            )
        if output == "-":
            self.stdout.write(export.document.decode("utf-8"), ending="")
            return
        Path(output).write_bytes(export.document)
        exported = found.results.count() - len(export.skipped)
        self.stdout.write(
            self.style.SUCCESS(
                f"{output}: {exported} result(s) written, valid against IATI 2.03 and the IATI Validator's rules "
                f"({len(export.warnings)} warning(s))."
            )
        )
