"""Members' national priorities: the sectors of their current national standardization strategy, and what
they weigh per committee, for the apps that rank or target committees.

The question belongs here, below its askers and its answerer: the assessments app (national standardization
strategies) answers it, the twinning app asks it (the recommender's weights, an arrangement's link to a
priority sector), and the two sit on one layer, so neither may import the other. Assessments registers its
answer from AppConfig.ready(); with no answer registered, nobody has priorities and every committee weighs the
same.

A member's strategy is private to it and the programme team: every question names its `viewer`, the user the
answer is shown to or ranks for, and the answerer leaves out the members whose strategies the viewer may not see,
so that what a viewer is shown, and how it is ranked, never depends on data they may not see. PLATFORM asks for
every member's: reads made on no one's behalf (building the demo) or for pages only the programme team opens."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Final, Protocol

from jalon.committees.selectors import committees_in_fields


@dataclass(frozen=True)
class PrioritySectorRef:
    """A priority sector of a member's current strategy, as the askers see it."""

    pk: int
    member_id: int
    name: dict  # multilingual
    ics_codes: tuple[str, ...]  # ICS field, group or sub-group codes: "67", "67.050", "13.020.10"
    weight: Decimal  # priority score (0-5) / 5
    committee_ids: tuple[int, ...]  # the committees the strategy names for the sector
    strategy_pk: int
    strategy_title: dict  # multilingual

    @property
    def ics_fields(self) -> frozenset[str]:
        """The ICS fields (first level, two digits) the sector's codes fall in: committees carry fields."""
        return frozenset(code.split(".")[0].zfill(2) for code in self.ics_codes if code)


class _Platform:
    def __repr__(self) -> str:
        return "PLATFORM"


# The viewer of reads made on no one's behalf: every member's priorities.
PLATFORM: Final = _Platform()


class Provider(Protocol):
    """(member ids, viewer) -> {member id: [its current strategy's sectors]} for the members whose strategies the
    viewer may see (an empty list for those without a current strategy); the others are left out."""

    def __call__(self, member_ids: Iterable[int], *, viewer: Any) -> Mapping[int, Sequence[PrioritySectorRef]]: ...


_PROVIDERS: list[Provider] = []


def priority_sectors_register(provider: Provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def priority_sectors_of(member_ids: Iterable[int], *, viewer: Any) -> dict[int, list[PrioritySectorRef]]:
    """Member id -> the sectors of its current strategy, for the members whose strategies `viewer` may see (an
    empty list for those without one); the others are left out, as if they had none."""
    ids = list(member_ids)
    merged: dict[int, list[PrioritySectorRef]] = {}
    for provider in _PROVIDERS:
        for member_id, sectors in provider(ids, viewer=viewer).items():
            merged.setdefault(member_id, []).extend(sectors)
    return merged


def priorities_seen(member_ids: Iterable[int], *, viewer: Any) -> set[int]:
    """The members whose priorities `viewer` may see (whether they have a strategy or not)."""
    return set(priority_sectors_of(member_ids, viewer=viewer))


def sector_committees(sectors: Iterable[PrioritySectorRef]) -> dict[int, set[int]]:
    """Sector pk -> the committees in it: those its strategy names, and those whose ICS fields (or their
    parent's) are among the fields of the sector's ICS codes. Two queries whatever the number of sectors."""
    sectors = list(sectors)
    by_field = committees_in_fields({code for sector in sectors for code in sector.ics_fields})
    return {
        sector.pk: set(sector.committee_ids).union(*(by_field.get(code, set()) for code in sector.ics_fields))
        for sector in sectors
    }


def priority_weights_of(member_ids: Iterable[int], *, viewer: Any = PLATFORM) -> dict[int, dict[int, Decimal]]:
    """Member id -> {committee id: weight in [0, 1]} for the members with a strategy that reaches at least one
    committee, among those whose strategies `viewer` may see: the highest weight (priority score / 5) among the
    sectors that hold the committee, named by the strategy or found by its ICS field. (The default viewer is for
    the support app's ranking of sponsorship applications, a page of the programme team's.)"""
    sectors = priority_sectors_of(member_ids, viewer=viewer)
    committees = sector_committees(sector for found in sectors.values() for sector in found)
    weights: dict[int, dict[int, Decimal]] = {}
    for member_id, found in sectors.items():
        for sector in found:
            for committee_id in committees[sector.pk]:
                mine = weights.setdefault(member_id, {})
                mine[committee_id] = max(mine.get(committee_id, Decimal(0)), sector.weight)
    return weights
