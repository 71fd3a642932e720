"""Access table rows for report runs (see matrix.py). A programme's reports (its runs, their progress and
files) are read by its managers and viewers and the platform administrators; for anybody else they do not
exist (404), even on a published programme. The managers start runs (a viewer: 403)."""

from django.core.files.base import ContentFile

from jalon.reporting.models import ReportFile, ReportRun, ReportSection
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
        kwargs=lambda ctx: {**run_kwargs(ctx), "language": "fr", "format": "pdf"},
        refused_as=HIDDEN,
    ),
]


def _section_kwargs(ctx) -> dict:
    result = ctx.framework.indicator.result
    return {"code": "open", "period": ctx.framework.period.code, "result": result.pk, "language": "fr"}


def _section(ctx) -> ReportSection:
    def build(ctx):
        return ReportSection.objects.create(
            result=ctx.framework.indicator.result, period=ctx.framework.period, language="fr", achieved="Fait."
        )

    return ctx.once("report-section", build)


WRITERS_REFUSED = {**HIDDEN, "viewer": (403,)}

CASES += [
    page(
        "reports: the narrative sections",
        "reporting:sections",
        SEES_UNPUBLISHED,
        kwargs=lambda ctx: {"code": ctx.framework.programme.code},
        refused_as=HIDDEN,
    ),
    page(
        "reports: a narrative section's form",
        "reporting:section_edit",
        TEAM,
        kwargs=_section_kwargs,
        refused_as=WRITERS_REFUSED,
    ),
    page(
        "reports: write a narrative section",
        "reporting:section_edit",
        TEAM,
        method="post",
        kwargs=_section_kwargs,
        data=lambda ctx: {"achieved": "Atteint.", "reasons": "", "next_steps": ""},
        ok=Redirect(lambda ctx: url("reporting:section_edit", **_section_kwargs(ctx)), "the section"),
        refused_as=WRITERS_REFUSED,
        effect=lambda ctx: ReportSection.objects.filter(achieved="Atteint.").count(),
    ),
    page(
        "reports: submit a narrative section",
        "reporting:section_move",
        TEAM,
        method="post",
        kwargs=lambda ctx: {**_section_kwargs(ctx), "result": _section(ctx).result_id},
        data=lambda ctx: {"step": "submit", "version": _section(ctx).version},
        ok=Redirect(lambda ctx: url("reporting:section_edit", **_section_kwargs(ctx)), "the section"),
        refused_as=WRITERS_REFUSED,
        effect=lambda ctx: ReportSection.objects.get(pk=_section(ctx).pk).status,
    ),
]

CASES += [
    # The portfolio: every signed-in user gets the page, listing only the programmes whose reports they read
    # (tests/reporting/test_dashboards.py checks which).
    page("dashboards: the portfolio", "reporting:portfolio", SIGNED_IN),
    page(
        "dashboards: a programme's dashboard",
        "reporting:dashboard",
        SEES_UNPUBLISHED,
        kwargs=lambda ctx: {"code": ctx.framework.programme.code},
        refused_as=HIDDEN,
    ),
]
