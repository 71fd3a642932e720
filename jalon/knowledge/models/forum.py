"""The standards Q&A forum: a thread is one question, asked in one or more languages (`Question`, one per
language, linked as translations of each other); answers, comments, votes, the accepted answer and the state
belong to the thread, so the French and the English pages show the same answers and the same votes.

Bodies are stored as typed (a safe subset of Markdown) and rendered server-side, sanitised
(jalon.knowledge.markdown). A new question is routed to the roster's experts whose competencies match its tags
and who read its language (`Routing`, which is also the expert's inbox)."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from jalon.accounts.versioning import VersionedModel
from jalon.committees.models import Committee
from jalon.organisations.models import Organisation
from jalon.reference.models import Country

# The languages a question is asked in: the programme's two working languages.
FORUM_LANGUAGES = (("fr", _("French")), ("en", _("English")))


class Tag(models.Model):
    """What a question is about and what an expert knows: one vocabulary for both, so routing compares codes.
    A code covers the codes below it: "X" (the series) covers "X.509", "03.120" covers "03.120.10"."""

    class Kind(models.TextChoices):
        ITU_T = "itu_t", _("ITU-T Recommendation")
        ISO = "iso", _("ISO deliverable")
        ICS = "ics", _("ICS code")
        TOPIC = "topic", _("Topic")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    code = models.CharField(_("code"), max_length=60, help_text=_("E.g. X.509, ISO 9001, 03.120.10, quality."))

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="knowledge_tag_unique")]

    def __str__(self) -> str:
        return self.code


class Thread(VersionedModel):
    """One question in all its languages, with its answers and its state."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        ANSWERED = "answered", _("Answered by an expert")
        RESOLVED = "resolved", _("Resolved")
        CLOSED = "closed", _("Closed")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Public")
        MEMBERS = "members", _("Members only")

    class CloseReason(models.TextChoices):
        DUPLICATE = "duplicate", _("Duplicate")
        OFF_TOPIC = "off_topic", _("Off topic")

    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN, db_index=True)
    visibility = models.CharField(_("visibility"), max_length=8, choices=Visibility.choices, default=Visibility.PUBLIC)
    tags = models.ManyToManyField(Tag, blank=True, related_name="threads", verbose_name=_("tags"))
    committees = models.ManyToManyField(
        Committee, blank=True, related_name="knowledge_threads", verbose_name=_("committees")
    )
    asker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="knowledge_threads", verbose_name=_("asker")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("organisation")
    )
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("country")
    )
    accepted_answer = models.ForeignKey(
        "Answer", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("accepted answer")
    )
    close_reason = models.CharField(_("closed as"), max_length=10, choices=CloseReason.choices, blank=True)
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("duplicate of")
    )
    hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    # Kept when the state moves on, for the indicators: the first answer by an expert and the resolution.
    first_expert_answer_at = models.DateTimeField(_("first expert answer"), null=True, blank=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)
    created_at = models.DateTimeField(_("asked"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("question thread")
        verbose_name_plural = _("question threads")

    def __str__(self) -> str:
        first = next(iter(self.questions.all()), None)
        return first.title if first is not None else f"#{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("knowledge:thread_detail", args=[self.pk])


class Question(VersionedModel):
    """The question of a thread in one language; the other languages are its translations."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="questions", verbose_name=_("thread"))
    language = models.CharField(_("language"), max_length=2, choices=FORUM_LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("question"), max_length=20000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["thread", "language"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["thread", "language"], name="knowledge_question_one_per_language")
        ]

    def __str__(self) -> str:
        return self.title


class Answer(VersionedModel):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="answers", verbose_name=_("thread"))
    language = models.CharField(_("language"), max_length=2, choices=FORUM_LANGUAGES)
    body = models.TextField(_("answer"), max_length=20000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="knowledge_answers", verbose_name=_("author")
    )
    # The author's roster profile when they answered as an active expert ("answered by an expert").
    expert = models.ForeignKey(
        "knowledge.Expert",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="answers",
        verbose_name=_("expert"),
    )
    hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self) -> str:
        return f"{self.thread_id}/{self.pk}"


class Comment(models.Model):
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="comments")
    body = models.TextField(_("comment"), max_length=2000)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    hidden = models.BooleanField(_("hidden by a moderator"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("comment")
        verbose_name_plural = _("comments")

    def __str__(self) -> str:
        return f"{self.thread_id}/{self.pk}"


class Vote(models.Model):
    """One person's vote on a thread's question or on one answer: +1 or -1."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="votes")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="votes")
    voter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    value = models.SmallIntegerField(_("vote"), choices=((1, "+1"), (-1, "-1")))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        constraints = [
            models.UniqueConstraint(
                fields=["thread", "voter"], condition=models.Q(answer__isnull=True), name="knowledge_vote_question_once"
            ),
            models.UniqueConstraint(
                fields=["answer", "voter"], condition=models.Q(answer__isnull=False), name="knowledge_vote_answer_once"
            ),
            models.CheckConstraint(condition=models.Q(value__in=(1, -1)), name="knowledge_vote_value"),
        ]

    def __str__(self) -> str:
        return f"{self.value:+d}"


class Revision(models.Model):
    """The text a question or an answer had before an edit."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, null=True, blank=True, related_name="revisions")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="revisions")
    title = models.CharField(_("title"), max_length=200, blank=True)
    body = models.TextField(_("text"))
    editor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("edited"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M}"


class Flag(models.Model):
    """A reader's report of a question, an answer or a comment, for the moderators."""

    class Reason(models.TextChoices):
        ABUSE = "abuse", _("Abusive or offensive")
        SPAM = "spam", _("Spam")
        OFF_TOPIC = "off_topic", _("Off topic")
        DUPLICATE = "duplicate", _("Duplicate")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        UPHELD = "upheld", _("Upheld")
        DISMISSED = "dismissed", _("Dismissed")

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="flags")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="flags")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="flags")
    reason = models.CharField(_("reason"), max_length=10, choices=Reason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("flag")
        verbose_name_plural = _("flags")

    def __str__(self) -> str:
        return self.get_reason_display()


def _attachment_path(instance: "Attachment", filename: str) -> str:
    return f"knowledge/forum/{instance.thread_id}/{filename}"


class Attachment(models.Model):
    """A file attached to a question or an answer; served only through an access-checked view."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="attachments")
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments")
    file = models.FileField(_("file"), upload_to=_attachment_path, max_length=300)
    name = models.CharField(_("name"), max_length=200)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self) -> str:
        return self.name


class Routing(models.Model):
    """A question sent to an expert (their inbox): why, in which language, whether the e-mail went."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="routings")
    expert = models.ForeignKey("knowledge.Expert", on_delete=models.CASCADE, related_name="routings")
    language = models.CharField(_("language"), max_length=2, choices=FORUM_LANGUAGES)
    reasons = models.JSONField(_("reasons"), default=list)
    emailed_at = models.DateTimeField(_("e-mailed"), null=True, blank=True)
    # When the e-mail was given up: the expert may no longer read the question (left the members it is kept
    # for, or it was hidden). The worker's recovery then stops queuing it again.
    mail_dropped_at = models.DateTimeField(_("e-mail given up"), null=True, blank=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("question sent to an expert")
        verbose_name_plural = _("questions sent to experts")
        constraints = [models.UniqueConstraint(fields=["thread", "expert"], name="knowledge_routing_once")]

    def __str__(self) -> str:
        return f"{self.thread_id} -> {self.expert_id}"
