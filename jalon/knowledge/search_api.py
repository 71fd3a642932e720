"""API of the knowledge search: GET ?q= (with kind and language filters), the entries the caller may see,
best first, in one query."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.response import Response

from jalon.knowledge import search


class KnowledgeSearchQuerySerializer(serializers.Serializer):
    q = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    kind = serializers.ChoiceField(choices=[], required=False, default="")
    language = serializers.ChoiceField(choices=[("fr", "fr"), ("en", "en")], required=False, default="")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The kinds the parts registered (known once the apps are ready).
        self.fields["kind"].choices = [(key, key) for key in search.KINDS]


class KnowledgeSearchHitSerializer(serializers.Serializer):
    kind = serializers.CharField()
    id = serializers.IntegerField(source="object_id")
    language = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField()
    url = serializers.CharField()


class KnowledgeSearchViewSet(viewsets.ViewSet):
    """Search across the knowledge app (questions, experts, and what other parts register)."""

    @extend_schema(
        parameters=[
            OpenApiParameter("q", str),
            OpenApiParameter("kind", str),
            OpenApiParameter("language", str),
        ],
        responses=KnowledgeSearchHitSerializer(many=True),
    )
    def list(self, request):
        query = KnowledgeSearchQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        data = query.validated_data
        results = search.search_run(
            user=request.user, query=data["q"], kinds=[data["kind"]] if data["kind"] else (), language=data["language"]
        )
        return Response(KnowledgeSearchHitSerializer(results.hits, many=True).data)
