"""Send the reminders due now (sessions tomorrow, surveys unanswered a week after their link): what the worker
does every minute, for a site run without it (a cron line). Each reminder goes once, however often it runs."""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from jalon.activities.mail import scheduled_send


class Command(BaseCommand):
    help = "Send the reminders due now to activity participants (each once)."

    def handle(self, *args, **options):
        sent = scheduled_send()
        self.stdout.write(_("%(count)s reminders sent.") % {"count": sent})
