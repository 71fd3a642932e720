"""Members' national priorities: the sectors of their current national standardization strategy, and what
they weigh per committee, for the apps that rank or target committees.

The question belongs here, below its askers and its answerer: the assessments app (national standardization
strategies) answers it, the twinning app asks it (the recommender's weights, an arrangement's link to a
priority sector), and the two sit on one layer, so neither may import the other. Assessments registers its
answer from AppConfig.ready(); with no answer registered, nobody has priorities and every committee weighs the
same."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

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


# (member ids) -> {member id: [its current strategy's sectors]}, only for members that have a strategy.
Provider = Callable[[Iterable[int]], Mapping[int, Sequence[PrioritySectorRef]]]

_PROVIDERS: list[Provider] = []


def priority_sectors_register(provider: Provider) -> None:
    if provider not in _PROVIDERS:
        _PROVIDERS.append(provider)


def priority_sectors_of(member_ids: Iterable[int]) -> dict[int, list[PrioritySectorRef]]:
    ids = list(member_ids)
    merged: dict[int, list[PrioritySectorRef]] = {}
    for provider in _PROVIDERS:
        for member_id, sectors in provider(ids).items():
            merged.setdefault(member_id, []).extend(sectors)
    return merged


def sector_committees(sectors: Iterable[PrioritySectorRef]) -> dict[int, set[int]]:
    """Sector pk -> the committees in it: those its strategy names, and those whose ICS fields (or their
    parent's) are among the fields of the sector's ICS codes. Two queries whatever the number of sectors."""
    sectors = list(sectors)
    by_field = committees_in_fields({code for sector in sectors for code in sector.ics_fields})
    return {
        sector.pk: set(sector.committee_ids).union(*(by_field.get(code, set()) for code in sector.ics_fields))
        for sector in sectors
    }


def priority_weights_of(member_ids: Iterable[int]) -> dict[int, dict[int, Decimal]]:
    """Member id -> {committee id: weight in [0, 1]} for the members with a strategy that reaches at least one
    committee: the highest weight (priority score / 5) among the sectors that hold the committee, named by the
    strategy or found by its ICS field."""
    sectors = priority_sectors_of(member_ids)
    committees = sector_committees(sector for found in sectors.values() for sector in found)
    weights: dict[int, dict[int, Decimal]] = {}
    for member_id, found in sectors.items():
        for sector in found:
            for committee_id in committees[sector.pk]:
                mine = weights.setdefault(member_id, {})
                mine[committee_id] = max(mine.get(committee_id, Decimal(0)), sector.weight)
    return weights
