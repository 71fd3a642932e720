"""Access table rows for knowledge (see matrix.py): pages first, then the API, a block per part.

The Q&A forum and the expert roster: anyone reads public threads and public profiles; signed-in people
ask, answer, comment, vote and flag; the asker (the focal point) and the programme team accept an answer,
edit the question and attach files to it; the team moderates. The contributor is made an expert of the
roster where a row needs one: they alone manage their own profile."""

import re
import uuid

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jalon.activities.models import ActivityTrainer
from jalon.knowledge import forum_services
from jalon.knowledge.models import (
    Answer,
    Attachment,
    Comment,
    Competency,
    Expert,
    ExpertLanguage,
    Flag,
    Question,
    Tag,
    Thread,
    Vote,
)
from jalon.organisations.models import Person
from jalon.reference.models import Language
from tests.access.matrix import EVERYONE, SIGNED_IN, TEAM, Redirect, api, page, url
from tests.conftest import make_user

# The Q&A forum and the expert roster ------------------------------------------------------------------------

ASKERS = TEAM | {"focal"}
# What is kept for members (knowledge/access/members.py): people of an organisation that is a member of a
# standards body (the focal point and the contributor act for ASN, an ISO member body) and the programme team.
# A signed-in person of no member organisation (plain) or a viewer is not a member: 404, as for "not there".
MEMBERS = TEAM | {"focal", "contributor"}
EXPERT_SELF = frozenset({"contributor"})


def _thread(ctx, visibility="public") -> Thread:
    thread = forum_services.thread_ask(
        actor=ctx.users["focal"],
        language="fr",
        title="Qualité des certificats X.509",
        body="Comment **appliquer** la recommandation ?",
        tags=[("itu_t", "X.509")],
        visibility=visibility,
    )
    outsider = make_user("forum-outsider")
    forum_services.answer_post(actor=outsider, thread=thread, language="fr", body="Voir la clause 7.")
    return thread


def thread(ctx) -> Thread:
    return ctx.once("knowledge-thread", _thread)


def members_thread(ctx) -> Thread:
    return ctx.once("knowledge-members-thread", lambda c: _thread(c, "members"))


def answer(ctx) -> Answer:
    return thread(ctx).answers.get()


def closed_thread(ctx) -> Thread:
    def build(c):
        found = thread(c)
        forum_services.thread_close(actor=c.users["manager"], thread=found, reason="off_topic")
        return found

    return ctx.once("knowledge-closed", build)


def flag(ctx) -> Flag:
    return ctx.once(
        "knowledge-flag",
        lambda c: forum_services.flag_raise(actor=c.users["plain"], thread=thread(c), reason="spam", answer=answer(c)),
    )


def attachment(ctx) -> Attachment:
    return ctx.once(
        "knowledge-attachment",
        lambda c: forum_services.attachment_add(
            actor=c.users["focal"],
            thread=thread(c),
            upload=SimpleUploadedFile("note.pdf", b"%PDF-1.4 note", content_type="application/pdf"),
        ),
    )


def members_attachment(ctx) -> Attachment:
    return ctx.once(
        "knowledge-members-attachment",
        lambda c: forum_services.attachment_add(
            actor=c.users["focal"],
            thread=members_thread(c),
            upload=SimpleUploadedFile("members.pdf", b"%PDF-1.4 members", content_type="application/pdf"),
        ),
    )


def _expert(ctx, *, user=None, visibility="public") -> Expert:
    person = Person.objects.create(given_name="Expert", family_name="Matrix", organisation=ctx.nsb)
    expert = Expert.objects.create(
        person=person,
        user=user,
        state="active",
        visibility=visibility,
        consent_at=timezone.now(),
        profile_updated_at=timezone.now(),
    )
    ExpertLanguage.objects.create(expert=expert, language=Language.objects.get(code="fr"), level="native")
    tag, _created = Tag.objects.get_or_create(kind="topic", code="qualité")
    Competency.objects.create(expert=expert, tag=tag, level="expert")
    return expert


