"""The knowledge app's background work: the e-mail that tells an expert a question was routed to them, sent by
the worker rather than in the request that asked the question (a slow mail server never slows the asker); and
what the worker's periodic recovery runs (registered in apps.py): e-mails lost on the way, claims to expire."""

import datetime

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from jalon.jobs.queue import task_enqueue
from jalon.knowledge import library_search
from jalon.knowledge.forum_mail import routing_send
from jalon.knowledge.models import Routing
from jalon.knowledge.services.products import claims_expire

# A routing whose e-mail was not sent (the queue refused it, the worker died, the mail server failed) is queued
# again by the worker's periodic recovery, from this long after it was made and for this long.
RETRY_AFTER = datetime.timedelta(minutes=2)
RETRY_FOR = datetime.timedelta(days=2)


@task
def routing_mail(routing_id: int) -> None:
    routing_send(routing_id)


def routings_unsent_requeue() -> int:
    """Queue again the e-mails of the routings not yet e-mailed (those with an address to send to)."""
    now = timezone.now()
    unsent = Routing.objects.filter(
        emailed_at__isnull=True,
        mail_dropped_at__isnull=True,
        created_at__lte=now - RETRY_AFTER,
        created_at__gte=now - RETRY_FOR,
    ).filter(~Q(expert__person__email="") | Q(expert__user__email__gt=""))
    count = 0
    for pk in unsent.values_list("pk", flat=True):
        if task_enqueue(routing_mail, pk) is not None:
            count += 1
    return count


def claims_expired_store() -> int:
    """The claims past their end date stored as expired, then any index entry still public for a claim that is
    no longer published corrected; returns how many claims were expired."""
    expired = claims_expire()
    library_search.claims_expired_unindex()
    return expired
