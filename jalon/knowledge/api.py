"""API endpoints for knowledge; `routes` registers them on the v1 router."""

from jalon.knowledge import api_lessons, api_library, api_products


def routes(router) -> None:
    api_lessons.routes(router)
    api_library.routes(router)
    api_products.routes(router)
