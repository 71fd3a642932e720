"""`jalon import-iati FILE [--programme CODE] [--dry-run] [--trusted]`: IATI activities into programmes
(jalon/results/iati_import.py), with the report per activity; non-zero exit when the file is refused."""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jalon.interop.iati_read import IatiFileRefused
from jalon.results.iati_import import iati_import


class Command(BaseCommand):
    help = "Import an IATI activity file into programmes; --dry-run shows what would change and saves nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument("--programme", metavar="CODE", help="The programme of the file's one activity.")
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; save nothing.")
        parser.add_argument("--trusted", action="store_true", help="Values enter approved, not only submitted.")
        parser.add_argument("--json", action="store_true", help="The report as JSON on stdout.")
        parser.add_argument(
            "--user", metavar="USERNAME", help="Who imports (a programme manager): values are reported as theirs."
        )

    def handle(self, *args, file: str, programme: str | None, dry_run: bool, trusted: bool, **options) -> None:
        path = Path(file)
        if not path.is_file():
            raise CommandError(_("No such file: %(file)s") % {"file": file})
        actor = None
        if options.get("user"):
            actor = get_user_model().objects.filter(username=options["user"]).first()
            if actor is None:
                raise CommandError(_("No such user: %(user)s") % {"user": options["user"]})
        try:
            report = iati_import(path, actor=actor, programme_code=programme, dry_run=dry_run, trusted=trusted)
        except IatiFileRefused as refused:
            raise CommandError(refused.message) from None
        if options["json"]:
            self.stdout.write(json.dumps(report.as_dict(), ensure_ascii=False, indent=1))
            return
        for outcome in report.activities:
            added = ", ".join(f"{count} {kind}" for kind, count in sorted(outcome.counts.items()))
            self.stdout.write(
                f"{outcome.xpath} {outcome.identifier}: {outcome.status} {outcome.programme} {added}".rstrip()
            )
            for note in outcome.notes:
                line = f" line {note.line}" if note.line else ""
                self.stdout.write(f"  {note.severity} {note.rule_id} {note.xpath}{line}: {note.message}")
        unmatched = [match for match in report.organisations.values() if match.organisation_id is None]
        for match in unmatched:
            self.stdout.write(
                _("Not in the directory: %(name)s %(ref)s") % {"name": match.name or "?", "ref": match.ref}
            )
        statuses = ", ".join(f"{count} {status}" for status, count in sorted(report.statuses().items()))
        self.stdout.write(("dry run, nothing saved: " if dry_run else "") + (statuses or "no activity"))
