"""What other apps add to a country's page (its organisations, ...), registered from their AppConfig.ready():
reference data sits below them and cannot import them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from jalon.reference.models import Country


@dataclass(frozen=True)
class CountrySection:
    name: str
    order: int
    # (request, country) -> the section's HTML, rendered by its app with what this user may see.
    render: Callable[[HttpRequest, Country], str]


SECTIONS: list[CountrySection] = []


def register(section: CountrySection) -> None:
    if all(existing.name != section.name for existing in SECTIONS):
        SECTIONS.append(section)
        SECTIONS.sort(key=lambda item: item.order)


def sections_for(request: HttpRequest, country: Country) -> list[str]:
    return [section.render(request, country) for section in SECTIONS]
