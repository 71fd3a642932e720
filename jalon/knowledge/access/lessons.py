"""Who may see or change lessons learned and good practices.

- Anyone, signed in or not, reads published lessons.
- The programme team (programme managers, platform administrators) and viewers read every lesson; the team writes
  any, validates and publishes them.
- Focal points submit lessons for their organisation and edit them while they are drafts; focal points and
  contributors read their organisation's lessons in every state, and every validated lesson (they plan
  activities and proposals, to which validated lessons are offered).
- A lesson is cited on a proposal by who may write the proposal (finance's rule) and on an activity by who may
  manage the activity (activities' rule), among the lessons offered to them.
- The records a lesson names (its results, the activity, twinning arrangement or assessment it comes from, the
  proposals and activities that cite it) are each seen by whom their own app says: only those are offered when
  a lesson is written, on the page and through the API, and only those are shown with a lesson. A choice or a
  link is a name shown, and an id accepted for a record one may not see would tell that it exists."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from jalon.accounts.access import grants_for
from jalon.accounts.models import Role
from jalon.activities.access import activities_visible, activity_can_manage
from jalon.assessments.access import assessments_visible
from jalon.finance.access import finance_can_manage, proposals_visible
from jalon.knowledge.models import Lesson, LessonCitation
from jalon.lib.ids import valid_id
from jalon.organisations.models import Organisation
from jalon.results.access import programmes_visible
from jalon.results.models import Result
from jalon.twinning.access import arrangements_visible

# The foreign keys naming the record a lesson comes from.
LESSON_SOURCES = ("source_activity", "source_arrangement", "source_assessment")


def knowledge_is_team(user) -> bool:
    """The programme team acts as the secretariat of knowledge: it validates lessons, checks claims."""
    return grants_for(user).has(Role.PROGRAMME_MANAGER)


def knowledge_own_organisations(user) -> set[int]:
    """The organisations a user submits for: focal points for their own."""
    return grants_for(user).organisations(Role.FOCAL_POINT)


def knowledge_read_organisations(user) -> set[int]:
    return grants_for(user).organisations(Role.FOCAL_POINT, Role.CONTRIBUTOR)


def lessons_visible(user, queryset: QuerySet | None = None) -> QuerySet[Lesson]:
    queryset = Lesson.objects.all() if queryset is None else queryset
    grants = grants_for(user)
    if grants.has(Role.PROGRAMME_MANAGER, Role.VIEWER):
        return queryset
    condition = Q(status=Lesson.Status.PUBLISHED)
    own = knowledge_read_organisations(user)
    if own:
        condition |= Q(organisation_id__in=own) | Q(status=Lesson.Status.VALIDATED)
    return queryset.filter(condition)


def lessons_offered(user, queryset: QuerySet | None = None) -> QuerySet[Lesson]:
    """The lessons offered while writing a proposal or planning an activity: validated or published."""
    return lessons_visible(user, queryset).filter(status__in=Lesson.OFFERED)


def lesson_can_submit(user) -> bool:
    return knowledge_is_team(user) or bool(knowledge_own_organisations(user))


def lesson_can_submit_for(user, organisation: Organisation | None) -> bool:
    """The team submits for anyone (or for none: its own lessons); a focal point for its organisation."""
    if knowledge_is_team(user):
        return True
    return organisation is not None and organisation.pk in knowledge_own_organisations(user)


def lesson_can_edit(user, lesson: Lesson) -> bool:
    if knowledge_is_team(user):
        return True
    return lesson.status == Lesson.Status.DRAFT and lesson.organisation_id in knowledge_own_organisations(user)


def lesson_can_validate(user, lesson: Lesson | None = None) -> bool:
    return knowledge_is_team(user)


def lesson_can_cite_on_proposal(user, proposal) -> bool:
    return finance_can_manage(user, proposal.programme)


def lesson_can_cite_on_activity(user, activity) -> bool:
    return activity_can_manage(user, activity)


def lesson_organisation_choices(user) -> QuerySet[Organisation]:
    if knowledge_is_team(user):
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=knowledge_own_organisations(user))


def lesson_links_visible(user) -> dict[str, QuerySet]:
    """The records a user may link a lesson to, by field (the lesson form's and the API's choices): those the
    user sees in their own app. Any other id is refused as one that does not exist."""
    return {
        "results": Result.objects.filter(programme__in=programmes_visible(user)),
        "source_activity": activities_visible(user),
        "source_arrangement": arrangements_visible(user),
        "source_assessment": assessments_visible(user),
    }


def lesson_links_shown(user, lessons: Iterable[Lesson]) -> dict[str, set[int]]:
    """Of the records these lessons name, the ids of those the user may see, by field (as lesson_links_visible):
    a lesson shows its link to any other neither by name nor by id. One query a field, whatever the number of
    lessons."""
    lessons = list(lessons)
    named: dict[str, set[int]] = {name: set() for name in ("results", *LESSON_SOURCES)}
    for lesson in lessons:
        for name in LESSON_SOURCES:
            pk = getattr(lesson, f"{name}_id")
            if pk is not None:
                named[name].add(pk)
    if lessons:
        through = Lesson.results.through.objects.filter(lesson_id__in=[lesson.pk for lesson in lessons])
        named["results"].update(through.values_list("result_id", flat=True))
    visible = lesson_links_visible(user)
    return {
        name: set(visible[name].filter(pk__in=ids).values_list("pk", flat=True)) if ids else set()
        for name, ids in named.items()
    }


def citations_visible(user, queryset: QuerySet[LessonCitation]) -> QuerySet[LessonCitation]:
    """The citations of a lesson shown to a user: those on a proposal or an activity the user may see."""
    return queryset.filter(Q(proposal__in=proposals_visible(user)) | Q(activity__in=activities_visible(user)))


def access_lesson(user, pk, *, edit: bool = False) -> Lesson:
    """A lesson the user may see (404 otherwise); `edit`: one the user may change (403 otherwise)."""
    if not valid_id(pk):
        raise Http404
    lesson = lessons_visible(user, Lesson.objects.select_related("organisation")).filter(pk=pk).first()
    if lesson is None:
        raise Http404
    if edit and not lesson_can_edit(user, lesson):
        raise PermissionDenied
    return lesson
