"""The main navigation: each app registers its links from AppConfig.ready(), with who sees them."""

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Link:
    url_name: str
    label: str
    order: int
    # Who sees the link (an access function of the app: `user -> bool`); None: everyone.
    visible: Callable | None = None


LINKS: list[Link] = []


def register(link: Link) -> None:
    if all(existing.url_name != link.url_name for existing in LINKS):
        LINKS.append(link)
        LINKS.sort(key=lambda item: item.order)


def links_for(user) -> list[Link]:
    return [link for link in LINKS if link.visible is None or link.visible(user)]