def own_expert(ctx) -> Expert:
    """The contributor's own profile (public, active)."""
    return ctx.once("knowledge-own-expert", lambda c: _expert(c, user=c.users["contributor"]))


def members_expert(ctx) -> Expert:
    return ctx.once("knowledge-members-expert", lambda c: _expert(c, visibility="members"))


def team_expert(ctx) -> Expert:
    return ctx.once("knowledge-team-expert", lambda c: _expert(c, visibility="team"))


def pk_of(record):
    return lambda ctx: {"pk": record(ctx).pk}


def with_own_expert(value=None):
    def build(ctx):
        own_expert(ctx)
        return value(ctx) if value else {}

    return build


def count_of(model):
    return lambda ctx: model.objects.count()


def thread_field(record, name):
    return lambda ctx: Thread.objects.values_list(name, flat=True).get(pk=record(ctx).pk)


def thread_page(ctx) -> str:
    return re.escape(url("knowledge:thread_list")) + r"\d+/"


THREAD_PAGE = Redirect(thread_page, "the thread's page")
EXPERT_ME = Redirect(lambda ctx: re.escape(url("knowledge:expert_me")), "the expert's own profile")
EXPERT_PAGE = Redirect(lambda ctx: re.escape(url("knowledge:expert_list")) + r"\d+/", "an expert's page")
FLAG_LIST = Redirect(lambda ctx: re.escape(url("knowledge:flag_list")), "the flags")
NOT_AN_EXPERT = dict.fromkeys(SIGNED_IN - EXPERT_SELF, (404,))


def competency_count(ctx):
    return Competency.objects.filter(expert=own_expert(ctx)).count()


def language_count(ctx):
    return ExpertLanguage.objects.filter(expert=own_expert(ctx)).count()


def activity(ctx):
    """An activity ASN (the focal point's and contributor's organisation) organises."""
    from tests.activities.conftest import activity_build

    return ctx.once("knowledge-activity", lambda c: activity_build(actor=c.users["manager"], code="kn-matrix"))


def trainer_count(ctx):
    return ActivityTrainer.objects.filter(activity=activity(ctx)).count()


ACTIVITY_MANAGERS = TEAM | {"focal", "contributor"}

