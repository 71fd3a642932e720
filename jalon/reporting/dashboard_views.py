"""The dashboards (in the "reporting" namespace): a programme's, and the portfolio of the programmes a user
reads; server-rendered SVG with a table beside each chart, filters in the query string, access in
jalon/reporting/access.py (the programme's managers and viewers, the administrators)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from jalon.lib.multilingual import text_in
from jalon.reporting import access, dashboards
from jalon.reporting.charts import FILLS
from jalon.reporting.forms import DashboardFilterForm, PortfolioFilterForm
from jalon.results.progress import STATUS_LABELS
from jalon.web.charts import Segment, Stack, stacked_chart
from jalon.web.listing import valid_filters


def _segments() -> list[Segment]:
    return [Segment(str(status), str(label), FILLS[str(status)]) for status, label in STATUS_LABELS.items()]


def _chart(rows: list[dashboards.StatusRow], *, title: str, ident: str) -> SafeString:
    return stacked_chart([Stack(row.label, row.counts) for row in rows], segments=_segments(), title=title, ident=ident)


def _table(rows: list[dashboards.StatusRow]) -> dict:
    """The chart's table: a column per status that some row has, a row per bar."""
    shown = [status for status in STATUS_LABELS if any(row.counts.get(status) for row in rows)]
    return {
        "statuses": [STATUS_LABELS[status] for status in shown],
        "rows": [(row.label, [row.counts.get(status, 0) for status in shown], row.total) for row in rows],
    }


@login_required
def programme_dashboard(request: HttpRequest, code: str) -> HttpResponse:
    programme = access.access_dashboard_programme(request.user, code)
    summary = dashboards.summaries([programme])[programme.pk]
    periods = list(zip(summary.period_codes, (row.label for row in summary.by_period), strict=True))
    form = DashboardFilterForm(request.GET or None, periods=periods)
    board = dashboards.programme_dashboard(programme, period=valid_filters(form).get("period", ""), summary=summary)
    labels = dict(periods)
    return render(
        request,
        "reporting/dashboard.html",
        {
            "programme": programme,
            "form": form,
            "board": board,
            "period_label": labels.get(board.period, ""),
            "previous_label": labels.get(board.previous, ""),
            "status_labels": {str(status): label for status, label in STATUS_LABELS.items()},
            "by_level": _chart(summary.by_level, title=_("Indicators by level and status"), ident="levels"),
            "by_level_table": _table(summary.by_level),
            "by_period": _chart(summary.by_period, title=_("Indicators by period and status"), ident="periods"),
            "by_period_table": _table(summary.by_period),
        },
    )


@login_required
def portfolio(request: HttpRequest) -> HttpResponse:
    programmes = access.dashboards_visible(request.user)
    rows = dashboards.portfolio(programmes)
    owners = sorted(
        {(str(row.programme.owner_id), str(row.programme.owner)) for row in rows}, key=lambda pair: pair[1].lower()
    )
    statuses = [(str(status), str(label)) for status, label in STATUS_LABELS.items()]
    form = PortfolioFilterForm(request.GET or None, owners=owners, statuses=statuses)
    filters = valid_filters(form)
    if filters.get("owner"):
        rows = [row for row in rows if str(row.programme.owner_id) == filters["owner"]]
    if filters.get("status"):
        rows = [row for row in rows if row.summary.overall.get(filters["status"])]
    overall = [
        dashboards.StatusRow(text_in(row.programme.title) or row.programme.code, row.summary.overall) for row in rows
    ]
    return render(
        request,
        "reporting/portfolio.html",
        {
            "form": form,
            "rows": rows,
            "chart": _chart(overall, title=_("Indicators of each programme by status"), ident="portfolio")
            if rows
            else "",
            "table": _table(overall),
        },
    )
