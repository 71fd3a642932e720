"""Access table rows for the committees API (included in tests/access/matrix_committees.py API_CASES).

Committees, memberships, events, roles, meetings and contributions are public; delegates (people) only for
the programme team and the focal point and contributor of the delegate's organisation (`nsb`)."""

import datetime

from jalon.committees.models import (
    Committee,
    CommitteeMembership,
    Contribution,
    LeadershipRole,
    Meeting,
    MeetingDelegate,
    ParticipationEvent,
)
from jalon.organisations.models import Person
from tests.access.matrix import EVERYONE, NSB_EDITORS, SEES_NSB_PEOPLE, TEAM, api

DAY = datetime.date(2025, 3, 10)


def committee(ctx) -> Committee:
    return ctx.once(
        "committee",
        lambda ctx: Committee.objects.create(
            body=Committee.Body.ISO,
            kind=Committee.Kind.TC,
            reference="ISO/TC 9990",
            title={"en": "Access table committee", "fr": "Comité de la table d'accès"},
            sort_key="ISO/TC 9990",
        ),
    )


def meeting(ctx) -> Meeting:
    return ctx.once(
        "meeting",
        lambda ctx: Meeting.objects.create(
            committee=committee(ctx), title={"en": "Plenary"}, start_date=DAY, end_date=DAY, city="Dakar"
        ),
    )


def person(ctx, organisation, key: str) -> Person:
    return ctx.once(
        key, lambda ctx: Person.objects.create(given_name="Table", family_name=key, organisation=organisation)
    )


def delegate(which: str):
    def build(ctx) -> MeetingDelegate:
        organisation = ctx.nsb if which == "nsb" else ctx.other_nsb
        return ctx.once(
            f"delegate_{which}",
            lambda ctx: MeetingDelegate.objects.create(
                meeting=meeting(ctx),
                person=person(ctx, organisation, f"delegate-{which}"),
                organisation=organisation,
            ),
        )

    return build


def contribution(ctx) -> Contribution:
    return ctx.once(
        "contribution",
        lambda ctx: Contribution.objects.create(
            meeting=meeting(ctx), organisation=ctx.nsb, title="Comments", submitted_on=DAY
        ),
    )


def role(ctx) -> LeadershipRole:
    return ctx.once(
        "role",
        lambda ctx: LeadershipRole.objects.create(
            committee=committee(ctx), role=LeadershipRole.Role.CHAIR, organisation=ctx.other_nsb
        ),
    )


def membership(ctx) -> CommitteeMembership:
    return ctx.once(
        "membership",
        lambda ctx: CommitteeMembership.objects.create(
            committee=committee(ctx), member=ctx.other_nsb, status=CommitteeMembership.Status.O
        ),
    )


def event(ctx) -> ParticipationEvent:
    return ctx.once(
        "event",
        lambda ctx: ParticipationEvent.objects.create(
            committee=committee(ctx), organisation=ctx.nsb, kind=ParticipationEvent.Kind.JOINED_P, date=DAY
        ),
    )


def pk(build):
    return lambda ctx: {"pk": build(ctx).pk}


def count(model):
    return lambda ctx: model.objects.count()


def field_of(build, name: str):
    return lambda ctx: getattr(type(build(ctx)).objects.get(pk=build(ctx).pk), name)


def exists(build):
    return lambda ctx: type(build(ctx)).objects.filter(pk=build(ctx).pk).exists()


def committee_body(ctx, **changes) -> dict:
    return {
        "body": "other",
        "kind": "tc",
        "reference": "REG/TC 1",
        "title": {"en": "Regional committee", "fr": "Comité régional"},
        **changes,
    }


