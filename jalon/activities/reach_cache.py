"""Cached reach: the reach pages' figures, rendered with their map, charts and tables (views/reach.py), kept in
Django's cache (settings.CACHES) until what they read changes (issue 21: computed from the raw rows, the
dashboard took seconds at a million attendance rows; cached as figures only, drawing them on every request
still made it serve a fifth of the programme page's requests a second).

Correctness rests on `ReachChange`, as the programme pages' on their progress stamp (results/progress_cache.py):
- every save or deletion of what reach reads (activities, their sessions, outputs and countries, registrations,
  attendance, people, organisations, countries and their classifications, roles, which decide what a user
  sees) inserts a row with a new stamp in its transaction (`reach_changed`, connected to the models' signals
  in apps.ready; bulk writes call it themselves), visible exactly when the data are;
- the latest stamp is read from the database on every request, before the figures, and is part of every
  key. An entry holds figures at least as new as the stamp it is stored under: a write makes readers miss.

Keys also carry the language (labels), the filters, the breakdowns asked for, and the viewer: the public
shares its entries; a signed-in user's are their own (what they may see, and whether exactly, is theirs).
"""

import hashlib
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.utils import translation

from jalon.activities.models import ReachChange

T = TypeVar("T")

TIMEOUT = 24 * 60 * 60
# Rows older than the last KEPT are deleted now and then (every KEPT-th write): only the latest is read.
KEPT = 1000
_MISSING = object()


def reach_changed(
    *,
    person_id=None,
    registration_id=None,
    activity_id=None,
    organisation_id=None,
    everything: bool = False,
    summarised: bool = False,
) -> None:
    """Say that what the reach figures read changed (inside the write's transaction), and what it touched,
    for the reach summary (reach_summary.py; nothing named: nothing it counts)."""
    change = ReachChange.objects.create(
        stamp=uuid.uuid4(),
        person_id=person_id,
        registration_id=registration_id,
        activity_id=activity_id,
        organisation_id=organisation_id,
        everything=everything,
        summarised=summarised,
    )
    if change.pk % KEPT == 0:
        # Only those the summary has taken: the others say what it has still to read.
        ReachChange.objects.filter(pk__lt=change.pk - KEPT, summarised=True).delete()


def reach_signal(sender, instance=None, raw: bool = False, **kwargs) -> None:
    """The models' signals (apps.ready): what the saved or deleted row touches. Ignored while a fixture or a
    backup is loaded (`raw`), which brings its own ReachChange rows: a row inserted here could take the id of
    one of them."""
    from jalon.activities.models import Activity, ActivitySession, Attendance, Registration
    from jalon.organisations.models import Organisation, Person
    from jalon.reference.models import Classification, Country

    if raw:
        return
    if sender is Person:
        reach_changed(person_id=instance.pk)
    elif sender is Registration:
        reach_changed(person_id=instance.person_id)
    elif sender is Attendance:
        reach_changed(registration_id=instance.registration_id)
    elif sender is Activity:
        reach_changed(activity_id=instance.pk)
    elif sender is ActivitySession:
        reach_changed(activity_id=instance.activity_id)
    elif sender is Organisation:
        reach_changed(organisation_id=instance.pk)
    elif sender in (Country, Classification):
        reach_changed(everything=True)
    elif sender is Activity.outputs.through:
        # The programmes an activity serves are among its people's facts (the summary's programme cells).
        if not kwargs.get("reverse"):
            reach_changed(activity_id=instance.pk)
            return
        served = kwargs.get("pk_set")
        if served is None:  # a result's activities cleared: read before they go (pre_clear)
            served = list(instance.activities.values_list("pk", flat=True))
        for activity_id in sorted(served) or [None]:
            reach_changed(activity_id=activity_id)
    else:  # roles, the countries an activity is held in: what users see, not what the summary counts
        reach_changed()


def reach_result_deleted(sender, instance=None, **kwargs) -> None:
    """A result deleted (alone or with its programme) takes its links to activities with it, without the m2m
    signal: the activities it was served by are read again (pre_delete, while the links are there)."""
    for activity_id in instance.activities.order_by("pk").values_list("pk", flat=True):
        reach_changed(activity_id=activity_id)


def reach_stamp() -> str:
    found = ReachChange.objects.order_by("-pk").values_list("stamp", flat=True).first()
    return str(found) if found is not None else "none"


def reach_key(user, *parts) -> str:
    viewer = f"user-{user.pk}" if getattr(user, "is_authenticated", False) else "public"
    asked = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
    return ":".join(("jalon-reach", reach_stamp(), translation.get_language() or "", viewer, asked))


def reach_cached(user, parts: tuple, build: Callable[[], T]) -> T:
    """The figures cached for this viewer and these `parts` (filters, breakdowns), or `build()` stored there."""
    key = reach_key(user, *parts)
    value = cache.get(key, _MISSING)
    if value is not _MISSING:
        return value
    value = build()
    cache.set(key, value, TIMEOUT)
    return value
