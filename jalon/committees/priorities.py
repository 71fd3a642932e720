"""Members' national priorities as weights per committee, for the apps that rank or target committees.

The question belongs here, below its askers and its answerer: the assessments app (national standardization
strategies) answers it, the twinning recommender asks it, and the two sit on one layer, so neither may import
the other. Assessments registers its answer from AppConfig.ready(); with no answer registered, nobody has
priorities and every committee weighs the same."""

from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal

# (member ids) -> {member id: {committee id: weight in [0, 1]}}, only for members that have priorities.
Provider = Callable[[Iterable[int]], Mapping[int, Mapping[int, Decimal]]]

_PROVIDERS: list[Provider] = []


def priorities_register(provider: Provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def priority_weights_of(member_ids: Iterable[int]) -> dict[int, dict[int, Decimal]]:
    """The members' priority weights per committee; a member named by several providers keeps the higher
    weight of each committee."""
    ids = list(member_ids)
    merged: dict[int, dict[int, Decimal]] = {}
    for provider in _PROVIDERS:
        for member_id, by_committee in provider(ids).items():
            mine = merged.setdefault(member_id, {})
            for committee_id, weight in by_committee.items():
                mine[committee_id] = max(mine.get(committee_id, Decimal(0)), weight)
    return merged