ROWS = [
    # Committees: public; the programme team manages them; never deleted (disbanded instead).
    api("API committee list", "api:committee-list", EVERYONE),
    api("API committee detail", "api:committee-detail", EVERYONE, kwargs=pk(committee)),
    api(
        "API committee create",
        "api:committee-list",
        TEAM,
        method="post",
        ok=201,
        data=committee_body,
        effect=count(Committee),
    ),
    api(
        "API committee update",
        "api:committee-detail",
        TEAM,
        method="put",
        kwargs=pk(committee),
        data=lambda ctx: committee_body(ctx, body="iso", reference="ISO/TC 9990", title={"en": "Renamed"}),
        effect=field_of(committee, "title"),
    ),
    api(
        "API committee partial update",
        "api:committee-detail",
        TEAM,
        method="patch",
        kwargs=pk(committee),
        data=lambda ctx: {"status": "suspended"},
        effect=field_of(committee, "status"),
    ),
    # Memberships and events: public; memberships are set and ended by the programme team.
    api("API committee membership list", "api:committee-membership-list", EVERYONE),
    api("API committee membership detail", "api:committee-membership-detail", EVERYONE, kwargs=pk(membership)),
    api(
        "API committee membership set",
        "api:committee-membership-list",
        TEAM,
        method="post",
        ok=201,
        data=lambda ctx: {
            "committee": committee(ctx).pk,
            "member": ctx.nsb.pk,
            "status": "p",
            "on": "2025-01-01",
        },
        effect=count(CommitteeMembership),
    ),
    api(
        "API committee membership end",
        "api:committee-membership-end",
        TEAM,
        method="post",
        kwargs=pk(membership),
        data=lambda ctx: {"on": "2025-06-30"},
        effect=field_of(membership, "until"),
    ),
    api("API participation event list", "api:participation-event-list", EVERYONE),
    api("API participation event detail", "api:participation-event-detail", EVERYONE, kwargs=pk(event)),
    api("API participation measures", "api:participation-list", EVERYONE),
    # Leadership roles: public; managed by the programme team.
    api("API leadership role list", "api:leadership-role-list", EVERYONE),
    api("API leadership role detail", "api:leadership-role-detail", EVERYONE, kwargs=pk(role)),
    api(
        "API leadership role create",
        "api:leadership-role-list",
        TEAM,
        method="post",
        ok=201,
        data=lambda ctx: {"committee": committee(ctx).pk, "role": "convenor", "organisation": ctx.nsb.pk},
        effect=count(LeadershipRole),
    ),
    api(
        "API leadership role update",
        "api:leadership-role-detail",
        TEAM,
        method="put",
        kwargs=pk(role),
        data=lambda ctx: {
            "committee": committee(ctx).pk,
            "role": "vice_chair",
            "organisation": ctx.other_nsb.pk,
        },
        effect=field_of(role, "role"),
    ),
    api(
        "API leadership role partial update",
        "api:leadership-role-detail",
        TEAM,
        method="patch",
        kwargs=pk(role),
        data=lambda ctx: {"end_date": "2025-12-31"},
        effect=field_of(role, "end_date"),
    ),
    api(
        "API leadership role delete",
        "api:leadership-role-detail",
        TEAM,
        method="delete",
        kwargs=pk(role),
        ok=204,
        effect=exists(role),
    ),
    # Meetings: public (delegates inside only for those who may see them); managed by the programme team.
    api("API meeting list", "api:meeting-list", EVERYONE),
    api("API meeting detail", "api:meeting-detail", EVERYONE, kwargs=pk(meeting)),
    api(
        "API meeting create",
        "api:meeting-list",
        TEAM,
        method="post",
        ok=201,
        data=lambda ctx: {
            "committee": committee(ctx).pk,
            "title": {"en": "Plenary"},
            "start_date": "2025-09-01",
            "mode": "virtual",
        },
        effect=count(Meeting),
    ),
    api(
        "API meeting update",
        "api:meeting-detail",
        TEAM,
        method="put",
        kwargs=pk(meeting),
        data=lambda ctx: {
            "committee": committee(ctx).pk,
            "title": {"en": "Plenary"},
            "start_date": "2025-03-10",
            "end_date": "2025-03-12",
            "city": "Abidjan",
        },
        effect=field_of(meeting, "city"),
    ),
    api(
        "API meeting partial update",
        "api:meeting-detail",
        TEAM,
        method="patch",
        kwargs=pk(meeting),
        data=lambda ctx: {"city": "Nairobi"},
        effect=field_of(meeting, "city"),
    ),
    api(
        "API meeting delete",
        "api:meeting-detail",
        TEAM,
        method="delete",
        kwargs=pk(meeting),
        ok=204,
        effect=exists(meeting),
    ),
    # Delegates: people. The team sees all; nsb's focal point and contributor see nsb's; the focal point
    # registers and edits them.
    api("API meeting delegate list", "api:meeting-delegate-list", SEES_NSB_PEOPLE),
    api(
        "API meeting delegate detail of the focal point's organisation",
        "api:meeting-delegate-detail",
        SEES_NSB_PEOPLE,
        kwargs=pk(delegate("nsb")),
    ),
    api(
        "API meeting delegate detail of another organisation",
        "api:meeting-delegate-detail",
        TEAM,
        kwargs=pk(delegate("other")),
        refused_as={"focal": (404,), "contributor": (404,)},
    ),
    api(
        "API meeting delegate register for the focal point's organisation",
        "api:meeting-delegate-list",
        NSB_EDITORS,
        method="post",
        ok=201,
        data=lambda ctx: {"meeting": meeting(ctx).pk, "person": person(ctx, ctx.nsb, "new-delegate").pk},
        effect=count(MeetingDelegate),
    ),
    api(
        "API meeting delegate register for another organisation",
        "api:meeting-delegate-list",
        TEAM,
        method="post",
        ok=201,
        data=lambda ctx: {"meeting": meeting(ctx).pk, "person": person(ctx, ctx.other_nsb, "other-new").pk},
        effect=count(MeetingDelegate),
    ),
    api(
        "API meeting delegate update",
        "api:meeting-delegate-detail",
        NSB_EDITORS,
        method="put",
        kwargs=pk(delegate("nsb")),
        data=lambda ctx: {"meeting": meeting(ctx).pk, "person": delegate("nsb")(ctx).person_id, "role": "head"},
        effect=field_of(delegate("nsb"), "role"),
    ),
    api(
        "API meeting delegate marked present",
        "api:meeting-delegate-detail",
        NSB_EDITORS,
        method="patch",
        kwargs=pk(delegate("nsb")),
        data=lambda ctx: {"present": True},
        effect=field_of(delegate("nsb"), "present"),
    ),
    api(
        "API meeting delegate removal",
        "api:meeting-delegate-detail",
        NSB_EDITORS,
        method="delete",
        kwargs=pk(delegate("nsb")),
        ok=204,
        effect=exists(delegate("nsb")),
    ),
    # Contributions: public; the focal point submits its organisation's.
    api("API contribution list", "api:contribution-list", EVERYONE),
    api("API contribution detail", "api:contribution-detail", EVERYONE, kwargs=pk(contribution)),
    api(
        "API contribution create for the focal point's organisation",
        "api:contribution-list",
        NSB_EDITORS,
        method="post",
        ok=201,
        data=lambda ctx: {
            "meeting": meeting(ctx).pk,
            "organisation": ctx.nsb.pk,
            "title": "Position paper",
            "submitted_on": "2025-03-01",
        },
        effect=count(Contribution),
    ),
    api(
        "API contribution create for another organisation",
        "api:contribution-list",
        TEAM,
        method="post",
        ok=201,
        data=lambda ctx: {
            "meeting": meeting(ctx).pk,
            "organisation": ctx.other_nsb.pk,
            "title": "Position paper",
            "submitted_on": "2025-03-01",
        },
        effect=count(Contribution),
    ),
    api(
        "API contribution update",
        "api:contribution-detail",
        NSB_EDITORS,
        method="put",
        kwargs=pk(contribution),
        data=lambda ctx: {
            "meeting": meeting(ctx).pk,
            "organisation": ctx.nsb.pk,
            "title": "Revised comments",
            "submitted_on": "2025-03-01",
        },
        effect=field_of(contribution, "title"),
    ),
    api(
        "API contribution partial update",
        "api:contribution-detail",
        NSB_EDITORS,
        method="patch",
        kwargs=pk(contribution),
        data=lambda ctx: {"document_reference": "N 42"},
        effect=field_of(contribution, "document_reference"),
    ),
    api(
        "API contribution delete",
        "api:contribution-detail",
        NSB_EDITORS,
        method="delete",
        kwargs=pk(contribution),
        ok=204,
        effect=exists(contribution),
    ),
]
