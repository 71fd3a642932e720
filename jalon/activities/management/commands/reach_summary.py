"""Bring the reach summary up to date now (what the worker does every minute), or build it again from every
record (--rebuild): for a site run without the worker, or after restoring a backup."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jalon.activities.reach_summary import reach_summary_rebuild, reach_summary_update


class Command(BaseCommand):
    help = "Update the reach summary from the changes since its last update (--rebuild: from every record)."

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true", help="build it again from every record")

    def handle(self, *args, **options):
        people = reach_summary_rebuild() if options["rebuild"] else reach_summary_update()
        self.stdout.write(_("Reach summary: %(count)s people read.") % {"count": people})
