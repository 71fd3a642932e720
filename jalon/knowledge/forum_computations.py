"""Computed indicators of the Q&A forum and the expert roster (sources "knowledge_forum" and
"knowledge_roster", whose services refresh them). A question counts in the period it was asked in; demo
questions count only for demo programmes, hidden ones never."""

import datetime
import statistics
from collections import Counter
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone, translation

from jalon.knowledge.models import Answer, Expert, Thread
from jalon.organisations.models import Person
from jalon.reference.models import Country
from jalon.reference.selectors import developing_countries
from jalon.results.computations import Computation, Part, programme_rule, register
from jalon.results.models import Dimension, Measure, Programme

FORUM = frozenset({"knowledge_forum"})
ROSTER = frozenset({"knowledge_roster", "knowledge_forum"})
RESOLVED_WITHIN = datetime.timedelta(days=30)


def _asked(programme: Programme, period) -> QuerySet[Thread]:
    threads = Thread.objects.filter(
        hidden=False, created_at__date__gte=period.start, created_at__date__lte=period.end
    ).exclude(close_reason=Thread.CloseReason.DUPLICATE)
    return threads if programme.is_demo else threads.filter(is_demo=False)


def _developing(programme: Programme, period) -> QuerySet[Country]:
    return developing_countries(rule=programme_rule(programme), on=min(period.end, timezone.localdate()))


def _days(delta: datetime.timedelta) -> float:
    return delta.total_seconds() / 86400


def _median_first_answer(programme: Programme, period) -> list[Part]:
    rows = _asked(programme, period).filter(first_expert_answer_at__isnull=False)
    days = [
        _days(answered - asked)
        for asked, answered in rows.values_list("created_at", "first_expert_answer_at")
        if answered is not None
    ]
    if not days:
        return []
    return [Part(Decimal(str(statistics.median(days))).quantize(Decimal("0.1")))]


def _resolved_share(programme: Programme, period) -> list[Part]:
    """Among the questions asked in the period at least 30 days ago (or already resolved), the share resolved
    within 30 days of being asked."""
    now = timezone.now()
    rows = list(_asked(programme, period).values_list("created_at", "resolved_at"))
    counted = [(asked, resolved) for asked, resolved in rows if resolved is not None or now - asked >= RESOLVED_WITHIN]
    if not counted:
        return []
    hits = sum(1 for asked, resolved in counted if resolved is not None and resolved - asked <= RESOLVED_WITHIN)
    denominator, numerator = Decimal(len(counted)), Decimal(hits)
    value = (numerator * 100 / denominator).quantize(Decimal("0.1"))
    return [Part(value, numerator=numerator, denominator=denominator)]


def _developing_questions(programme: Programme, period) -> list[Part]:
    threads = _asked(programme, period).filter(country__in=_developing(programme, period).values("pk"))
    rows = list(threads.values_list("country__region__m49", "country__region__name"))
    regions = Counter(code for code, _name in rows)
    names = {code: dict(name) for code, name in rows if code}
    parts = [Part(Decimal(len(rows)))]
    for code in sorted(code for code in regions if code):
        parts.append(Part(Decimal(regions[code]), Dimension.Kind.REGION, code, names[code]))
    return parts


def _experts_answering(programme: Programme, period) -> list[Part]:
    answers = Answer.objects.filter(
        expert__isnull=False, hidden=False, created_at__date__gte=period.start, created_at__date__lte=period.end
    )
    if not programme.is_demo:
        answers = answers.filter(thread__is_demo=False)
    return [Part(Decimal(answers.values("expert_id").distinct().count()))]


def _active_developing_experts(programme: Programme, period) -> QuerySet[Expert]:
    """Experts active (or stale, still reachable) with consent, on the roster by the period's end, whose own
    country is developing (the programme's rule). The roster keeps no state history: the current state."""
    experts = Expert.objects.filter(
        state__in=(Expert.State.ACTIVE, Expert.State.STALE),
        consent_at__isnull=False,
        created_at__date__lte=period.end,
        person__country__in=_developing(programme, period).values("pk"),
    )
    return experts if programme.is_demo else experts.filter(is_demo=False)


def _developing_experts(programme: Programme, period) -> list[Part]:
    sexes = Counter(_active_developing_experts(programme, period).values_list("person__sex", flat=True))
    parts = [Part(Decimal(sum(sexes.values())))]
    for code, label in Person.Sex.choices:
        if sexes.get(code):
            parts.append(Part(Decimal(sexes[code]), Dimension.Kind.SEX, code, _labels(label)))
    return parts


