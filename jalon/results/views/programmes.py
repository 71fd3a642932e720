"""Pages of the results frameworks a visitor reads: the programmes, a programme's results tree with its
indicators' progress, and an indicator."""

from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from jalon.lib.smallgroups import min_group_size
from jalon.results import access, selectors, small_groups
from jalon.results.computations import REGISTRY, computation_choices, programme_rule
from jalon.results.forms import ProgrammeFilterForm
from jalon.results.models import Indicator, Programme
from jalon.results.progress import STATUS_LABELS
from jalon.results.progress_cache import progress_audience, progress_cached, progress_key
from jalon.web.listing import valid_filters


def programme_list(request):
    return render(
        request,
        "results/programme_list.html",
        {
            "programmes": selectors.programme_list(user=request.user),
            "can_create": access.programme_can_create(request.user),
        },
    )


def _programme_tree(programme: Programme, *, level: str, status: str, exact: bool) -> dict:
    """The results tree of the programme page, rendered, with the periods' names: what the page computes
    from the framework and its approved values (cached, see progress_cache); `exact` False for a reader
    outside the programme's team (people counts under the small-group rule)."""
    report = selectors.programme_progress(programme=programme)
    if not exact:
        report = small_groups.report_shown(report)
    rows = selectors.programme_tree(report, level=level, status=status)
    hidden = small_groups.any_hidden([item for row in rows for item in row.indicators])
    tree = render_to_string(
        "results/_programme_tree.html",
        {"rows": rows, "status_labels": STATUS_LABELS, "hidden_threshold": min_group_size() if hidden else None},
    )
    return {"periods": [str(period) for period in report.periods], "tree": str(tree)}


def programme_detail(request, code: str):
    programme = access.access_programme(request.user, code)
    # The levels (the filter's choices) are part of the framework: cached with it, under the same stamp.
    levels = progress_cached(progress_key(programme, "levels"), lambda: selectors.level_choices(programme))
    form = ProgrammeFilterForm(request.GET or None, levels=levels)
    filters = valid_filters(form)
    level, status = filters.get("level", ""), filters.get("status", "")
    audience = progress_audience(request.user, programme)

    def build():
        part = _programme_tree(programme, level=level, status=status, exact=audience == "manage")
        # The filter form as well, never with an error: the key holds the valid filters, not what was typed.
        part["filters"] = None if form.errors else str(render_to_string("web/_filters.html", {"form": form}))
        return part

    part = progress_cached(progress_key(programme, "page", level or "-", status or "-", audience), build)
    filters_html = None if form.errors else part["filters"]
    return render(
        request,
        "results/programme_detail.html",
        {
            "programme": programme,
            "periods": part["periods"],
            # Rendered (and escaped) by their templates, in _programme_tree and build().
            "tree": mark_safe(part["tree"]),  # noqa: S308
            "filters_html": mark_safe(filters_html) if filters_html else None,  # noqa: S308
            "form": form,
            "can_manage": audience == "manage",
            "printed": selectors.printed_table(programme),
        },
    )


def indicator_detail(request, code: str, pk: int):
    indicator = access.access_indicator(request.user, code, pk)
    programme = indicator.result.programme
    page = selectors.indicator_page(user=request.user, indicator=indicator)
    can_manage = access.programme_can_manage(request.user, programme)
    progress, breakdown = page.progress, page.breakdown
    if not can_manage:
        # People counts under the small-group rule, as on the programme page and in the API (their computed
        # values themselves are listed for the team only: access.measurements_visible).
        progress = small_groups.progress_shown(page.progress)
        breakdown = small_groups.breakdown_shown(indicator, page.breakdown)
    hidden = small_groups.any_hidden([progress]) or any(table.get("hidden") for table in breakdown)
    return render(
        request,
        "results/indicator_detail.html",
        {
            "programme": programme,
            "indicator": indicator,
            "progress": progress,
            "breakdown": breakdown,
            "hidden_threshold": min_group_size() if hidden else None,
            "periods": page.periods,
            "history": page.history,
            "groups": page.groups,
            "amended": page.amended,
            # Periods with no narrative and no value yet: their narrative is written from a link of its own.
            "unnarrated": [p for p in page.periods if p.pk not in {g.period.pk for g in page.groups}],
            "can_narrate": access.narrative_can_write(request.user, programme),
            "commentable": access.measurements_commentable(request.user, programme, page.history),
            "status_labels": STATUS_LABELS,
            "can_report": access.measurement_can_report(request.user, programme)
            and indicator.source == Indicator.Source.MANUAL,
            "can_manage": can_manage,
            "computation": REGISTRY.get(indicator.computation),
            "computation_choices": computation_choices(),
            "rule": programme_rule(programme),
        },
    )
