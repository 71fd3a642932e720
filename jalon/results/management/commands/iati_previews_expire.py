"""Remove the IATI import previews never confirmed, older than IATI_PREVIEW_KEEP_DAYS, with their copy of the
file: what the worker does every minute, for a site run without it (a cron line)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jalon.results.iati_import import iati_previews_expire


class Command(BaseCommand):
    help = "Remove the IATI import previews never confirmed and older than IATI_PREVIEW_KEEP_DAYS, with their files."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="Older than this many days (default: IATI_PREVIEW_KEEP_DAYS).")

    def handle(self, *args, days: int | None, **options):
        if days is not None and days < 0:
            raise CommandError(_("The number of days cannot be negative."))
        removed = iati_previews_expire(days=days)
        self.stdout.write(_("%(count)s IATI import previews removed.") % {"count": removed})
