"""API endpoints for knowledge; `routes` registers them on the v1 router (each part adds its lines)."""

from jalon.knowledge import api_lessons, api_library, api_products
from jalon.knowledge.forum_api import ThreadViewSet
from jalon.knowledge.roster_api import ExpertViewSet
from jalon.knowledge.search_api import KnowledgeSearchViewSet


def routes(router) -> None:
    api_lessons.routes(router)
    api_library.routes(router)
    api_products.routes(router)
    router.register("knowledge-threads", ThreadViewSet, basename="knowledge-thread")
    router.register("knowledge-experts", ExpertViewSet, basename="knowledge-expert")
    router.register("knowledge-search", KnowledgeSearchViewSet, basename="knowledge-search")
