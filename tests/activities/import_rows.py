"""Access table rows for participant imports (spliced into tests/access/matrix_activities.py)."""

import re

from django.core.files.uploadedfile import SimpleUploadedFile

from jalon.interop.models import ImportJob
from tests.access.matrix import EVERYONE, TEAM, Redirect, page, url
from tests.activities.import_files import workshop_create

# Those who manage an activity `nsb` organises: its focal point and contributor, and the programme team.
ORGANISERS = TEAM | {"focal", "contributor"}
# An import's page and report: whoever uploaded the file (here `nsb`'s focal point) and the programme team.
UPLOADER_AND_TEAM = TEAM | {"focal"}


def workshop(ctx):
    return ctx.once("import_workshop", lambda ctx: workshop_create(ctx.users["manager"], ctx.nsb, code="matrix-import"))


def workshop_code(ctx) -> dict:
    return {"code": workshop(ctx).code}


def job_build(ctx) -> ImportJob:
    return ImportJob.objects.create(
        kind=ImportJob.Kind.PARTICIPANTS,
        activity=workshop(ctx),
        file_name="participants.xlsx",
        status=ImportJob.Status.FAILED,
        message="The file has one problem.",
        errors=[{"row": 3, "column": "Email", "value": "x@", "message": "Not a valid email address."}],
        error_count=1,
        created_by=ctx.users["focal"],
    )


def job(ctx) -> dict:
    return {"pk": ctx.once("import_job", job_build).pk}


def report(ctx) -> dict:
    return {**job(ctx), "format": "csv"}


def upload(ctx) -> dict:
    workshop(ctx)
    content = b"Given name,Family name\nAwa,Diop\n"
    return {"file": SimpleUploadedFile("participants.csv", content, content_type="text/csv")}


def jobs_count(ctx) -> int:
    return ImportJob.objects.count()


JOB_PAGE = Redirect(
    lambda ctx: re.escape(url("activities:import_job", pk=999999)).replace("999999", r"\d+"), "the import's page"
)

ROWS = [
    page("participant import form", "activities:participant_import", ORGANISERS, kwargs=workshop_code),
    page(
        "participant import upload",
        "activities:participant_import",
        ORGANISERS,
        method="post",
        kwargs=workshop_code,
        data=upload,
        ok=JOB_PAGE,
        effect=jobs_count,
    ),
    # The generic template holds no data: anyone may download it.
    page(
        "import template",
        "activities:import_template",
        EVERYONE,
        kwargs=lambda ctx: {"language": "fr", "format": "xlsx"},
    ),
    # An activity's own template names its sessions: for those who may import into it.
    page(
        "import template of an activity",
        "activities:import_template",
        ORGANISERS,
        kwargs=lambda ctx: {"language": "en", "format": "csv"},
        data=lambda ctx: {"activity": workshop(ctx).code},
        refused_anonymous=(403,),
    ),
    page("import progress", "activities:import_job", UPLOADER_AND_TEAM, kwargs=job, refused=(404,)),
    page("import report", "activities:import_report", UPLOADER_AND_TEAM, kwargs=report, refused=(404,)),
]
