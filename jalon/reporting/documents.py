"""The report kinds other than the annual report, each written from its run's snapshot in one language: the
indicator tracking table (IPTT), Table 1 (resources by outcome), the donor report (one contributor's money
and the results it served) and a country profile. As in the annual report, the language changes the words
and the number format only: the French and the English file of a run print the same figures in the same
order. `document_for` picks the writer of a snapshot's kind."""

from collections.abc import Callable

from django.utils import translation
from django.utils.translation import gettext as _

from jalon.finance.models import Contribution, EarmarkingModality
from jalon.reporting import annual
from jalon.reporting.annual import Writer
from jalon.reporting.charts import column_bars
from jalon.reporting.pdf import Document
from jalon.twinning.models import Kind as TwinningKind
from jalon.twinning.models import Status as TwinningStatus


def _periods(snapshot: dict, write: Writer) -> dict[str, str]:
    return {period["code"]: write.text(period["name"]) or period["code"] for period in snapshot["periods"]}


def iptt_document(snapshot: dict, write: Writer) -> Document:
    """Every indicator of the tree with its baseline, each period's milestone and actual, and the programme's
    overall target, actual to date, progress and status: one table per result."""
    programme = snapshot["programme"]
    document = annual.opening(
        snapshot, write, _("Indicator tracking table: %(programme)s") % {"programme": write.text(programme["title"])}
    )
    periods = _periods(snapshot, write)
    if not snapshot["results"]:
        document.paragraph(_("The programme has no results yet."))
    for result in snapshot["results"]:
        if not result["indicators"]:
            continue
        header = [_("Indicator"), _("Baseline")]
        for label in periods.values():
            header += [_("%(period)s milestone") % {"period": label}, _("%(period)s actual") % {"period": label}]
        header += [_("Overall target"), _("Actual to date"), _("Progress"), _("Status")]
        rows = []
        for item in result["indicators"]:
            row = [f"{item['code']} {write.text(item['title'])}", write.number(item["baseline"])]
            for cell in item["cells"]:
                row += [annual.target_text(write, cell["target"], cell["pending"]), annual.actual_text(write, cell)]
            row += [
                annual.target_text(write, item["target"], item["target_pending"]),
                annual.actual_text(write, item, hidden="overall_hidden"),
                write.percent(item["overall_progress"]),
                write.status(item["overall_status"]),
            ]
            rows.append(row)
        document.table(
            caption=f"{write.text(result['level'])} {result['code']}: {write.text(result['title'])}",
            header=header,
            rows=rows,
        )
    if any(result["indicators"] for result in snapshot["results"]):
        annual.over_time(document, snapshot, write, level=2)
    return document


def table_one_document(snapshot: dict, write: Writer) -> Document:
    programme = snapshot["programme"]
    document = annual.opening(
        snapshot,
        write,
        _("Resources by outcome (Table 1): %(programme)s") % {"programme": write.text(programme["title"])},
    )
    if not snapshot["table_one"]:
        document.paragraph(_("The programme has no resources in its ledger."))
    annual.table_one_section(document, snapshot, write, heading=False)
    return document


def donor_document(snapshot: dict, write: Writer) -> Document:
    """A contributor's contributions (each in its own currency), where the money went, and the results it
    served with their indicators."""
    donor = snapshot["donor"]
    name = write.text(donor["name"])
    document = annual.opening(
        snapshot,
        write,
        _("Donor report: %(donor)s, %(programme)s")
        % {"donor": name, "programme": write.text(snapshot["programme"]["title"])},
    )
    periods = _periods(snapshot, write)
    document.heading(_("Contributions"), 2)
    if not donor["contributions"]:
        document.paragraph(_("%(donor)s has no contribution to this programme.") % {"donor": name})
    else:
        document.table(
            caption=_("Contributions of %(donor)s, in their currencies (never added across currencies)")
            % {"donor": name},
            header=[
                _("Agreement"),
                _("Fund"),
                _("Value date"),
                _("Status"),
                _("Earmarking"),
                _("Earmarked for"),
                _("Currency"),
                _("Amount"),
                _("Received"),
            ],
            rows=[
                [
                    row["reference"] or "–",
                    write.text(row["fund"]),
                    write.date(row["value_date"]),
                    str(Contribution.Status(row["status"]).label),
                    str(EarmarkingModality(row["modality"]).label),
                    ", ".join(row["earmarked_for"]) or "–",
                    row["currency"],
                    write.number(row["amount"]),
                    write.number(row["received"]),
                ]
                for row in donor["contributions"]
            ],
            numeric_from=7,
        )
        allocations = [(row, item) for row in donor["contributions"] for item in row["allocations"]]
        if allocations:
            document.table(
                caption=_("Allocations of these contributions by result and period, and what was spent"),
                header=[_("Agreement"), _("Result"), _("Period"), _("Currency"), _("Allocated"), _("Spent")],
                rows=[
                    [
                        row["reference"] or "–",
                        item["result"] or "–",
                        periods.get(item["period"], item["period"]),
                        row["currency"],
                        write.number(item["amount"]),
                        write.number(item["spent"]),
                    ]
                    for row, item in allocations
                ],
                numeric_from=4,
            )
    served = set(donor["served"])
    document.heading(_("Results served"), 2)
    shown = {**snapshot, "results": [r for r in snapshot["results"] if r["code"] in served]}
    if not shown["results"]:
        document.paragraph(
            _("No contribution of %(donor)s is earmarked for or allocated to a result.") % {"donor": name}
        )
    else:
        annual.results_section(document, shown, write, heading=False)
        # The same statuses period by period, of the results this money served only.
        annual.over_time(document, shown, write, level=2)
    return document


