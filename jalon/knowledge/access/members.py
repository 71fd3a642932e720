"""Who is a member, for what knowledge keeps "for members" (a forum question, an expert profile, their
entries in the search).

A member is a person of the standards community the platform serves, not anyone who made an account: someone
acting for an organisation (as its focal point or contributor, or through their expert profile's organisation)
that holds a current membership of a standards body (organisations' `Membership`: ISO member bodies, ITU
Member States and Sector Members, ILO constituents...), or that is such a body itself (its secretariat). A
membership is current when it has begun (or has no start date) and has not ended. The programme team is not
decided here: each part's access lets it see everything it moderates.

Everything is a subquery, so a list filtered by membership costs no query more than the list itself."""

import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet

from jalon.accounts.access import grants_for
from jalon.accounts.models import ORGANISATION_ROLES, RoleAssignment
from jalon.organisations.models import Membership, Organisation


def _current(day: datetime.date) -> Q:
    return (Q(start_date__isnull=True) | Q(start_date__lte=day)) & (Q(end_date__isnull=True) | Q(end_date__gte=day))


def _member_organisations(day: datetime.date) -> QuerySet:
    """The ids of the organisations that make their people members: current members of a body, and bodies."""
    members = Membership.objects.filter(_current(day))
    return Organisation.objects.filter(Q(pk__in=members.values("member_id")) | Q(pk__in=members.values("body_id")))


def _user_organisations(user) -> QuerySet:
    """The ids of the organisations a signed-in user acts for (roles) or belongs to (their expert profile)."""
    acting = grants_for(user).organisations(*ORGANISATION_ROLES)
    return Organisation.objects.filter(Q(pk__in=acting) | Q(people__expert__user_id=user.pk)).values("pk")


def is_member_condition(user, *, day: datetime.date) -> Q:
    """A condition true on every row when `user` is a member, false on every row otherwise (also anonymous)."""
    if not grants_for(user).authenticated:
        return Q(pk__in=[])
    return Q(Exists(_member_organisations(day).filter(pk__in=_user_organisations(user))))


def user_is_member(user, *, day: datetime.date) -> bool:
    if not grants_for(user).authenticated:
        return False
    return _member_organisations(day).filter(pk__in=_user_organisations(user)).exists()


def experts_members(queryset: QuerySet, *, day: datetime.date) -> QuerySet:
    """The experts of `queryset` who are members: so that what is kept for members (a routed question, its
    e-mail) never goes to someone who could not read it."""
    organisations = _member_organisations(day).values("pk")
    acting = RoleAssignment.objects.filter(
        user_id=OuterRef("user_id"), role__in=ORGANISATION_ROLES, organisation_id__in=organisations
    )
    return queryset.filter(Q(person__organisation_id__in=organisations) | Q(Exists(acting)))