FORUM_PAGES: list = [
    page("knowledge: questions", "knowledge:thread_list", EVERYONE),
    page("knowledge: ask form", "knowledge:thread_ask", SIGNED_IN),
    page(
        "knowledge: ask",
        "knowledge:thread_ask",
        SIGNED_IN,
        method="post",
        data=lambda ctx: {"language": "fr", "title": "Une question", "body": "Texte", "visibility": "public"},
        ok=THREAD_PAGE,
        effect=count_of(Thread),
    ),
    page("knowledge: public thread", "knowledge:thread_detail", EVERYONE, kwargs=pk_of(thread)),
    page(
        "knowledge: members' thread",
        "knowledge:thread_detail",
        MEMBERS,
        kwargs=pk_of(members_thread),
        refused=(404,),
        refused_anonymous=(404,),
    ),
    page("knowledge: edit question", "knowledge:question_edit", ASKERS, kwargs=pk_of(thread)),
    page("knowledge: translate question", "knowledge:question_translate", ASKERS, kwargs=pk_of(thread)),
    page(
        "knowledge: answer",
        "knowledge:answer_create",
        SIGNED_IN,
        method="post",
        kwargs=pk_of(thread),
        data=lambda ctx: {"language": "fr", "body": "Une réponse."},
        ok=THREAD_PAGE,
        effect=count_of(Answer),
    ),
    page(
        "knowledge: accept",
        "knowledge:answer_accept",
        ASKERS,
        method="post",
        kwargs=lambda ctx: {"pk": thread(ctx).pk, "answer": answer(ctx).pk},
        data=lambda ctx: {},
        ok=THREAD_PAGE,
        effect=thread_field(thread, "accepted_answer"),
    ),
    page(
        "knowledge: vote",
        "knowledge:vote",
        SIGNED_IN,
        method="post",
        kwargs=pk_of(thread),
        data=lambda ctx: {"value": "1", "answer": answer(ctx).pk},
        ok=THREAD_PAGE,
        effect=count_of(Vote),
    ),
    page(
        "knowledge: comment",
        "knowledge:comment_create",
        SIGNED_IN,
        method="post",
        kwargs=pk_of(thread),
        data=lambda ctx: {"body": "Merci."},
        ok=THREAD_PAGE,
        effect=count_of(Comment),
    ),
    page(
        "knowledge: flag",
        "knowledge:flag_create",
        SIGNED_IN,
        method="post",
        kwargs=pk_of(thread),
        data=lambda ctx: {"reason": "abuse", "answer": answer(ctx).pk},
        ok=THREAD_PAGE,
        effect=count_of(Flag),
    ),
    page(
        "knowledge: moderate",
        "knowledge:moderate",
        TEAM,
        method="post",
        kwargs=pk_of(thread),
        data=lambda ctx: {"action": "close", "reason": "off_topic"},
        ok=THREAD_PAGE,
        effect=thread_field(thread, "state"),
    ),
    page(
        "knowledge: attach",
        "knowledge:attachment_create",
        ASKERS,
        method="post",
        kwargs=pk_of(thread),
        data=lambda ctx: {"file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 a", content_type="application/pdf")},
        ok=THREAD_PAGE,
        effect=count_of(Attachment),
    ),
    page(
        "knowledge: attachment",
        "knowledge:attachment_download",
        EVERYONE,
        kwargs=lambda ctx: {"pk": thread(ctx).pk, "attachment": attachment(ctx).pk},
    ),
    page(
        "knowledge: members' attachment",
        "knowledge:attachment_download",
        MEMBERS,
        kwargs=lambda ctx: {"pk": members_thread(ctx).pk, "attachment": members_attachment(ctx).pk},
        refused=(404,),
        refused_anonymous=(404,),
    ),
    page("knowledge: inbox", "knowledge:inbox", SIGNED_IN),
    page("knowledge: flags", "knowledge:flag_list", TEAM),
    page(
        "knowledge: handle a flag",
        "knowledge:flag_handle",
        TEAM,
        method="post",
        kwargs=lambda ctx: {"flag": flag(ctx).pk},
        data=lambda ctx: {"uphold": "1"},
        ok=FLAG_LIST,
        effect=lambda ctx: Flag.objects.values_list("status", flat=True).get(pk=flag(ctx).pk),
    ),
    page("knowledge: search", "knowledge:search", EVERYONE),
    page("knowledge: search for a word", "/fr/knowledge/search/?q=qualite", EVERYONE),
]