def country_document(snapshot: dict, write: Writer) -> Document:
    country = snapshot["country"]
    name = write.text(country["name"])
    document = annual.opening(
        snapshot,
        write,
        _("Country profile: %(country)s, %(programme)s")
        % {"country": name, "programme": write.text(snapshot["programme"]["title"])},
    )
    periods = _periods(snapshot, write)
    document.heading(_("Reach"), 2)
    over_periods = [(periods.get(row["period"], row["period"]), row["people"]) for row in country["reach"]]
    if over_periods:
        caption = _("People trained from %(country)s by period") % {"country": name}
        hidden = _("not shown")
        described = "; ".join(
            f"{label}: {write.number(value) if value is not None else hidden}" for label, value in over_periods
        )
        document.figure(
            svg=column_bars([(label, value, write.number(value)) for label, value in over_periods], hidden=hidden),
            alt=f"{caption}. {described}.",
            caption=caption,
        )
    document.table(
        caption=_("People trained from %(country)s by period (a group smaller than the threshold is not shown: –)")
        % {"country": name},
        header=[_("Period"), _("People trained")],
        rows=[[label, write.number(value)] for label, value in over_periods],
    )
    document.heading(_("Participation in committees"), 2)
    measures = country["participation"]
    document.table(
        caption=_("Committee participation of the members of %(country)s on %(date)s")
        % {"country": name, "date": write.date(snapshot["as_of"])},
        header=[
            _("P-memberships"),
            _("O-memberships"),
            _("Leadership roles"),
            _("Meetings attended"),
            _("Contributions"),
            _("Committees in existence"),
            _("Share of committees with a P-membership"),
        ],
        rows=[
            [
                write.number(measures["p"]),
                write.number(measures["o"]),
                write.number(measures["leadership"]),
                write.number(measures["meetings"]),
                write.number(measures["contributions"]),
                write.number(measures["committees"]),
                write.number(measures["p_share"]) + " %" if measures["p_share"] is not None else "–",
            ]
        ],
        numeric_from=0,
    )
    document.heading(_("Assessments"), 2)
    if not country["assessments"]:
        document.paragraph(_("No validated assessment of an organisation of %(country)s.") % {"country": name})
    else:
        document.table(
            caption=_("Validated assessments of the organisations of %(country)s") % {"country": name},
            header=[_("Organisation"), _("Question bank"), _("Period"), _("Score"), _("Questions answered")],
            rows=[
                [
                    write.text(row["organisation"]),
                    write.text(row["framework"]),
                    f"{write.date(row['start'])} – {write.date(row['end'])}",
                    write.number(row["score"]),
                    write.number(row["coverage"]) + " %",
                ]
                for row in country["assessments"]
            ],
            numeric_from=3,
        )
    document.heading(_("Standardization gap"), 2)
    gap = country["gap"]
    if gap is None:
        document.paragraph(_("The programme has no gap index run yet."))
    elif not gap["scored"]:
        document.paragraph(
            _("%(country)s has too little data for a score in the run of %(date)s.")
            % {"country": name, "date": write.date(gap["as_of"])}
        )
    else:
        document.table(
            caption=_("Gap index of %(country)s, run of %(date)s")
            % {"country": name, "date": write.date(gap["as_of"])},
            header=[_("Index"), _("Rank"), _("Countries ranked"), _("Gap to the benchmark")],
            rows=[
                [
                    write.number(gap["index"]),
                    write.number(gap["rank"]),
                    write.number(gap["ranked"]),
                    write.number(gap["gap"]),
                ]
            ],
            numeric_from=0,
        )
    document.heading(_("Twinning"), 2)
    if not country["twinning"]:
        document.paragraph(_("No twinning arrangement with a member of %(country)s.") % {"country": name})
    else:
        document.table(
            caption=_("Twinning arrangements with a member of %(country)s") % {"country": name},
            header=[_("Kind"), _("Committee"), _("Twinned member"), _("Lead member"), _("Status"), _("Start")],
            rows=[
                [
                    str(TwinningKind(row["kind"]).label),
                    row["committee"],
                    write.text(row["twinned"]),
                    write.text(row["lead"]) if row["lead"] else _("being sought"),
                    str(TwinningStatus(row["status"]).label),
                    write.date(row["start"]) if row["start"] else "–",
                ]
                for row in country["twinning"]
            ],
            numeric_from=6,
        )
    return document


WRITERS: dict[str, Callable[[dict, Writer], Document]] = {
    "annual": annual.annual_body,
    "iptt": iptt_document,
    "table1": table_one_document,
    "donor": donor_document,
    "country": country_document,
}


def document_for(snapshot: dict, language: str) -> Document:
    """The report of the snapshot, of its kind (snapshots from before the kinds: annual), in `language`."""
    with translation.override(language):
        return WRITERS[snapshot.get("kind", "annual")](snapshot, Writer(language))
