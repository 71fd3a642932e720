"""The e-mail that tells the person who started a report run that its files are ready (or that it failed),
in their own language, with links to the run's page and to each file's download, both behind the access
check: a forwarded link opens for nobody who may not read the programme's reports. Sent by the worker at the
end of the run's job (Django's mail framework: the console unless EMAIL_HOST is set); a mail server that
fails never fails the run."""

import logging
from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jalon.lib.multilingual import text_in
from jalon.reporting.models import ReportKind, ReportRun

logger = logging.getLogger(__name__)


def run_finished_send(run: ReportRun) -> bool:
    """Tell the run's starter it is ready or failed; False if there is nobody to tell (a command-line run,
    no address, no e-mail wanted) or already told."""
    person = run.created_by
    if not run.email_when_ready or run.emailed_at is not None or person is None or not person.email:
        return False
    language = person.preferred_language if person.preferred_language in dict(settings.LANGUAGES) else "en"
    code = run.programme.code
    with translation.override(language):
        title = text_in(run.programme.title, language) or code
        what = {"kind": ReportKind(run.kind).label, "programme": title}
        page = urljoin(settings.SITE_URL, run.get_absolute_url())
        if run.status == ReportRun.Status.READY:
            subject = _("Your report is ready: %(kind)s, %(programme)s") % what
            lines = [_("The report you started is ready. Download its files (you will be asked to sign in):"), ""]
            for found in run.files.all():
                kwargs = {"code": code, "pk": run.pk, "language": found.language, "format": found.format}
                lines.append(
                    f"{found.name}: {urljoin(settings.SITE_URL, reverse('reporting:run_file', kwargs=kwargs))}"
                )
            lines += ["", _("The run's page: %(url)s") % {"url": page}]
        else:
            subject = _("Your report failed: %(kind)s, %(programme)s") % what
            lines = [_("The report you started could not be written. Its page says why: %(url)s") % {"url": page}]
    try:
        EmailMessage(subject=subject, body="\n".join(lines) + "\n", to=[person.email]).send()
    except OSError:
        logger.exception("The e-mail of report run %s could not be sent", run.pk)
        return False
    ReportRun.objects.filter(pk=run.pk).update(emailed_at=timezone.now())
    return True
