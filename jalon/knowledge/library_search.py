"""What lessons, the library and the products database put in the knowledge search (jalon.knowledge.search):
a lesson and a resource once per language their title is written in, a conformity claim once. Published records
are public; a draft is for its organisation and the team (validated lessons too: the search never shows more
than the pages do). A claim is public only while it is in force: the dates decide, so the worker's every-minute
recovery takes out of the public index the claims whose end date has passed (`claims_expired_unindex`)."""

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jalon.knowledge import search
from jalon.knowledge.models import ConformityClaim, Lesson, Resource, SearchEntry
from jalon.lib.multilingual import text_in


def _private(organisation_id: int | None) -> dict:
    if organisation_id is None:
        return {"visibility": search.Visibility.TEAM}
    return {"visibility": search.Visibility.ORGANISATION, "organisation_id": organisation_id}


def _languages(*texts) -> list[str]:
    found = {language for text in texts for language, value in (text or {}).items() if value}
    return sorted(found) or ["en"]


def lesson_documents(lesson: Lesson) -> list[search.Document]:
    shown = {} if lesson.status == Lesson.Status.PUBLISHED else _private(lesson.organisation_id)
    facets = (("type", lesson.kind), ("state", lesson.status), *(("theme", theme) for theme in lesson.themes))
    countries = tuple(("country", country.iso3) for country in lesson.countries.all())
    return [
        search.Document(
            language=language,
            title=text_in(lesson.title, language),
            body=" ".join(
                [
                    text_in(getattr(lesson, name), language)
                    for name in ("description", "preconditions", "challenges", "success_factors", "replication")
                ]
                + list(lesson.themes)
            ),
            url=lesson.get_absolute_url(),
            facets=(*facets, *countries, ("language", language)),
            **shown,
        )
        for language in _languages(lesson.title, lesson.description)
    ]


def resource_documents(resource: Resource) -> list[search.Document]:
    shown = {} if resource.status == Resource.Status.PUBLISHED else _private(resource.organisation_id)
    facets = (("type", resource.type), *(("ics", code) for code in resource.ics_codes))
    return [
        search.Document(
            language=language,
            title=text_in(resource.title, language),
            body=" ".join(
                [text_in(resource.description, language), resource.creator, resource.subject, resource.publisher]
                + list(resource.standards)
                + list(resource.ics_codes)
            ),
            url=resource.get_absolute_url(),
            facets=(*facets, ("language", language)),
            **shown,
        )
        for language in _languages(resource.title, resource.description)
    ]


def _claim_live(claim: ConformityClaim) -> bool:
    return claim.status == ConformityClaim.Status.PUBLISHED and not claim.expired_on(timezone.localdate())


def claim_documents(claim: ConformityClaim) -> list[search.Document]:
    product = claim.product
    shown = {} if _claim_live(claim) else _private(product.organisation_id)
    manufacturer = product.manufacturer
    return [
        search.Document(
            language="",
            title=f"{product} · {claim.standard}",
            body=" ".join(
                [
                    product.category,
                    manufacturer.acronym,
                    text_in(manufacturer.name),
                    claim.edition,
                    claim.profile,
                    claim.laboratory.name if claim.laboratory else "",
                ]
            ),
            url=claim.get_absolute_url(),
            facets=(("basis", claim.basis), ("country", product.country.iso3)),
            **shown,
        )
    ]


LESSON = search.Kind(
    key="lesson",
    label=_("Lessons learned"),
    documents=lesson_documents,
    objects=lambda: Lesson.objects.prefetch_related("countries"),
)
RESOURCE = search.Kind(key="resource", label=_("Resources"), documents=resource_documents, objects=Resource.objects.all)
CLAIM = search.Kind(
    key="claim",
    label=_("Conforming products"),
    documents=claim_documents,
    objects=lambda: ConformityClaim.objects.select_related("product__manufacturer", "product__country", "laboratory"),
)
KINDS = (LESSON, RESOURCE, CLAIM)


def claims_expired_unindex() -> int:
    """The claims still public in the index whose end date has passed: indexed again (out of the public)."""
    today = timezone.localdate()
    public = SearchEntry.objects.filter(kind=CLAIM.key, visibility=search.Visibility.PUBLIC).values("object_id")
    due = CLAIM.objects().filter(pk__in=public).filter(Q(valid_until__lt=today) | ~Q(status="published"))
    count = 0
    for claim in due:
        search.index(CLAIM.key, claim)
        count += 1
    return count
