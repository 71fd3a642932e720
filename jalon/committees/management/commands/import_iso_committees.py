import datetime
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from jalon.committees.iso_import import SUMMARY_KEYS, LargeChange, iso_committees_import, iso_committees_preview

# Committees a dry run prints (all are counted).
LISTED = 100
CHANGE_KEYS = ("joined_p", "joined_o", "o_to_p", "p_to_o", "left")


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of: “{value}” is not a date (YYYY-MM-DD).") from exc


def change_line(item: dict) -> str:
    """One committee of a preview: "ISO/TC 176: status active -> suspended; joined_p: AFNOR, BSI; left: DIN"."""
    parts = []
    if item["change"] != "changed":
        parts.append(item["change"])
    if item.get("status"):
        parts.append(f"status {item['status'][0]} -> {item['status'][1]}")
    if item.get("secretariat"):
        parts.append(f"secretariat {item['secretariat'][0]} -> {item['secretariat'][1]}")
    parts += [f"{key}: {', '.join(item[key])}" for key in CHANGE_KEYS if item.get(key)]
    return f"{item['reference']}: {'; '.join(parts)}"


class Command(BaseCommand):
    help = (
        "Import the ISO Open Data committee file (iso_technical_committees CSV; credit: ISO Open Data, ODC-By 1.0). "
        "A later file records what changed as events dated --as-of (default: today). --dry-run lists what would "
        "change, committee by committee, and saves nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--as-of", type=_date, default=None, help="Date the file describes (YYYY-MM-DD).")
        parser.add_argument(
            "--dry-run", action="store_true", help="List the committees the file would change; save nothing."
        )
        parser.add_argument(
            "--confirm-large-change",
            action="store_true",
            help="Import even a file that would disband more than a fifth of the committees (check with --dry-run).",
        )

    def handle(self, *args, file: Path, as_of, dry_run: bool, confirm_large_change: bool, **options):
        if dry_run:
            return self.preview(file, as_of)
        try:
            run = iso_committees_import(path=file, as_of=as_of, confirm_large_change=confirm_large_change)
        except LargeChange as exc:
            raise CommandError(
                "\n".join(exc.messages)
                + "\nCheck the changes with --dry-run; if they are right, import with --confirm-large-change."
            ) from exc
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        summary = run.summary
        kind = "first import" if summary["baseline"] else "changes"
        self.stdout.write(f"ISO committees as of {run.as_of:%Y-%m-%d} ({kind}):")
        self.summary(summary)
        self.stdout.write(self.style.SUCCESS("Import done."))

    def summary(self, summary: dict) -> None:
        width = max(len(key) for key in SUMMARY_KEYS)
        for key in SUMMARY_KEYS:
            self.stdout.write(f"  {key.ljust(width)}  {summary.get(key, 0)}")
        unknown = summary.get("unknown_members") or []
        if unknown:
            listed = ", ".join(f"{item['acronym'] or '?'} ({item['iso_member_id']})" for item in unknown[:30])
            self.stdout.write(self.style.WARNING(f"Members not in the directory (ignored): {listed}"))

    def preview(self, file: Path, as_of) -> None:
        try:
            preview = iso_committees_preview(path=file, as_of=as_of)
        except ValidationError as exc:
            raise CommandError("\n".join(exc.messages)) from exc
        self.stdout.write(f"Dry run: the ISO committees as of {preview['as_of']} would change as follows.")
        self.summary(preview["summary"])
        total = preview["changes_total"]
        self.stdout.write(f"Committees that would change: {total}")
        for item in preview["changes"][:LISTED]:
            self.stdout.write(f"  {change_line(item)}")
        if total > LISTED:
            self.stdout.write(f"  … and {total - LISTED} more.")
        large = preview["large_change"]
        if large:
            self.stdout.write(
                self.style.WARNING(
                    f"Large change: the file lacks {large['missing']} of the {large['recorded']} committees "
                    "recorded from ISO. Importing it needs --confirm-large-change."
                )
            )
        self.stdout.write(self.style.SUCCESS("Nothing was saved (dry run)."))
