"""Access table rows for report runs (see matrix.py). A programme's reports (its runs, their progress and
files) are read by its managers and viewers and the platform administrators; for anybody else they do not
exist (404), even on a published programme. The managers start runs (a viewer: 403)."""

from django.core.files.base import ContentFile

from jalon.reporting.models import ReportFile, ReportRun
from tests.access.matrix import SEES_UNPUBLISHED, SIGNED_IN, TEAM, Redirect, page, url

HIDDEN = dict.fromkeys(SIGNED_IN - SEES_UNPUBLISHED, (404,))


def _run(ctx) -> ReportRun:
    def build(ctx):
        run = ReportRun.objects.create(
            programme=ctx.framework.hidden_programme,
            language="fr",
            as_of="2026-06-30T12:00:00Z",
            status=ReportRun.Status.READY,
            created_by=ctx.users["manager"],
        )
        found = ReportFile(run=run, language="fr", name="report-fr.pdf", checksum="0" * 64, size=9)
        found.file.save("report-fr.pdf", ContentFile(b"%PDF-1.7\n"), save=False)
        found.save()
        return run

    return ctx.once("report-run", build)


def run_kwargs(ctx) -> dict:
    return {"code": "closed", "pk": _run(ctx).pk}


CASES = [
    page("reports: programmes", "reporting:index", SIGNED_IN),
    page(
        "reports: a programme's runs",
        "reporting:reports",
        SEES_UNPUBLISHED,
        kwargs=lambda ctx: {"code": ctx.framework.programme.code},
        refused_as=HIDDEN,
    ),
    page(
        "reports: start a run",
        "reporting:run_start",
        TEAM,
        method="post",
        kwargs=lambda ctx: {"code": ctx.framework.programme.code},
        data=lambda ctx: {"kind": "annual", "language": "en"},
        ok=Redirect(lambda ctx: url("reporting:run_detail", code="open", pk=0)[:-2] + r"\d+/", "the run's page"),
        refused_as={**HIDDEN, "viewer": (403,)},
        effect=lambda ctx: ReportRun.objects.filter(programme__code="open").count(),
    ),
    page(
        "reports: a run's progress and files",
        "reporting:run_detail",
        SEES_UNPUBLISHED,
        kwargs=run_kwargs,
        refused_as=HIDDEN,
    ),
    page(
        "reports: a run's file",
        "reporting:run_file",
        SEES_UNPUBLISHED,
        kwargs=lambda ctx: {**run_kwargs(ctx), "language": "fr"},
        refused_as=HIDDEN,
    ),
]
