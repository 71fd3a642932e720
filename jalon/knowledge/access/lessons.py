"""Who may see or change lessons learned and good practices.

- Anyone, signed in or not, reads published lessons.
- The programme team (programme managers, platform administrators) and viewers read every lesson; the team writes
  any, validates and publishes them.
- Focal points submit lessons for their organisation and edit them while they are drafts; focal points and
  contributors read their organisation's lessons in every state, and every validated lesson (they plan
  activities and proposals, to which validated lessons are offered).
- A lesson is cited on a proposal by who may write the proposal (finance's rule) and on an activity by who may
  manage the activity (activities' rule), among the lessons offered to them."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from jalon.accounts.access import grants_for
from jalon.accounts.models import Role
from jalon.activities.access import activity_can_manage
from jalon.finance.access import finance_can_manage
from jalon.knowledge.models import Lesson
from jalon.lib.ids import valid_id
from jalon.organisations.models import Organisation


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
