"""Cached progress: what the programme page, the tracking table and the progress endpoint compute from a
programme's framework and approved values, kept in Django's cache (settings.CACHES) until it changes.

Correctness rests on `Programme.progress_stamp`, not on the cache:
- every write that can change what those pages show calls `progress_changed()` inside its own transaction
  (the services, computed-indicator refresh, framework loading, the demo, the Django admin), so readers
  see the new stamp exactly when they can see the new data;
- the stamp is read from the database with the programme on every request, before the data, and is part
  of every key. An entry can therefore only hold data at least as new as its stamp: a write always makes
  its readers miss, whichever worker cached what (a per-process locmem cache is correct, only colder).

Keys also carry the language (texts, number formats, URLs), the day (statuses depend on today: "not
started", the next milestone), the filters, and the viewer's audience: whatever the viewer's rights
change on the cached part, so one user's view is never served to another.
"""

import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

from django.core.cache import cache
from django.utils import timezone, translation

from jalon.results import access
from jalon.results.models import Programme

T = TypeVar("T")

# Cached pages are rebuilt at least daily anyway (the day is in the key); this bounds what a cache
# keeps of days gone by.
TIMEOUT = 24 * 60 * 60


def progress_changed(*programmes: Programme | int) -> None:
    """Say that what the progress pages show of these programmes changed. Call it inside the write's
    transaction (services are atomic): the new stamp becomes visible with the data, never before."""
    ids = {pk for pk in (p if isinstance(p, int) else p.pk for p in programmes) if pk is not None}
    pending = _pending.get()
    if pending is not None:
        pending.update(ids)
    elif ids:
        Programme.objects.filter(pk__in=ids).update(progress_stamp=uuid.uuid4())


# The programmes whose stamp a progress_batched block replaces when it ends.
_pending: ContextVar[set[int] | None] = ContextVar("progress_pending", default=None)


@contextmanager
def progress_batched() -> Iterator[None]:
    """Inside the block, progress_changed only notes the programmes; their stamps are replaced in one update when
    the block ends (a file import calls the services dozens of times per programme, each stamping it). Use it
    inside the write's transaction, which still shows the new stamps with the data; nothing inside the block
    may rely on the stamp it reads having changed."""
    pending: set[int] = set()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending:
        Programme.objects.filter(pk__in=pending).update(progress_stamp=uuid.uuid4())


def progress_key(programme: Programme, view: str, *parts) -> str:
    """The cache key of one cached view of a programme's progress. `parts` are the view's filters and
    audience, as short codes (slugs, ids): they go into the key as they are."""
    return ":".join(
        (
            "jalon-progress",
            view,
            str(programme.pk),
            str(programme.progress_stamp),
            translation.get_language() or "",
            timezone.localdate().isoformat(),
            *(str(part) for part in parts),
        )
    )


def progress_audience(user, programme: Programme) -> str:
    """What the viewer's rights change on a cached part of a programme's pages, as part of its cache key:
    managers and everyone else are cached apart, even where the parts are the same today."""
    return "manage" if access.programme_can_manage(user, programme) else "read"


_MISSING = object()


def progress_cached(key: str, build: Callable[[], T]) -> T:
    """The value cached under `key`, or `build()` stored there."""
    value = cache.get(key, _MISSING)
    if value is not _MISSING:
        return value
    value = build()
    cache.set(key, value, TIMEOUT)
    return value
