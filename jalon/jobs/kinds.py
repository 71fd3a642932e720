"""The kinds of job, registered by the apps that own them from AppConfig.ready(): what runs, who besides
the owner may follow it, and which page shows it. jalon.jobs imports no domain app."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from jalon.jobs.models import Job


@dataclass(frozen=True)
class JobKind:
    name: str
    # Lazy (gettext_lazy): shown in the language of whoever reads it.
    label: "StrOrPromise"
    # The django-tasks task that runs a job of this kind: task(job_id).
    task: object
    # Who may follow a job besides its owner and the platform administrators: (user, queryset) -> the jobs
    # of the queryset they see (set-based, for lists). None: nobody else.
    visible: Callable[[object, QuerySet], QuerySet] | None = None
    # The page that shows a job of this kind (its progress and its result), if not the generic one.
    url: "Callable[[Job], str] | None" = None


KINDS: dict[str, JobKind] = {}


def register(kind: JobKind) -> None:
    KINDS[kind.name] = kind


def kind_of(name: str) -> JobKind | None:
    return KINDS.get(name)