ROSTER_PAGES: list = [
    page("knowledge: experts", "knowledge:expert_list", EVERYONE),
    page("knowledge: experts for a need", "/fr/knowledge/experts/?topic=qualite&language=fr", EVERYONE),
    page("knowledge: public expert", "knowledge:expert_detail", EVERYONE, kwargs=pk_of(own_expert)),
    page(
        "knowledge: members' expert",
        "knowledge:expert_detail",
        MEMBERS,
        kwargs=pk_of(members_expert),
        refused=(404,),
        refused_anonymous=(404,),
    ),
    page(
        "knowledge: expert for the team",
        "knowledge:expert_detail",
        TEAM,
        kwargs=pk_of(team_expert),
        refused=(404,),
        refused_anonymous=(404,),
    ),
    page("knowledge: invite form", "knowledge:expert_invite", TEAM),
    page(
        "knowledge: invite",
        "knowledge:expert_invite",
        TEAM,
        method="post",
        data=lambda ctx: {"person": new_expert(ctx).email},
        ok=EXPERT_PAGE,
        effect=count_of(Expert),
    ),
    page(
        "knowledge: my profile", "knowledge:expert_me", EXPERT_SELF, kwargs=with_own_expert(), refused_as=NOT_AN_EXPERT
    ),
    page(
        "knowledge: save my profile",
        "knowledge:expert_me",
        EXPERT_SELF,
        method="post",
        data=lambda ctx: {"version": own_expert(ctx).version, "consent": "on", "visibility": "members"},
        ok=EXPERT_PAGE,
        refused_as=NOT_AN_EXPERT,
        effect=lambda ctx: Expert.objects.values_list("visibility", flat=True).get(pk=own_expert(ctx).pk),
    ),
    page(
        "knowledge: add a competency",
        "knowledge:competency_create",
        EXPERT_SELF,
        method="post",
        data=lambda ctx: {"kind": "itu_t", "code": "X.509", "level": "advanced"},
        ok=EXPERT_ME,
        refused_as=NOT_AN_EXPERT,
        effect=competency_count,
    ),
    page(
        "knowledge: remove a competency",
        "knowledge:competency_delete",
        EXPERT_SELF,
        method="post",
        kwargs=lambda ctx: {"pk": own_expert(ctx).competencies.get().pk},
        ok=EXPERT_ME,
        refused_as=NOT_AN_EXPERT,
        effect=competency_count,
    ),
    page(
        "knowledge: add a language",
        "knowledge:language_create",
        EXPERT_SELF,
        method="post",
        data=lambda ctx: {"language": "en", "level": "C1"},
        ok=EXPERT_ME,
        refused_as=NOT_AN_EXPERT,
        effect=language_count,
    ),
    page(
        "knowledge: remove a language",
        "knowledge:language_delete",
        EXPERT_SELF,
        method="post",
        kwargs=lambda ctx: {"pk": own_expert(ctx).languages.get().pk},
        ok=EXPERT_ME,
        refused_as=NOT_AN_EXPERT,
        effect=language_count,
    ),
    page(
        "knowledge: make a profile inactive",
        "knowledge:expert_state",
        EXPERT_SELF | TEAM,
        method="post",
        kwargs=pk_of(own_expert),
        data=lambda ctx: {"state": "inactive"},
        ok=EXPERT_PAGE,
        effect=lambda ctx: Expert.objects.values_list("state", flat=True).get(pk=own_expert(ctx).pk),
    ),
    page(
        "activities: trainers of an activity",
        "activities:activity_trainers",
        ACTIVITY_MANAGERS,
        kwargs=lambda ctx: {"code": activity(ctx).code},
        refused_anonymous=(Redirect(lambda ctx: re.escape(url("accounts:login")), "the login page"),),
    ),
    page(
        "activities: record a trainer",
        "activities:activity_trainers",
        ACTIVITY_MANAGERS,
        method="post",
        kwargs=lambda ctx: {"code": activity(ctx).code},
        # The trainer is named by a fresh e-mail address (the form searches; each role's run adds a person).
        data=lambda ctx: {"person": new_trainer(ctx).email},
        ok=Redirect(lambda ctx: re.escape(url("activities:activity_trainers", code="kn-matrix")), "the trainers"),
        effect=trainer_count,
    ),
]


def new_expert(ctx) -> Person:
    return Person.objects.create(given_name="New", family_name="Expert", email=f"expert-{uuid.uuid4().hex}@example.org")


def new_trainer(ctx) -> Person:
    return Person.objects.create(
        given_name="T", family_name="R", organisation=ctx.nsb, email=f"trainer-{uuid.uuid4().hex}@example.org"
    )


def api_action(label, name, allowed, record, data, *, ok=200, effect=None, **options):
    return api(
        label,
        f"api:knowledge-thread-{name}",
        allowed,
        method="post",
        kwargs=pk_of(record),
        data=data,
        ok=ok,
        effect=effect,
        **options,
    )


