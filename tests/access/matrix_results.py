"""Access table rows for a reporting round on a results framework (see matrix.py): a value's comment
thread, an indicator's narratives, generated periods and targets by disaggregation.

A value's thread is read and written by those concerned by it (its author, its organisation's reporters, the
programme's managers): 403 for others who see the value, 404 for those who do not. Narratives are written
by the programme's reporters and managers; periods and targets by disaggregation are the managers' (the
framework builder). The API's rows follow the pages' rules: a thread is 403 or 404 as its page is; narratives and
targets are read by whoever sees the programme, written by the same roles as on the pages."""

import re
from decimal import Decimal

from jalon.results import services
from jalon.results.models import DimensionValue, DisaggregatedTarget, MeasurementComment, Narrative, Period
from tests.access.matrix import EVERYONE, TEAM, Redirect, api, page, url


def _indicator(ctx) -> dict:
    return {"code": ctx.framework.programme.code, "pk": ctx.framework.indicator.pk}


def _narrative(ctx) -> dict:
    return {**_indicator(ctx), "period": ctx.framework.period.pk}


def _draft(ctx) -> dict:
    return {"pk": ctx.framework.draft.pk}


def _approved(ctx) -> dict:
    """A value the focal point reported for `nsb`, approved: public, its thread not."""

    def build(ctx):
        value = services.measurement_create(
            actor=ctx.users["focal"], indicator=ctx.framework.indicator, period=ctx.framework.period,
            organisation=ctx.nsb, value=Decimal(3), submit=True,
        )  # fmt: skip
        return services.measurement_review(actor=ctx.users["manager"], measurement=value, approve=True)

    return {"pk": ctx.once("approved", build).pk}


def _sex(ctx) -> DimensionValue:
    """A disaggregation by sex on the indicator, with its value "f"."""

    def build(ctx):
        programme, indicator = ctx.framework.programme, ctx.framework.indicator
        dimension = programme.dimensions.create(kind="sex", code="sex", name={"en": "Sex"})
        indicator.dimensions.add(dimension)
        return dimension.values.create(code="f", name={"en": "Women"})

    return ctx.once("sex-f", build)


def _targets(ctx) -> dict:
    _sex(ctx)
    return _indicator(ctx)


def _count(model):
    return lambda ctx: model.objects.count()


REPORTERS = TEAM | {"focal", "contributor"}
SEES_NSB_DRAFT = TEAM | {"focal", "contributor"}  # the draft is `nsb`'s, written by its focal point
INDICATOR_PAGE = Redirect(lambda ctx: re.escape(url("results:indicator_detail", **_indicator(ctx))), "the indicator")
THREAD = Redirect(lambda ctx: re.escape(url("results:measurement_comments", **_draft(ctx))), "the thread")
STRUCTURE = Redirect(
    lambda ctx: re.escape(url("results:framework_structure", code=ctx.framework.programme.code)), "the structure"
)

CASES = [
    page(
        "comment thread of nsb's approved value",
        "results:measurement_comments",
        SEES_NSB_DRAFT,
        kwargs=_approved,
    ),
    page(
        "comment thread of nsb's draft",
        "results:measurement_comments",
        SEES_NSB_DRAFT,
        kwargs=_draft,
        refused=(404,),
    ),
    page(
        "comment on nsb's draft",
        "results:measurement_comments",
        SEES_NSB_DRAFT,
        method="post",
        kwargs=_draft,
        data=lambda ctx: {"body": "Which attendance sheets?"},
        ok=THREAD,
        refused=(404,),
        effect=_count(MeasurementComment),
    ),
    page("narrative form", "results:narrative_edit", REPORTERS, kwargs=_narrative),
    page(
        "narrative write",
        "results:narrative_edit",
        REPORTERS,
        method="post",
        kwargs=_narrative,
        data=lambda ctx: {"achieved_en": "Two workshops held.", "variance_en": "", "next_steps_en": ""},
        ok=INDICATOR_PAGE,
        effect=_count(Narrative),
    ),
    page(
        "period generation form",
        "results:periods_generate",
        TEAM,
        kwargs=lambda ctx: {"code": ctx.framework.programme.code},
    ),
    page(
        "period generation",
        "results:periods_generate",
        TEAM,
        method="post",
        kwargs=lambda ctx: {"code": ctx.framework.programme.code},
        data=lambda ctx: {"frequency": "year"},
        ok=STRUCTURE,
        effect=_count(Period),
    ),
    page("targets by disaggregation form", "results:disaggregated_targets", TEAM, kwargs=_targets),
    page(
        "targets by disaggregation",
        "results:disaggregated_targets",
        TEAM,
        method="post",
        kwargs=_targets,
        data=lambda ctx: {f"t_{ctx.framework.period.pk}_{_sex(ctx).pk}": "4"},
        ok=INDICATOR_PAGE,
        effect=_count(DisaggregatedTarget),
    ),
    api(
        "API comment thread of nsb's approved value",
        "api:measurement-comments",
        SEES_NSB_DRAFT,
        kwargs=_approved,
    ),
    api(
        "API comment thread of nsb's draft",
        "api:measurement-comments",
        SEES_NSB_DRAFT,
        kwargs=_draft,
        refused=(404,),
        refused_anonymous=(404,),
    ),
    api(
        "API comment on nsb's draft",
        "api:measurement-comments",
        SEES_NSB_DRAFT,
        method="post",
        kwargs=_draft,
        data=lambda ctx: {"body": "Which attendance sheets?"},
        ok=201,
        refused=(404,),
        effect=_count(MeasurementComment),
    ),
    api("API narrative list", "api:narrative-list", EVERYONE),
    api(
        "API narrative write",
        "api:narrative-list",
        REPORTERS,
        method="post",
        data=lambda ctx: {
            "indicator": ctx.framework.indicator.pk,
            "period": ctx.framework.period.code,
            "achieved": {"en": "Two workshops held."},
        },
        ok=201,
        effect=_count(Narrative),
    ),
    api("API targets by disaggregation list", "api:disaggregated-target-list", EVERYONE),
    api(
        "API target by disaggregation",
        "api:disaggregated-target-list",
        TEAM,
        method="post",
        data=lambda ctx: {
            "indicator": ctx.framework.indicator.pk,
            "period": ctx.framework.period.code,
            "dimension_value": _sex(ctx).pk,
            "value": "4",
        },
        ok=201,
        effect=_count(DisaggregatedTarget),
    ),
]


