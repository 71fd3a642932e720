"""Reads of the expert roster: an expert's engagement, computed from jalon's records (never typed), and the
ranking of experts for a need, with the reasons of each place."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from jalon.activities.access import activities_visible
from jalon.activities.models import ActivityTrainer
from jalon.committees.models import LeadershipRole
from jalon.knowledge.access import roster as access
from jalon.knowledge.access.forum import threads_visible
from jalon.knowledge.models import READS_AT, Competency, Expert, ExpertLanguage, Thread
from jalon.knowledge.search import words
from jalon.lib.multilingual import text_in
from jalon.reference.models import Country
from jalon.reference.selectors import in_region
from jalon.twinning.access import arrangements_visible
from jalon.twinning.models import Arrangement


@dataclass
class Engagement:
    trainings: list[ActivityTrainer]
    roles: list[LeadershipRole]
    arrangements: list[Arrangement]
    accepted: list[Thread]
    answers: int

    @property
    def empty(self) -> bool:
        return not (self.trainings or self.roles or self.arrangements or self.accepted or self.answers)


def expert_engagement(*, user, expert: Expert) -> Engagement:
    """What the expert did, read from the records of activities (trainer), committees (leadership roles),
    twinning (lead or nominee) and the forum (accepted answers): five queries, each filtered by what `user`
    may see of those records."""
    person = expert.person
    trainings = (
        ActivityTrainer.objects.filter(person=person, activity__in=activities_visible(user).values("pk"))
        .select_related("activity")
        .order_by("-activity__start_date")
    )
    roles = LeadershipRole.objects.filter(person=person).select_related("committee").order_by("-start_date")
    arrangements = arrangements_visible(
        user, Arrangement.objects.filter(Q(lead_person=person) | Q(twinned_person=person))
    ).select_related("committee")
    accepted = (
        threads_visible(user, Thread.objects.filter(accepted_answer__author_id=expert.user_id))
        .prefetch_related("questions")
        .order_by("-resolved_at")
        if expert.user_id
        else Thread.objects.none()
    )
    answers = expert.answers.filter(hidden=False).count()
    return Engagement(
        trainings=list(trainings),
        roles=list(roles),
        arrangements=list(arrangements),
        accepted=list(accepted),
        answers=answers,
    )


# Ranking for a need -----------------------------------------------------------------------------------------

LEVEL_POINTS = {Competency.Level.WORKING: 1, Competency.Level.ADVANCED: 2, Competency.Level.EXPERT: 3}
ENGAGEMENT_CAP = 3


@dataclass
class Need:
    topic: str = ""
    language: str = ""
    start: datetime.date | None = None
    end: datetime.date | None = None
    region: str = ""  # an M49 code


@dataclass
class Ranked:
    expert: Expert
    score: int
    reasons: list[str] = field(default_factory=list)


def _competency_words(competency: Competency) -> set[str]:
    if competency.tag is not None:
        texts = [competency.tag.code]
    elif competency.committee is not None:
        texts = [competency.committee.reference, *competency.committee.title.values()]
    else:
        texts = [*competency.gsp_area.title.values()] if competency.gsp_area else []
    return {word for text in texts for word in words(text)}


def experts_ranked(*, user, need: Need, limit: int = 20) -> list[Ranked]:
    """The experts `user` may see, active or stale, ranked for `need`: topic words found in their competencies
    (by level) and summary, the language read (required when asked), availability over the dates, countries of
    experience in the region, accepted answers and trainings given. The answers and trainings counted are those
    `user` may see (the forum's threads_visible, activities_visible), as on the expert's engagement page: a count
    never tells of a members-only thread or an unpublished activity. Six queries, whatever the roster's size."""
    accepted = (
        threads_visible(user, Thread.objects.filter(accepted_answer__author_id=OuterRef("user_id"), hidden=False))
        .order_by()
        .values("accepted_answer__author_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    trained = (
        ActivityTrainer.objects.filter(
            person_id=OuterRef("person_id"), activity__in=activities_visible(user).values("pk")
        )
        .order_by()
        .values("person_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    experts: QuerySet[Expert] = (
        access.experts_visible(user, Expert.objects.filter(state__in=access.SHOWN_STATES))
        .select_related("person")
        .annotate(accepted_count=Coalesce(Subquery(accepted), 0), trained_count=Coalesce(Subquery(trained), 0))
    )
    experts = experts.prefetch_related(
        Prefetch("competencies", Competency.objects.select_related("tag", "committee", "gsp_area")),
        Prefetch("languages", ExpertLanguage.objects.select_related("language")),
        Prefetch("countries", Country.objects.order_by("iso3")),
    )
    in_need_region: set[int] = set()
    if need.region:
        in_need_region = set(Country.objects.filter(in_region(need.region)).values_list("pk", flat=True))
    topic = set(words(need.topic))
    ranked = []
    for expert in experts:
        score, reasons = 0, []
        if topic:
            for competency in expert.competencies.all():
                if topic & _competency_words(competency):
                    score += 3 * LEVEL_POINTS[Competency.Level(competency.level)]
                    reasons.append(
                        _("competency: %(what)s (%(level)s)")
                        % {"what": competency, "level": competency.get_level_display()}
                    )
            if topic & set(words(expert.summary)):
                score += 1
                reasons.append(_("the topic is in their summary"))
            if not score:
                continue
        if need.language:
            read = [item for item in expert.languages.all() if item.language.code == need.language]
            if not read or read[0].level not in READS_AT:
                continue
            score += 2
            reasons.append(
                _("reads %(language)s (%(level)s)")
                % {"language": read[0].language, "level": read[0].get_level_display()}
            )
        start, end = need.start or need.end, need.end or need.start
        if (
            start is not None
            and end is not None
            and (expert.available_from and expert.available_from <= start)
            and (expert.available_until is None or expert.available_until >= end)
        ):
            score += 1
            reasons.append(_("available over these dates"))
        if in_need_region:
            countries = [country for country in expert.countries.all() if country.pk in in_need_region]
            if countries:
                score += min(len(countries), 2)
                reasons.append(
                    _("experience in %(countries)s") % {"countries": ", ".join(text_in(c.name) for c in countries)}
                )
        accepted = expert.accepted_count  # type: ignore[attr-defined]
        if accepted:
            score += min(accepted, ENGAGEMENT_CAP)
            reasons.append(_("%(count)s accepted answers") % {"count": accepted})
        trained_in = expert.trained_count  # type: ignore[attr-defined]
        if trained_in:
            score += min(trained_in, ENGAGEMENT_CAP)
            reasons.append(_("trained in %(count)s activities") % {"count": trained_in})
        ranked.append(Ranked(expert=expert, score=score, reasons=reasons))
    ranked.sort(key=lambda item: (-item.score, item.expert.person.family_name, item.expert.pk))
    return ranked[:limit]
