"""The small-group rule, in one place: what a figure about people may show to a reader who may not see the
people themselves (the public, viewers, anyone outside an activity's organisers and the programme team).

Every page, API response and export that shows how many people did something asks here:

- `count_shown`: a group of 1 to threshold-1 people is hidden (None); 0 and larger groups are shown.
- `part_shown`: a part of a shown group (completed among registered, present at a session) is hidden when
  the part or the rest of the group is a small group: "10 registered, 8 completed" would tell that 2 did not.
- `suppress`: in a breakdown whose total is shown, small cells, and enough others that the total minus the
  shown cells gives no small group away (secondary suppression).
- `complement_small`: two published answers to queries of which one narrows the other (a country's reach
  with and without a date) must not differ by a small group: the narrower figure is hidden then.

The threshold is the setting JALON_REACH_MIN_GROUP (default 5), read by `min_group_size`.
"""

from collections.abc import Iterable
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

DEFAULT_MIN_GROUP_SIZE = 5


def min_group_size() -> int:
    """The smallest group shown to those who may not see the participants (settings.JALON_REACH_MIN_GROUP)."""
    value = getattr(settings, "JALON_REACH_MIN_GROUP", DEFAULT_MIN_GROUP_SIZE)
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ImproperlyConfigured(f"JALON_REACH_MIN_GROUP must be a whole number of at least 1, got {value!r}")
    return value


def is_small(value: int | Decimal | None, *, threshold: int | None = None) -> bool:
    """A group of 1 to threshold-1 people (none is not a group; an unknown figure is not one either)."""
    threshold = min_group_size() if threshold is None else threshold
    return value is not None and 0 < value < threshold


def count_shown(value: int, *, exact: bool) -> int | None:
    """The figure, or None where it is a small group and the reader may not see the people."""
    return value if exact or not is_small(value) else None


def part_shown(part: int, whole: int, *, exact: bool) -> bool:
    """Whether a part of a group may be shown: neither the whole, nor the part, nor the rest of the group
    may be a small group."""
    if exact:
        return True
    threshold = min_group_size()
    return not any(is_small(value, threshold=threshold) for value in (whole, part, whole - part))


def part_count_shown(part: int, whole: int, *, exact: bool) -> int | None:
    return part if part_shown(part, whole, exact=exact) else None


def complement_small(narrow: int | Decimal | None, wide: int | Decimal | None, *, threshold: int | None = None) -> bool:
    """Whether a figure and the same figure of a coarser query (one filter fewer) differ by a small group:
    publishing both would give that group away."""
    if narrow is None or wide is None:
        return False
    return is_small(wide - narrow, threshold=threshold)


def suppress(counts: dict, *, threshold: int, forced: Iterable = ()) -> set:
    """The keys of the cells to hide from a reader who sees the total: every group of 1 to threshold-1
    people and the `forced` ones (a small difference with a coarser query), then the smallest other cells
    until at least two are hidden and the hidden ones add up to the threshold, so that the total minus the
    shown cells gives away no small group."""
    hidden = {key for key, value in counts.items() if 0 < value < threshold}
    hidden |= {key for key in forced if key in counts}
    if not hidden:
        return hidden
    shown = sorted((key for key in counts if key not in hidden), key=lambda key: (counts[key], str(key)))
    while shown and (len(hidden) < 2 or sum(counts[key] for key in hidden) < threshold):
        hidden.add(shown.pop(0))
    return hidden
