"""How a lower app tells the apps above it that something happened, without importing them.

The lower app owns a `Hook` and calls it; a higher app connects a listener from its AppConfig.ready(). For
example, reference and organisation records feed computed indicators: the results app listens to
`reference_changed` and `organisations_changed` and schedules a refresh. Listeners run in the caller's
transaction, in the order they connected.
"""

from collections.abc import Callable


class Hook:
    def __init__(self, name: str):
        self.name = name
        self._listeners: list[Callable[..., None]] = []

    def connect(self, listener: Callable[..., None]) -> None:
        if listener not in self._listeners:
            self._listeners.append(listener)

    def __call__(self, **details) -> None:
        for listener in self._listeners:
            listener(**details)

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {len(self._listeners)} listener(s)>"
