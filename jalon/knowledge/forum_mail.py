"""The e-mail an expert receives when a question is routed to them, in their own language (their account's
language when they read it, else the question's), with the question's title in that language when the
thread has it. Sent once the question is committed (Django's mail framework: the console unless EMAIL_HOST
is set)."""

from urllib.parse import urljoin

from django.conf import settings
from django.core.mail import EmailMessage
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from jalon.knowledge.access.forum import threads_visible
from jalon.knowledge.models import Routing, Thread


def routing_language(routing: Routing) -> str:
    user = routing.expert.user
    preferred = getattr(user, "preferred_language", "") or ""
    return preferred if preferred in dict(settings.LANGUAGES) else routing.language


def routing_send(pk: int) -> bool:
    routing = Routing.objects.select_related("expert__user", "expert__person", "thread").filter(pk=pk).first()
    if routing is None or routing.emailed_at is not None:
        return False
    # Not to someone who may no longer read it (the question hidden or kept for members they are not of).
    if not threads_visible(routing.expert.user, Thread.objects.filter(pk=routing.thread_id)).exists():
        Routing.objects.filter(pk=pk).update(mail_dropped_at=timezone.now())
        return False
    address = (routing.expert.user.email if routing.expert.user else "") or routing.expert.person.email
    if not address:
        return False
    language = routing_language(routing)
    questions = {question.language: question for question in routing.thread.questions.all()}
    question = questions.get(language) or questions.get(routing.language) or next(iter(questions.values()))
    with translation.override(language):
        url = urljoin(settings.SITE_URL, reverse("knowledge:thread_detail", args=[routing.thread_id]))
        subject = _("A question for you: %(title)s") % {"title": question.title}
        body = "\n".join(
            [
                _("Hello %(name)s,") % {"name": routing.expert.person},
                "",
                _("A question in the standards forum matches your competencies (%(reasons)s):")
                % {"reasons": ", ".join(routing.reasons)},
                "",
                question.title,
                "",
                _("Read it and answer: %(url)s") % {"url": url},
                "",
                _("You receive this because your expert profile is active. You can change it on the site."),
            ]
        )
    EmailMessage(subject=subject, body=body + "\n", to=[address]).send()
    Routing.objects.filter(pk=pk).update(emailed_at=timezone.now())
    return True
