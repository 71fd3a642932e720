"""Reads of the resource library: the list with its filters (accent-blind search), a resource with its language
versions and sizes, the download totals per country (reach), and the downloads from developing countries."""

import datetime

from django.db.models import Count, Prefetch, QuerySet, Sum

from jalon.knowledge.access.library import resources_visible
from jalon.knowledge.models import DownloadCount, Resource, ResourceFile
from jalon.lib.multilingual import text_contains, text_in
from jalon.lib.search import any_contains
from jalon.reference.models import Country

FILES = Prefetch("files", queryset=ResourceFile.objects.select_related("language").order_by("language__code"))


def resources_list(*, user, query: str = "", type: str = "", language: str = "", ics: str = "") -> QuerySet[Resource]:
    queryset = resources_visible(user, Resource.objects.select_related("organisation")).prefetch_related(FILES)
    if query:
        queryset = queryset.filter(
            text_contains("title", query)
            | text_contains("description", query)
            | any_contains(query, "creator", "subject", "publisher")
        )
    if type:
        queryset = queryset.filter(type=type)
    if language:
        queryset = queryset.filter(files__language__code=language).distinct()
    if ics:
        queryset = queryset.filter(ics_codes__icontains=ics)
    return queryset.order_by("-created_at", "-pk")


def resource_page(resource: Resource) -> dict:
    """What a resource's page shows beyond the record: its files (with sizes), its links, its downloads by
    country."""
    files = list(resource.files.select_related("language").order_by("language__code"))
    by_country = list(
        DownloadCount.objects.filter(file__resource=resource)
        .order_by()
        .values("country__iso3")
        .annotate(total=Sum("count"))
        .order_by("-total", "country__iso3")
    )
    return {
        "files": files,
        "committees": list(resource.committees.order_by("reference")),
        "results": list(resource.results.select_related("programme").order_by("programme__code", "order")),
        "activities": list(resource.activities.order_by("-start_date")),
        "downloads": by_country,
        "downloads_total": sum(row["total"] for row in by_country),
    }


def downloads_from(*, countries: QuerySet[Country], start: datetime.date, end: datetime.date) -> int:
    """Downloads of published resources dated in the span from these countries."""
    found = DownloadCount.objects.filter(
        day__gte=start,
        day__lte=end,
        country__in=countries.values("pk"),
        file__resource__status=Resource.Status.PUBLISHED,
    ).aggregate(total=Sum("count"))["total"]
    return int(found or 0)


def languages_in_library(*, user) -> list[tuple[str, str]]:
    rows = (
        ResourceFile.objects.filter(resource__in=resources_visible(user).values("pk"))
        .order_by()
        .values("language__code", "language__name")
        .annotate(n=Count("pk"))
        .order_by("language__code")
    )
    return [(row["language__code"], text_in(row["language__name"])) for row in rows]
