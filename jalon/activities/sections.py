"""What apps above activities add to an activity's page (e.g. knowledge: the validated lessons of its outputs'
outcomes and its countries, to cite while planning it), registered from their AppConfig.ready(): activities
cannot import them."""

from collections.abc import Callable
from dataclasses import dataclass

from django.http import HttpRequest

from jalon.activities.models import Activity


@dataclass(frozen=True)
class ActivitySection:
    name: str
    order: int
    # (request, activity) -> the section's HTML, rendered by its app with what this user may see and do.
    render: Callable[[HttpRequest, Activity], str]


SECTIONS: list[ActivitySection] = []


def register(section: ActivitySection) -> None:
    if all(existing.name != section.name for existing in SECTIONS):
        SECTIONS.append(section)
        SECTIONS.sort(key=lambda item: item.order)


def sections_for(request: HttpRequest, activity: Activity) -> list[str]:
    return [section.render(request, activity) for section in SECTIONS]