FORUM_API: list = [
    api("API knowledge threads", "api:knowledge-thread-list", EVERYONE),
    api(
        "API knowledge ask",
        "api:knowledge-thread-list",
        SIGNED_IN,
        method="post",
        data=lambda ctx: {
            "language": "en",
            "title": "A question",
            "body": "Text",
            "tags": [{"kind": "itu_t", "code": "X.509"}],
        },
        ok=201,
        effect=count_of(Thread),
    ),
    api("API knowledge thread", "api:knowledge-thread-detail", EVERYONE, kwargs=pk_of(thread)),
    api(
        "API knowledge members' thread",
        "api:knowledge-thread-detail",
        MEMBERS,
        kwargs=pk_of(members_thread),
        refused=(404,),
        refused_anonymous=(404,),
    ),
    api_action(
        "API knowledge answer",
        "answer",
        SIGNED_IN,
        thread,
        lambda ctx: {"language": "fr", "body": "Réponse"},
        ok=201,
        effect=count_of(Answer),
    ),
    api_action(
        "API knowledge accept",
        "accept",
        ASKERS,
        thread,
        lambda ctx: {"answer": answer(ctx).pk},
        effect=thread_field(thread, "accepted_answer"),
    ),
    api_action(
        "API knowledge translation",
        "translations",
        ASKERS,
        thread,
        lambda ctx: {"language": "en", "title": "Quality of X.509 certificates", "body": "How?"},
        ok=201,
        effect=count_of(Question),
    ),
    api_action(
        "API knowledge vote",
        "vote",
        SIGNED_IN,
        thread,
        lambda ctx: {"value": 1, "answer": answer(ctx).pk},
        effect=count_of(Vote),
    ),
    api_action(
        "API knowledge comment",
        "comments",
        SIGNED_IN,
        thread,
        lambda ctx: {"body": "Merci"},
        ok=201,
        effect=count_of(Comment),
    ),
    api_action(
        "API knowledge flag",
        "flags",
        SIGNED_IN,
        thread,
        lambda ctx: {"reason": "spam"},
        ok=201,
        effect=count_of(Flag),
    ),
    api_action(
        "API knowledge close",
        "close",
        TEAM,
        thread,
        lambda ctx: {"reason": "off_topic"},
        effect=thread_field(thread, "state"),
    ),
    api_action(
        "API knowledge reopen",
        "reopen",
        TEAM,
        closed_thread,
        lambda ctx: {},
        effect=thread_field(closed_thread, "state"),
    ),
    api("API knowledge search", "api:knowledge-search-list", EVERYONE),
    api("API knowledge search for a word", "/api/v1/knowledge-search/?q=qualite", EVERYONE),
]

ROSTER_API: list = [
    api("API knowledge experts", "api:knowledge-expert-list", EVERYONE),
    api("API knowledge expert", "api:knowledge-expert-detail", EVERYONE, kwargs=pk_of(own_expert)),
    api(
        "API knowledge members' expert",
        "api:knowledge-expert-detail",
        MEMBERS,
        kwargs=pk_of(members_expert),
        refused=(404,),
        refused_anonymous=(404,),
    ),
    api(
        "API knowledge expert for the team",
        "api:knowledge-expert-detail",
        TEAM,
        kwargs=pk_of(team_expert),
        refused=(404,),
        refused_anonymous=(404,),
    ),
    api("API knowledge engagement", "api:knowledge-expert-engagement", EVERYONE, kwargs=pk_of(own_expert)),
    api("API knowledge ranking", "api:knowledge-expert-rank", EVERYONE),
    api("API knowledge ranking for a need", "/api/v1/knowledge-experts/rank/?topic=qualite&language=fr", EVERYONE),
    api(
        "API knowledge my profile",
        "api:knowledge-expert-me",
        EXPERT_SELF,
        kwargs=with_own_expert(),
        refused=(404,),
        refused_anonymous=(404,),
    ),
    api(
        "API knowledge save my profile",
        "api:knowledge-expert-me",
        EXPERT_SELF,
        method="patch",
        data=lambda ctx: {"version": own_expert(ctx).version, "consent": True, "visibility": "members"},
        refused=(404,),
        effect=lambda ctx: Expert.objects.values_list("visibility", flat=True).get(pk=own_expert(ctx).pk),
    ),
]

CASES = [*FORUM_PAGES, *ROSTER_PAGES, *FORUM_API, *ROSTER_API]
