"""The indicator tracking table of a programme (in the "results" namespace: results:tracking,
results:tracking_csv, results:tracking_xlsx)."""

from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from jalon.reporting.forms import TrackingFilterForm
from jalon.reporting.tracking import tracking_csv, tracking_table, tracking_xlsx
from jalon.results import access
from jalon.results.progress import STATUS_LABELS
from jalon.results.progress_cache import progress_audience, progress_cached, progress_key
from jalon.web.listing import valid_filters

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def tracking(request, code: str, fmt: str = "html"):
    """The indicator tracking table on screen, or as CSV or XLSX with the same filters. The table, in
    each format, is cached until the programme's progress changes (progress_cache)."""
    programme = access.access_programme(request.user, code)
    form = TrackingFilterForm(request.GET or None, programme=programme)
    filters = valid_filters(form)
    level, dimension_value = filters.get("level", ""), filters.get("disaggregation")
    # The programme's team sees exact figures; others see people counts under the small-group rule.
    audience = progress_audience(request.user, programme)

    def table():
        return tracking_table(
            programme=programme, level=level, dimension_value=dimension_value, exact=audience == "manage"
        )

    def html():
        context = {"table": table(), "status_labels": STATUS_LABELS}
        return {
            "table": str(render_to_string("results/_tracking_table.html", context)),
            # The filter form too: its list of every disaggregation value (e.g. 50 countries x 2 sexes)
            # costs more to render than the cached table. Never with an error: the key holds the valid
            # filters, not what was typed, and "?disaggregation=junk" shares the key of no filter.
            "filters": None if form.errors else str(render_to_string("web/_filters.html", {"form": form})),
        }

    build = {"csv": lambda: tracking_csv(table()), "xlsx": lambda: tracking_xlsx(table()), "html": html}[fmt]
    key = progress_key(
        programme,
        f"tracking-{fmt}",
        level or "-",
        dimension_value.pk if dimension_value else "-",
        audience,
    )
    content = progress_cached(key, build)
    if fmt in CONTENT_TYPES:
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="{programme.code}-tracking.{fmt}"'
        return response
    filters_html = None if form.errors else content["filters"]
    return render(
        request,
        "results/tracking.html",
        {
            "programme": programme,
            # Rendered (and escaped) by their templates, in html() above.
            "table_html": mark_safe(content["table"]),  # noqa: S308
            "filters_html": mark_safe(filters_html) if filters_html else None,  # noqa: S308
            "form": form,
            "query": request.GET.urlencode(),
        },
    )
