"""API endpoints for activities; `routes` registers them on the v1 router."""


def routes(router) -> None:
    pass
