"""Access table rows for the activities' background jobs, participant imports and certificate batches (spliced
into tests/access/matrix_activities.py)."""

import re

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from jalon.activities.services import registration_complete, registration_create
from jalon.jobs.models import Job
from jalon.organisations.models import Person
from tests.access.matrix import EVERYONE, TEAM, Redirect, page, url
from tests.activities.import_files import workshop_create

# Those who manage an activity `nsb` organises: its focal point and contributor, and the programme team. They
# import its participants and follow its imports (its team's, whoever uploaded the file).
ORGANISERS = TEAM | {"focal", "contributor"}


def workshop(ctx):
    return ctx.once("import_workshop", lambda ctx: workshop_create(ctx.users["manager"], ctx.nsb, code="matrix-import"))


def workshop_code(ctx) -> dict:
    return {"code": workshop(ctx).code}


def job_build(ctx) -> Job:
    return Job.objects.create(
        kind="participants",
        subject_id=workshop(ctx).pk,
        upload_name="participants.xlsx",
        status=Job.Status.FAILED,
        message="The file has one problem.",
        result={
            "errors": [{"row": 3, "column": "Email", "value": "x@", "message": "Not a valid email address."}],
            "error_count": 1,
            "rows": 1,
        },
        owner=ctx.users["focal"],
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
    return Job.objects.filter(kind="participants").count()


def completed_workshop(ctx) -> dict:
    """The workshop, with one participant who completed it (a certificate to make)."""

    def build(ctx):
        person = Person.objects.create(given_name="Awa", family_name="Diop", organisation=ctx.nsb)
        registration = registration_create(actor=None, activity=workshop(ctx), person=person)
        registration_complete(actor=None, registration=registration)
        return workshop(ctx)

    return {"code": ctx.once("completed_workshop", build).code}


def certificates_job(ctx) -> dict:
    """A certificate batch the focal point asked for, done, with its ZIP."""

    def build(ctx):
        job = Job.objects.create(
            kind="certificates", subject_id=workshop(ctx).pk, owner=ctx.users["focal"], status=Job.Status.SUCCEEDED
        )
        job.result_file.save("certificates.zip", ContentFile(b"PK\x05\x06" + b"\0" * 18), save=False)
        job.result_name = "certificates-matrix-import.zip"
        job.save()
        return job

    return {"pk": ctx.once("certificates_job", build).pk}


def certificate_jobs_count(ctx) -> int:
    return Job.objects.filter(kind="certificates").count()


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
    # A participant import is followed by the activity's team, whoever uploaded the file; for anyone else it
    # does not exist (404).
    page("import progress", "activities:import_job", ORGANISERS, kwargs=job, refused=(404,)),
    page("import report", "activities:import_report", ORGANISERS, kwargs=report, refused=(404,)),
    # All the certificates of an activity, as one ZIP made in the background: asked for by its organisers,
    # followed (and the file downloaded) by its team.
    page(
        "all certificates (ZIP) of an activity",
        "activities:certificates_batch",
        ORGANISERS,
        method="post",
        kwargs=completed_workshop,
        data=lambda ctx: {},
        ok=Redirect(lambda ctx: re.escape(url("jobs:job_list")) + r"\d+/", "the job's page"),
        effect=certificate_jobs_count,
    ),
    page("certificate batch's page", "jobs:job_detail", ORGANISERS, kwargs=certificates_job, refused=(404,)),
    page("certificate batch's ZIP", "jobs:job_file", ORGANISERS, kwargs=certificates_job, refused=(404,)),
]
