"""The knowledge app's background work: the e-mail that tells an expert a question was routed to them, sent by
the worker rather than in the request that asked the question (a slow mail server never slows the asker)."""

import datetime

from django.db.models import Q
from django.utils import timezone
from django_tasks import task

from jalon.jobs.queue import task_enqueue
from jalon.knowledge.forum_mail import routing_send
from jalon.knowledge.models import Routing

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
        emailed_at__isnull=True, created_at__lte=now - RETRY_AFTER, created_at__gte=now - RETRY_FOR
    ).filter(~Q(expert__person__email="") | Q(expert__user__email__gt=""))
    count = 0
    for pk in unsent.values_list("pk", flat=True):
        if task_enqueue(routing_mail, pk) is not None:
            count += 1
    return count
