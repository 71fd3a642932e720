"""Who may open the committee pages and post their forms: the rows of the access table
(tests/access/matrix_committees.py PAGE_CASES), and the refusals a form must make beyond the table.

Committee pages are public; the programme team manages committees, members, roles and meetings; the focal
point of `nsb` registers its own delegates and contributions and edits its own delegates. The programme team
imports the ISO committee file; an import job is seen by its owner (the manager) and the administrators."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from jalon.committees.iso_import import ISO_COMMITTEES_FILE, JOB_KIND
from jalon.committees.models import (
    Committee,
    CommitteeMembership,
    Contribution,
    LeadershipRole,
    Meeting,
    MeetingDelegate,
)
from jalon.jobs.models import Job
from tests.access.matrix import EVERYONE, NSB_EDITORS, SIGNED_IN, TEAM, Redirect, page, url
from tests.committees.api_rows import committee, delegate, meeting, person, pk, role


def count(model):
    return lambda ctx: model.objects.count()


def value_of(build, field: str):
    return lambda ctx: type(build(ctx)).objects.filter(pk=build(ctx).pk).values_list(field, flat=True).get()


def committee_page(ctx) -> str:
    return re.escape(url("committees:committee_detail", pk=committee(ctx).pk))


COMMITTEE_PAGE = Redirect(committee_page, "the committee's page")
NEW_COMMITTEE_PAGE = Redirect(lambda ctx: re.escape(url("committees:committee_list")) + r"\d+/", "the new page")


def committee_form(ctx, **changes) -> dict:
    return {
        "body": "other",
        "kind": "tc",
        "reference": "ARSO/TC 1",
        "title_en": "Regional committee",
        "title_fr": "Comité régional",
        "status": "active",
        **changes,
    }


def meeting_form(ctx, **changes) -> dict:
    return {"title_en": "Plenary", "start_date": "2025-05-01", "mode": "virtual", **changes}


def new_person(ctx):
    return person(ctx, ctx.nsb, "delegate-new")


def iso_import_job(ctx) -> Job:
    """An ISO committee import the manager started, done: its page shows what it changed."""
    return ctx.once(
        "iso-import-job",
        lambda ctx: Job.objects.create(
            kind=JOB_KIND,
            owner=ctx.users["manager"],
            status=Job.Status.SUCCEEDED,
            params={"as_of": "2026-05-01"},
            upload_name="iso_technical_committees.csv",
            result={"summary": {"rows": 1, "committees_created": 1, "baseline": True}},
        ),
    )


def iso_jobs(ctx) -> int:
    return Job.objects.filter(kind=JOB_KIND).count()


# A file with the header alone: the job starts, and is refused at once without touching a committee.
ISO_HEADER_ONLY = ISO_COMMITTEES_FILE.read_bytes().split(b"\n", 1)[0] + b"\n"
ISO_JOB_HIDDEN = dict.fromkeys(SIGNED_IN - TEAM, (404,))


ROWS = [
    # Public pages.
    page("committee list", "committees:committee_list", EVERYONE),
    page("committee page", "committees:committee_detail", EVERYONE, kwargs=pk(committee)),
    page("participation overview", "committees:participation_overview", EVERYONE),
    page("country participation profile", "committees:country_profile", EVERYONE, kwargs=lambda ctx: {"iso3": "SEN"}),
    page("member participation profile", "committees:member_profile", EVERYONE, kwargs=lambda ctx: {"pk": ctx.nsb.pk}),
    # Committees, members, roles and meetings by hand: the programme team.
    page("committee create form", "committees:committee_create", TEAM),
    page(
        "committee create",
        "committees:committee_create",
        TEAM,
        method="post",
        data=committee_form,
        ok=NEW_COMMITTEE_PAGE,
        effect=count(Committee),
    ),
    page("committee edit form", "committees:committee_edit", TEAM, kwargs=pk(committee)),
    page(
        "committee edit",
        "committees:committee_edit",
        TEAM,
        method="post",
        kwargs=pk(committee),
        data=lambda ctx: committee_form(
            ctx, body="iso", reference=committee(ctx).reference, title_en="Renamed", version=committee(ctx).version
        ),
        ok=COMMITTEE_PAGE,
        effect=value_of(committee, "title"),
    ),
    page("membership change form", "committees:membership_change", TEAM, kwargs=pk(committee)),
    page(
        "membership change",
        "committees:membership_change",
        TEAM,
        method="post",
        kwargs=pk(committee),
        data=lambda ctx: {"member": ctx.other_nsb.acronym, "status": "p", "on": "2025-02-01"},
        ok=COMMITTEE_PAGE,
        effect=count(CommitteeMembership),
    ),
    page("leadership role create form", "committees:role_create", TEAM, kwargs=pk(committee)),
    page(
        "leadership role create",
        "committees:role_create",
        TEAM,
        method="post",
        kwargs=pk(committee),
        data=lambda ctx: {"role": "chair", "organisation": ctx.nsb.acronym},
        ok=COMMITTEE_PAGE,
        effect=count(LeadershipRole),
    ),
    page("leadership role edit form", "committees:role_edit", TEAM, kwargs=pk(role)),
    page(
        "leadership role edit",
        "committees:role_edit",
        TEAM,
        method="post",
        kwargs=pk(role),
        data=lambda ctx: {
            "role": "vice_chair",
            "organisation": ctx.nsb.acronym,
            "end_date": "2025-12-31",
            "version": role(ctx).version,
        },
        ok=COMMITTEE_PAGE,
        effect=value_of(role, "role"),
    ),
    page("meeting create form", "committees:meeting_create", TEAM, kwargs=pk(committee)),
    page(
        "meeting create",
        "committees:meeting_create",
        TEAM,
        method="post",
        kwargs=pk(committee),
        data=meeting_form,
        ok=COMMITTEE_PAGE,
        effect=count(Meeting),
    ),
    page("meeting edit form", "committees:meeting_edit", TEAM, kwargs=pk(meeting)),
    page(
        "meeting edit",
        "committees:meeting_edit",
        TEAM,
        method="post",
        kwargs=pk(meeting),
        data=lambda ctx: meeting_form(ctx, title_en="Renamed plenary", version=meeting(ctx).version),
        ok=COMMITTEE_PAGE,
        effect=value_of(meeting, "title"),
    ),
    # The ISO committee file: imported by those who manage committees; the job followed by its owner and the
    # administrators (another person's job does not exist for them).
    page("ISO committee import page", "committees:iso_import", TEAM),
    page(
        "ISO committee import upload",
        "committees:iso_import",
        TEAM,
        method="post",
        data=lambda ctx: {"file": SimpleUploadedFile("iso.csv", ISO_HEADER_ONLY), "as_of": "2026-05-01"},
        ok=Redirect(lambda ctx: re.escape(url("committees:committee_list")) + r"imports/iso/\d+/", "the job's page"),
        effect=iso_jobs,
    ),
    page(
        "ISO committee import job page",
        "committees:iso_import_job",
        TEAM,
        kwargs=pk(iso_import_job),
        refused_as=ISO_JOB_HIDDEN,
    ),
    # Delegates and contributions: the team, and the focal point for its own organisation.
    page("delegate register form", "committees:delegate_create", NSB_EDITORS, kwargs=pk(meeting)),
    page(
        "delegate register for the focal point's own organisation",
        "committees:delegate_create",
        NSB_EDITORS,
        method="post",
        kwargs=pk(meeting),
        data=lambda ctx: {"person": str(new_person(ctx)), "role": "delegate"},
        ok=COMMITTEE_PAGE,
        effect=count(MeetingDelegate),
    ),
    page(
        "delegate edit form of the focal point's own delegate",
        "committees:delegate_edit",
        NSB_EDITORS,
        kwargs=pk(delegate("nsb")),
        refused=(403, 404),
    ),
    page(
        "delegate edit of the focal point's own delegate",
        "committees:delegate_edit",
        NSB_EDITORS,
        method="post",
        kwargs=pk(delegate("nsb")),
        data=lambda ctx: {"role": "head", "version": delegate("nsb")(ctx).version},
        ok=COMMITTEE_PAGE,
        effect=value_of(delegate("nsb"), "role"),
        refused=(403, 404),
    ),
    page(
        "delegate edit form of another organisation's delegate",
        "committees:delegate_edit",
        TEAM,
        kwargs=pk(delegate("other")),
        refused=(403, 404),
    ),
    page("contribution form", "committees:contribution_create", NSB_EDITORS, kwargs=pk(meeting)),
    page(
        "contribution of the focal point's own organisation",
        "committees:contribution_create",
        NSB_EDITORS,
        method="post",
        kwargs=pk(meeting),
        data=lambda ctx: {"organisation": ctx.nsb.pk, "title": "Comments", "submitted_on": "2025-03-10"},
        ok=COMMITTEE_PAGE,
        effect=count(Contribution),
    ),
]


def page_url(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


@pytest.fixture
def meeting_of_record(users):
    tc = Committee.objects.create(body="iso", kind="tc", reference="ISO/TC 9991", title={"en": "T"}, sort_key="x")
    day = datetime.date(2025, 3, 10)
    return Meeting.objects.create(committee=tc, title={"en": "Plenary"}, start_date=day, end_date=day, city="Nairobi")


def test_a_focal_point_cannot_register_another_organisations_delegate(client_as, meeting_of_record, other_nsb):
    from jalon.organisations.models import Person

    Person.objects.create(given_name="Other", family_name="Delegate", organisation=other_nsb)
    client = client_as("focal")
    response = client.post(
        page_url("committees:delegate_create", pk=meeting_of_record.pk),
        {"person": "Other Delegate", "role": "delegate"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["person"]
    response = client.post(
        page_url("committees:delegate_create", pk=meeting_of_record.pk),
        {"person": str(Person.objects.create(given_name="A", family_name="B", organisation=None)), "role": "delegate"},
    )
    assert response.context["form"].errors["person"]
    assert not MeetingDelegate.objects.exists()


def test_a_focal_point_cannot_record_another_organisations_contribution(client_as, meeting_of_record, other_nsb):
    response = client_as("focal").post(
        page_url("committees:contribution_create", pk=meeting_of_record.pk),
        {"organisation": other_nsb.pk, "title": "Not ours", "submitted_on": "2025-03-10"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["organisation"]
    assert not Contribution.objects.exists()
