"""API endpoints for knowledge; `routes` registers them on the v1 router."""


def routes(router) -> None:
    return None