# IATI import (issue 18): the programme's managers upload, preview, confirm and follow; others get 403 on the
# upload page of a programme they see, 404 for a job they may not follow.

IATI_FILE = (
    b'<iati-activities version="2.03"><iati-activity><iati-identifier>XM-TEST-1</iati-identifier>'
    b'<reporting-org ref="XM-TEST" type="40"><narrative>Test body</narrative></reporting-org>'
    b"</iati-activity></iati-activities>"
)
IATI_JOB = Redirect(lambda ctx: r"/fr/programmes/iati-imports/\d+/", "an IATI import job")


def _iati_upload(ctx) -> dict:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return {"file": SimpleUploadedFile("test.xml", IATI_FILE, content_type="application/xml")}


def _iati_preview(ctx) -> dict:
    def build(ctx):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from jalon.results.iati_import import iati_preview_start

        upload = SimpleUploadedFile("test.xml", IATI_FILE, content_type="application/xml")
        return iati_preview_start(actor=ctx.users["manager"], programme=ctx.framework.programme, upload=upload)

    return {"pk": ctx.once("iati-preview", build).pk}


def _iati_programmes_preview(ctx) -> dict:
    """A preview of a file whose activities would create programmes (no programme named): the manager's."""

    def build(ctx):
        from django.core.files.uploadedfile import SimpleUploadedFile

        from jalon.results.iati_import import iati_preview_start

        upload = SimpleUploadedFile("test.xml", IATI_FILE, content_type="application/xml")
        return iati_preview_start(actor=ctx.users["manager"], programme=None, upload=upload)

    return {"pk": ctx.once("iati-programmes-preview", build).pk}


def _jobs(ctx):
    from jalon.jobs.models import Job

    return Job.objects.count()


CASES += [
    page("IATI import page", "results:iati_import", TEAM, kwargs=lambda ctx: {"code": ctx.framework.programme.code}),
    page(
        "IATI import preview",
        "results:iati_import",
        TEAM,
        method="post",
        kwargs=lambda ctx: {"code": ctx.framework.programme.code},
        data=_iati_upload,
        ok=IATI_JOB,
        effect=_jobs,
    ),
    page(
        "IATI trusted publishers",
        "results:iati_import",
        TEAM,
        method="post",
        kwargs=lambda ctx: {"code": ctx.framework.programme.code},
        data=lambda ctx: {"publishers": "XM-TEST", "version": ctx.framework.programme.version},
        ok=Redirect(
            lambda ctx: re.escape(url("results:iati_import", code=ctx.framework.programme.code)), "the import page"
        ),
    ),
    page("IATI import job", "results:iati_import_job", TEAM, kwargs=_iati_preview, refused=(404,)),
    page(
        "IATI export",
        "results:iati_export",
        TEAM,
        method="post",
        kwargs=lambda ctx: {"code": ctx.framework.programme.code},
        ok=Redirect(lambda ctx: r"/fr/jobs/\d+/", "the export job"),
        effect=_jobs,
    ),
    page("IATI programmes import page", "results:iati_import_programmes", TEAM),
    page(
        "IATI programmes import preview",
        "results:iati_import_programmes",
        TEAM,
        method="post",
        data=_iati_upload,
        ok=IATI_JOB,
        effect=_jobs,
    ),
    page(
        "IATI programmes import job", "results:iati_import_job", TEAM, kwargs=_iati_programmes_preview, refused=(404,)
    ),
    page(
        "IATI programmes import confirmed",
        "results:iati_import_confirm",
        TEAM,
        method="post",
        kwargs=_iati_programmes_preview,
        data=lambda ctx: {},
        ok=IATI_JOB,
        refused=(404,),
        effect=_jobs,
    ),
    page(
        "IATI import confirmed",
        "results:iati_import_confirm",
        TEAM,
        method="post",
        kwargs=_iati_preview,
        data=lambda ctx: {},
        ok=IATI_JOB,
        refused=(404,),
        effect=_jobs,
    ),
]