def _developing_experts_women(programme: Programme, period) -> list[Part]:
    sexes = Counter(_active_developing_experts(programme, period).values_list("person__sex", flat=True))
    denominator = Decimal(sum(sexes.values()))
    if not denominator:
        return []
    numerator = Decimal(sexes.get(Person.Sex.FEMALE, 0))
    return [
        Part((numerator * 100 / denominator).quantize(Decimal("0.1")), numerator=numerator, denominator=denominator)
    ]


def _labels(label) -> dict:
    result = {}
    for language in ("en", "fr"):
        with translation.override(language):
            result[language] = str(label)
    return result


def _register(key, title_en, title_fr, method_en, method_fr, measure, compute, sources, additive=False) -> None:
    register(
        Computation(
            key=key,
            title={"en": title_en, "fr": title_fr},
            method={"en": method_en, "fr": method_fr},
            measure=measure,
            sources=sources,
            compute=compute,
            additive=additive,
        )
    )


_register(
    "knowledge_first_expert_answer_days",
    "Median days to a first expert answer in the standards forum",
    "Délai médian (jours) avant une première réponse d'expert dans le forum sur les normes",
    "Among the questions asked in the period that an expert of the roster has answered, the median number of days "
    "between the question and the first answer by an expert (platform-wide; hidden questions and duplicates left "
    "out).",
    "Parmi les questions posées dans la période auxquelles un expert du fichier a répondu, le nombre médian de jours "
    "entre la question et la première réponse d'un expert (toute la plateforme ; questions masquées et doublons "
    "exclus).",
    Measure.COUNT,
    _median_first_answer,
    FORUM,
)
_register(
    "knowledge_resolved_30_days_share",
    "Share of forum questions resolved within 30 days",
    "Part des questions du forum résolues en 30 jours",
    "Among the questions asked in the period, at least 30 days ago or already resolved, the share whose asker "
    "accepted an answer within 30 days.",
    "Parmi les questions posées dans la période, il y a au moins 30 jours ou déjà résolues, la part dont l'auteur a "
    "accepté une réponse en 30 jours.",
    Measure.PERCENTAGE,
    _resolved_share,
    FORUM,
)
_register(
    "knowledge_developing_questions",
    "Forum questions from developing countries",
    "Questions du forum venant de pays en développement",
    "Counts the questions asked in the period by people of an organisation whose country is a developing country "
    "under the programme's rule; by UN M49 region.",
    "Compte les questions posées dans la période par des personnes d'une organisation dont le pays est un pays en "
    "développement selon la règle du programme ; par région M49 de l'ONU.",
    Measure.COUNT,
    _developing_questions,
    FORUM,
    additive=True,
)
_register(
    "knowledge_experts_answering",
    "Distinct experts answering in the standards forum",
    "Experts distincts ayant répondu dans le forum sur les normes",
    "Counts the distinct experts of the roster who answered at least one question in the period.",
    "Compte les experts distincts du fichier ayant répondu à au moins une question dans la période.",
    Measure.COUNT,
    _experts_answering,
    FORUM,
)
_register(
    "knowledge_developing_experts",
    "Active experts of the roster from developing countries",
    "Experts actifs du fichier venant de pays en développement",
    "Counts the experts whose profile is active (or awaiting its yearly update) with their consent, on the roster "
    "by the period's end, whose own country is a developing country under the programme's rule; by sex.",
    "Compte les experts dont le profil est actif (ou attend sa mise à jour annuelle) avec leur consentement, inscrits "
    "au fichier à la fin de la période, dont le pays est un pays en développement selon la règle du programme ; par "
    "sexe.",
    Measure.COUNT,
    _developing_experts,
    ROSTER,
)
_register(
    "knowledge_developing_experts_women_share",
    "Share of women among active experts from developing countries",
    "Part des femmes parmi les experts actifs venant de pays en développement",
    "Among the active experts from developing countries (as counted by the indicator of that name), the share of "
    "women.",
    "Parmi les experts actifs venant de pays en développement (comptés comme par l'indicateur de ce nom), la part de "
    "femmes.",
    Measure.PERCENTAGE,
    _developing_experts_women,
    ROSTER,
)
