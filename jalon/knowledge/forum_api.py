"""API of the Q&A forum: threads (read by anyone as on the pages; asked by signed-in people) with the writes
people make on them as POST actions (answer, accept, vote, comment, flag, a version in another language;
close and reopen for the moderators). Access and rules are access/forum.py's and forum_services'."""

from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from jalon.committees.models import Committee
from jalon.knowledge import forum_services as services
from jalon.knowledge.access import forum as access
from jalon.knowledge.markdown import markdown_html
from jalon.knowledge.models import FORUM_LANGUAGES, Flag, Tag, Thread
from jalon.reference.models import Country

MAX_TEXT = 20000


class KnowledgeTagSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Tag.Kind.choices)
    code = serializers.CharField(max_length=60)


class KnowledgeQuestionSerializer(serializers.Serializer):
    language = serializers.CharField(read_only=True)
    title = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    body_html = serializers.SerializerMethodField()

    def get_body_html(self, question) -> str:
        return str(markdown_html(question.body))


class KnowledgeAnswerSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    language = serializers.CharField(read_only=True)
    body = serializers.CharField(read_only=True)
    author = serializers.CharField(source="author.get_username", read_only=True)
    expert = serializers.IntegerField(source="expert_id", read_only=True, allow_null=True)
    accepted = serializers.SerializerMethodField()
    created_at = serializers.DateTimeField(read_only=True)

    def get_accepted(self, answer) -> bool:
        return answer.pk == answer.thread.accepted_answer_id


class KnowledgeThreadSerializer(serializers.ModelSerializer):
    questions = KnowledgeQuestionSerializer(many=True, read_only=True)
    tags = KnowledgeTagSerializer(many=True, read_only=True)
    # "" while the thread is not closed: a plain string, not the enum of reasons.
    close_reason = serializers.CharField(read_only=True)
    committees: serializers.SlugRelatedField[Committee] = serializers.SlugRelatedField(
        slug_field="reference", many=True, read_only=True
    )
    country: serializers.SlugRelatedField[Country] = serializers.SlugRelatedField(
        slug_field="iso3", read_only=True, allow_null=True
    )

    class Meta:
        model = Thread
        fields = [
            "id",
            "state",
            "visibility",
            "questions",
            "tags",
            "committees",
            "country",
            "accepted_answer",
            "close_reason",
            "duplicate_of",
            "first_expert_answer_at",
            "resolved_at",
            "created_at",
            "is_demo",
            "version",
        ]
        read_only_fields = fields


class KnowledgeThreadDetailSerializer(KnowledgeThreadSerializer):
    """One thread with its answers (the list leaves them out: one query per page, not per thread)."""

    answers = serializers.SerializerMethodField()

    class Meta(KnowledgeThreadSerializer.Meta):
        fields = [*KnowledgeThreadSerializer.Meta.fields, "answers"]
        read_only_fields = fields

    @extend_schema_field(KnowledgeAnswerSerializer(many=True))
    def get_answers(self, thread) -> list:
        request = self.context.get("request")
        shown = access.answers_shown(
            request.user if request else None, thread.answers.select_related("author", "thread")
        )
        return list(KnowledgeAnswerSerializer(shown, many=True).data)


class KnowledgeAskSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=FORUM_LANGUAGES)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=MAX_TEXT)
    tags = KnowledgeTagSerializer(many=True, required=False)
    committees = serializers.SlugRelatedField(
        slug_field="reference", many=True, required=False, queryset=Committee.objects.all()
    )
    visibility = serializers.ChoiceField(choices=Thread.Visibility.choices, default=Thread.Visibility.PUBLIC)


class KnowledgeTranslationSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=FORUM_LANGUAGES)
    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=MAX_TEXT)


class KnowledgeAnswerInputSerializer(serializers.Serializer):
    language = serializers.ChoiceField(choices=FORUM_LANGUAGES)
    body = serializers.CharField(max_length=MAX_TEXT)


class KnowledgeAcceptSerializer(serializers.Serializer):
    answer = serializers.IntegerField(min_value=1)
    version = serializers.IntegerField(required=False, help_text="The version you acted on; a newer one answers 409.")


class KnowledgeVoteSerializer(serializers.Serializer):
    value = serializers.ChoiceField(choices=((1, "+1"), (-1, "-1")))
    answer = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class KnowledgeCommentSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=2000)
    answer = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class KnowledgeFlagSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Flag.Reason.choices)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
    answer = serializers.IntegerField(min_value=1, required=False, allow_null=True)


class KnowledgeCloseSerializer(serializers.Serializer):
    reason = serializers.ChoiceField(choices=Thread.CloseReason.choices)
    duplicate_of = serializers.IntegerField(min_value=1, required=False, allow_null=True)
    version = serializers.IntegerField(required=False)


class KnowledgeVersionSerializer(serializers.Serializer):
    version = serializers.IntegerField(required=False)


class KnowledgeScoreSerializer(serializers.Serializer):
    score = serializers.IntegerField()


class ThreadViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Questions of the standards forum, each thread in all its languages, with its answers."""

    serializer_class = KnowledgeThreadDetailSerializer
    filterset_fields = ["state", "visibility"]

    def get_serializer_class(self):
        return KnowledgeThreadSerializer if self.action == "list" else KnowledgeThreadDetailSerializer

    def get_queryset(self):
        return (
            access.threads_visible(self.request.user)
            .select_related("country")
            .prefetch_related("questions", "tags", "committees")
            .order_by("-id")
        )

    def can_create(self, user):
        return access.forum_can_post(user)

    def can_change(self, user, obj):
        return access.forum_can_post(user)

    @extend_schema(request=KnowledgeAskSerializer, responses=KnowledgeThreadDetailSerializer)
    def create(self, request, *args, **kwargs):
        payload = KnowledgeAskSerializer(data=request.data)
        payload.is_valid(raise_exception=True)
        data = payload.validated_data
        thread = services.thread_ask(
            actor=request.user,
            language=data["language"],
            title=data["title"],
            body=data["body"],
            tags=[(tag["kind"], tag["code"]) for tag in data.get("tags", [])],
            committees=data.get("committees", []),
            visibility=data["visibility"],
        )
        return Response(self.get_serializer(thread).data, status=status.HTTP_201_CREATED)

    def _payload(self, request, serializer_class) -> dict:
        payload = serializer_class(data=request.data)
        payload.is_valid(raise_exception=True)
        return payload.validated_data

    def _answer(self, thread, pk):
        return access.access_answer(self.request.user, thread, pk) if pk else None

    def _done(self, thread, code=status.HTTP_200_OK):
        thread = self.get_queryset().get(pk=thread.pk)
        return Response(self.get_serializer(thread).data, status=code)

    @extend_schema(request=KnowledgeAnswerInputSerializer, responses=KnowledgeThreadDetailSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """An answer to the question (in French or English: it is shown in every language of the thread)."""
        thread = self.get_object()
        data = self._payload(request, KnowledgeAnswerInputSerializer)
        services.answer_post(actor=request.user, thread=thread, **data)
        return self._done(thread, status.HTTP_201_CREATED)

    @extend_schema(request=KnowledgeAcceptSerializer, responses=KnowledgeThreadDetailSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """The asker (or a moderator) accepts an answer: the question is resolved."""
        thread = self.get_object()
        if not access.thread_can_accept(request.user, thread):
            raise PermissionDenied
        data = self._payload(request, KnowledgeAcceptSerializer)
        services.answer_accept(
            actor=request.user, thread=thread, answer=self._answer(thread, data["answer"]), version=data.get("version")
        )
        return self._done(thread)

    @extend_schema(request=KnowledgeTranslationSerializer, responses=KnowledgeThreadDetailSerializer)
    @action(detail=True, methods=["post"])
    def translations(self, request, pk=None):
        """The same question in another language: one thread, sharing its answers and votes."""
        thread = self.get_object()
        services.question_translate(
            actor=request.user, thread=thread, **self._payload(request, KnowledgeTranslationSerializer)
        )
        return self._done(thread, status.HTTP_201_CREATED)

    @extend_schema(request=KnowledgeVoteSerializer, responses=KnowledgeScoreSerializer)
    @action(detail=True, methods=["post"])
    def vote(self, request, pk=None):
        thread = self.get_object()
        data = self._payload(request, KnowledgeVoteSerializer)
        score = services.vote_cast(
            actor=request.user, thread=thread, value=int(data["value"]), answer=self._answer(thread, data.get("answer"))
        )
        return Response({"score": score})

    @extend_schema(request=KnowledgeCommentSerializer, responses=KnowledgeThreadDetailSerializer)
    @action(detail=True, methods=["post"])
    def comments(self, request, pk=None):
        thread = self.get_object()
        data = self._payload(request, KnowledgeCommentSerializer)
        services.comment_post(
            actor=request.user, thread=thread, body=data["body"], answer=self._answer(thread, data.get("answer"))
        )
        return self._done(thread, status.HTTP_201_CREATED)

    @extend_schema(request=KnowledgeFlagSerializer, responses=KnowledgeThreadDetailSerializer)
    @action(detail=True, methods=["post"])
    def flags(self, request, pk=None):
        thread = self.get_object()
        data = self._payload(request, KnowledgeFlagSerializer)
        services.flag_raise(
            actor=request.user,
            thread=thread,
            reason=data["reason"],
            note=data["note"],
            answer=self._answer(thread, data.get("answer")),
        )
        return self._done(thread, status.HTTP_201_CREATED)

    @extend_schema(request=KnowledgeCloseSerializer, responses=KnowledgeThreadDetailSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Moderators: close as a duplicate (of another question) or as off topic."""
        thread = self.get_object()
        if not access.forum_can_moderate(request.user):
            raise PermissionDenied
        data = self._payload(request, KnowledgeCloseSerializer)
        duplicate = access.access_thread(request.user, data["duplicate_of"]) if data.get("duplicate_of") else None
        services.thread_close(
            actor=request.user,
            thread=thread,
            reason=data["reason"],
            duplicate_of=duplicate,
            version=data.get("version"),
        )
        return self._done(thread)

    @extend_schema(request=KnowledgeVersionSerializer, responses=KnowledgeThreadDetailSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        thread = self.get_object()
        if not access.forum_can_moderate(request.user):
            raise PermissionDenied
        services.thread_reopen(
            actor=request.user, thread=thread, version=self._payload(request, KnowledgeVersionSerializer).get("version")
        )
        return self._done(thread)
