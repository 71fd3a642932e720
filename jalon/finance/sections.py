"""What apps above finance add to a proposal's page (e.g. knowledge: the validated lessons of the proposal's
outcomes, to cite while writing it), registered from their AppConfig.ready(): finance cannot import them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from jalon.finance.models import Proposal


@dataclass(frozen=True)
class ProposalSection:
    name: str
    order: int
    # (request, proposal) -> the section's HTML, rendered by its app with what this user may see and do.
    render: Callable[[HttpRequest, Proposal], str]


SECTIONS: list[ProposalSection] = []


def register(section: ProposalSection) -> None:
    if all(existing.name != section.name for existing in SECTIONS):
        SECTIONS.append(section)
        SECTIONS.sort(key=lambda item: item.order)


def sections_for(request: HttpRequest, proposal: Proposal) -> list[str]:
    return [section.render(request, proposal) for section in SECTIONS]
