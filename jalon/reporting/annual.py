"""The annual report of a programme, written from a run's snapshot in one language: the results tree with
each indicator's baseline, milestones, actual, progress and status (the latest period's and the whole
programme's, side by side, never mixed), statuses over time (a chart, its text alternative and its table),
reach, committee participation, support given, and Table 1 where the programme has a ledger.

Every figure comes from the snapshot; the language changes the words and the number format only, so that
the French and the English file of a run print the same figures in the same order."""

import datetime
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_decimal, format_percent
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext, pgettext_lazy

from jalon.lib.multilingual import FALLBACK_LANGUAGES, text_in
from jalon.reporting.charts import column_bars, status_bars
from jalon.reporting.pdf import Document
from jalon.results.progress import STATUS_LABELS, Status
from jalon.support.models import Scheme
from jalon.twinning.models import Kind as TwinningKind
from jalon.twinning.models import Status as TwinningStatus
from jalon.web.maps import Place, choropleth

LOCALES = {"fr": "fr_FR", "en": "en_GB"}


class Figure(str):
    """A number as the report prints it, keeping its value and spreadsheet format: a spreadsheet gets the
    number itself (people compute with it), the PDF and the document its text."""

    value: Decimal
    number_format: str

    def __new__(cls, text: str, value: Decimal, number_format: str = "#,##0.##"):
        figure = super().__new__(cls, text)
        figure.value = value
        figure.number_format = number_format
        return figure


class Writer:
    """Numbers, dates and texts in one language."""

    def __init__(self, language: str):
        self.language = language
        self.locale = LOCALES[language]

    def number(self, value: str | int | Decimal | None) -> str:
        if value is None:
            return "–"
        number = Decimal(value)
        # A spreadsheet gets the figure as printed (two decimals at most), not more digits than the PDF shows.
        return Figure(format_decimal(number, format="#,##0.##", locale=self.locale), round(number, 2))

    def percent(self, value: str | None) -> str:
        if value is None:
            return "–"
        # The locale's own pattern ("34,3\u00a0%" in French, "34.3%" in English), with one decimal at most: the
        # number is rounded to a tenth of a percent and printed without quantizing to the pattern's integers.
        number = round(Decimal(value), 3)
        return Figure(format_percent(number, locale=self.locale, decimal_quantization=False), number, "0.0%")

    def date(self, value: str) -> str:
        return format_date(datetime.date.fromisoformat(value[:10]), format="long", locale=self.locale)

    def text(self, value) -> str:
        return text_in(value, self.language)

    def language_of(self, value) -> str:
        """The language `text` gives a multilingual text in: the report's, or the fallback where it has none
        (a title written in English only, in a French report), so that the passage is tagged as what it is."""
        if not value or isinstance(value, str):
            return self.language
        for candidate in (self.language, *FALLBACK_LANGUAGES):
            if value.get(candidate):
                return candidate
        return next((code for code, text in value.items() if text), self.language)

    def status(self, value: str) -> str:
        return str(STATUS_LABELS[Status(value)])


def target_text(write: Writer, target: str | None, pending: bool) -> str:
    return _("pending baseline") if pending else write.number(target)


def actual_text(write: Writer, figure: dict, *, hidden: str = "hidden") -> str:
    """An actual, or "not shown" where the small-group rule hid it (snapshots made before the rule reached
    the results have no such key: nothing was hidden in them)."""
    return _("not shown") if figure.get(hidden) else write.number(figure["actual"])


LANGUAGE_NAMES = {
    "fr": pgettext_lazy("language name within a sentence", "French"),
    "en": pgettext_lazy("language name within a sentence", "English"),
}
SECTION_LABELS = {
    "achieved": gettext_lazy("What was achieved"),
    "reasons": gettext_lazy("Why"),
    "next_steps": gettext_lazy("What comes next"),
}


def narrative_section(document: Document, snapshot: dict, write: Writer, code: str, level: int) -> None:
    """A result node's narrative in the report's language. A draft marks what a final report would lack: a
    section not yet approved, one not yet translated (the other language's text printed beside the marker,
    tagged with its own language), a node with none."""
    if "narrative" not in snapshot:
        return  # a report kind without narrative
    narrative = snapshot["narrative"]
    sections = narrative.get("sections", {}).get(code, {})
    section = sections.get(write.language)
    final = snapshot.get("final", False)
    if section is None:
        if final:
            return
        others = [language for language in sorted(sections) if language != write.language]
        if not others:
            document.marker(_("Draft: no narrative is written for %(code)s yet.") % {"code": code})
            return
        document.marker(
            _("Draft: this section is not yet translated into %(language)s; the %(other)s text follows.")
            % {"language": LANGUAGE_NAMES[write.language], "other": LANGUAGE_NAMES[others[0]]}
        )
        section, lang = sections[others[0]], others[0]
    else:
        lang = write.language
        if not final and section["status"] != "approved":
            document.marker(_("Draft: this section is not yet approved."))
    for name, label in SECTION_LABELS.items():
        if section[name]:
            document.heading(str(label), level)
            for paragraph in section[name].split("\n\n"):
                document.paragraph(paragraph.strip(), lang=lang)


def results_section(document: Document, snapshot: dict, write: Writer, *, heading: bool = True) -> None:
    periods = {period["code"]: write.text(period["name"]) or period["code"] for period in snapshot["periods"]}
    if heading:
        document.heading(_("Results"))
    if not snapshot["results"]:
        document.paragraph(_("The programme has no results yet."))
    for result in snapshot["results"]:
        level = 2 + min(result["depth"], 2)
        document.heading(
            f"{write.text(result['level'])} {result['code']}: {write.text(result['title'])}",
            level,
            lang=write.language_of(result["title"]),
        )
        narrative_section(document, snapshot, write, result["code"], level + 1)
        indicators = result["indicators"]
        if not indicators:
            document.paragraph(_("No indicator measures this result."))
            continue
        rows = []
        for item in indicators:
            latest = item["latest"]
            rows.append(
                [
                    f"{item['code']} {write.text(item['title'])}",
                    write.number(item["baseline"]),
                    periods.get(latest["period"], latest["period"]) if latest else "–",
                    target_text(write, latest["target"], latest["pending"]) if latest else "–",
                    actual_text(write, latest) if latest else "–",
                    write.percent(latest["progress"]) if latest else "–",
                    write.status(latest["status"]) if latest else "–",
                    target_text(write, item["target"], item["target_pending"]),
                    actual_text(write, item, hidden="overall_hidden"),
                    write.percent(item["overall_progress"]),
                    write.status(item["overall_status"]),
                ]
            )
        document.table(
            caption=_(
                "Indicators of %(code)s: the latest period against its milestone, the programme against its "
                "overall target"
            )
            % {"code": result["code"]},
            header=[
                _("Indicator"),
                _("Baseline"),
                _("Latest period"),
                _("Milestone"),
                _("Actual"),
                _("Progress"),
                _("Status"),
                _("Overall target"),
                _("Actual to date"),
                _("Progress"),
                _("Status"),
            ],
            rows=rows,
        )
        over_time = [
            [item["code"]]
            + [
                f"{target_text(write, cell['target'], cell['pending'])} / {actual_text(write, cell)}"
                for cell in item["cells"]
            ]
            for item in indicators
        ]
        document.table(
            caption=_("Milestone / actual of each period, indicators of %(code)s") % {"code": result["code"]},
            header=[_("Indicator"), *periods.values()],
            rows=over_time,
        )


def over_time(document: Document, snapshot: dict, write: Writer, *, level: int = 1) -> None:
    """How many indicators (of the snapshot's results) stood at each status in each period: a chart, its words
    and its table. `level`: of its heading."""
    document.heading(_("Progress over time"), level)
    order = list(Status)
    counts: list[tuple[str, dict[str, int]]] = []
    for index, period in enumerate(snapshot["periods"]):
        tally: dict[str, int] = {}
        for result in snapshot["results"]:
            for item in result["indicators"]:
                status = item["cells"][index]["status"]
                tally[status] = tally.get(status, 0) + 1
        counts.append((write.text(period["name"]) or period["code"], tally))
    if not counts:
        document.paragraph(_("The programme has no periods yet."))
        return
    shown = [status for status in order if any(tally.get(status) for _label, tally in counts)]
    labels = {str(status): write.status(status) for status in order}
    described = "; ".join(
        f"{label}: " + ", ".join(f"{labels[s]} {write.number(tally[s])}" for s in shown if tally.get(s))
        for label, tally in counts
    )
    caption = _("Indicators by status in each period")
    document.figure(
        svg=status_bars(counts, labels=labels),
        alt=f"{caption}. {described}.",
        caption=caption,
    )
    document.table(
        caption=caption,
        header=[_("Period"), *(labels[s] for s in shown), _("Indicators")],
        rows=[
            [label, *(write.number(tally.get(s, 0)) for s in shown), write.number(sum(tally.values()))]
            for label, tally in counts
        ],
    )


def _reach(document: Document, snapshot: dict, write: Writer) -> None:
    periods = {period["code"]: write.text(period["name"]) or period["code"] for period in snapshot["periods"]}
    document.heading(_("Reach"))
    document.paragraph(
        _(
            "People trained in the programme's activities, counted once per period, and their countries. A group "
            "smaller than the publication threshold is not shown (–)."
        )
    )
    document.table(
        caption=_("People trained by period"),
        header=[_("Period"), _("People trained"), _("Countries")],
        rows=[
            [
                periods.get(row["period"], row["period"]),
                write.number(row["participants"]),
                write.number(row["countries"]),
            ]
            for row in snapshot["reach"]
        ],
    )


def _reach_map(document: Document, snapshot: dict, write: Writer) -> None:
    """Where the people trained come from: a choropleth (small states as symbols, West Africa enlarged) and
    the same figures as a table, every country reached in it."""
    reach = snapshot["reach_map"]
    if not reach["countries"]:
        return
    periods = {period["code"]: write.text(period["name"]) or period["code"] for period in snapshot["periods"]}
    period = periods.get(reach["period"], reach["period"])
    # Most people first, then by ISO code: the same order in every language (the figures line up).
    rows = sorted(reach["countries"], key=lambda row: (-(row["people"] or 0), row["m49"]))
    places = [
        Place(
            m49=row["m49"],
            name=write.text(row["name"]),
            value=row["people"],
            latitude=float(row["latitude"]) if row["latitude"] is not None else None,
            longitude=float(row["longitude"]) if row["longitude"] is not None else None,
        )
        for row in rows
    ]
    caption = _("People trained by country, %(period)s") % {"period": period}
    shown = [f"{place.name} {write.number(place.value)}" for place in places if place.value is not None]
    hidden = sum(1 for place in places if place.value is None)
    description = _("%(count)s countries reached: %(list)s.") % {"count": len(places), "list": ", ".join(shown)}
    if hidden:
        description += " " + _("%(hidden)s with a small group not shown.") % {"hidden": hidden}
    svg = choropleth(
        places,
        title=caption,
        description=description,
        legend={"title": _("People trained"), "none": pgettext("participants", "none"), "hidden": _("not shown")},
    )
    document.figure(svg=svg.encode(), alt=description, caption=caption)
    document.table(
        caption=caption,
        header=[_("Country"), _("People trained")],
        rows=[[place.name, write.number(place.value)] for place in places],
    )


def _participation(document: Document, snapshot: dict, write: Writer) -> None:
    participation = snapshot["participation"]
    document.heading(_("Participation in committees"))
    if not participation["rows"]:
        document.paragraph(_("No committee participation is recorded."))
        return
    if participation["rule"]:
        document.paragraph(
            _("Developing countries as classified by %(rule)s.") % {"rule": write.text(participation["rule"])}
        )
    document.table(
        caption=_("Committee memberships of developing and other countries by year"),
        header=[
            _("Year"),
            _("Committees"),
            _("P-memberships, developing"),
            _("O-memberships, developing"),
            _("Leadership roles, developing"),
            _("P-memberships, others"),
            _("O-memberships, others"),
            _("Developing share of P-memberships"),
        ],
        rows=[
            [
                str(row["year"]),
                write.number(row["committees"]),
                write.number(row["developing_p"]),
                write.number(row["developing_o"]),
                write.number(row["developing_leadership"]),
                write.number(row["developed_p"]),
                write.number(row["developed_o"]),
                write.percent(str(Decimal(row["share"]) / 100) if row["share"] is not None else None),
            ]
            for row in participation["rows"]
        ],
    )


def _support(document: Document, snapshot: dict, write: Writer) -> None:
    document.heading(_("Support given"))
    if not snapshot["support"]:
        document.paragraph(_("No sponsorship or fellowship was awarded in this programme."))
        return
    document.table(
        caption=_("Sponsorships and fellowships awarded, by meeting year (amounts never added across currencies)"),
        header=[_("Year"), _("Scheme"), _("Currency"), _("Awards"), _("Estimated cost"), _("Actual cost")],
        rows=[
            [
                str(row["year"]),
                str(Scheme(row["scheme"]).label),
                row["currency"],
                write.number(row["awards"]),
                write.number(row["estimated"]),
                write.number(row["actual"]),
            ]
            for row in snapshot["support"]
        ],
        numeric_from=3,
    )


def table_one_section(document: Document, snapshot: dict, write: Writer, *, heading: bool = True) -> None:
    if not snapshot["table_one"]:
        return
    periods = {period["code"]: write.text(period["name"]) or period["code"] for period in snapshot["periods"]}
    if heading:
        document.heading(_("Resources by outcome (Table 1)"))
    for table in snapshot["table_one"]:
        currency = table["currency"]
        document.table(
            caption=_("Estimated available resources and gaps by outcome, %(period)s")
            % {"period": periods.get(table["period"], table["period"])},
            header=[
                _("Outcome"),
                _("Main outputs"),
                _("Estimated available resources (%(currency)s)") % {"currency": currency},
                _("Estimated available resources (per cent)"),
                _("Resource gap (%(currency)s)") % {"currency": currency},
            ],
            rows=[
                [
                    f"{row['code']}. {row['title'][write.language]}",
                    "; ".join(row["outputs"][write.language]),
                    write.number(row["available"]),
                    write.number(row["share"]),
                    write.number(row["gap"]),
                ]
                for row in table["rows"]
            ],
            numeric_from=2,
        )


def _bar_chart(document: Document, write: Writer, caption: str, columns: list[tuple[str, str | int | None]]) -> None:
    """A column chart of (label, figure) with its words (the figures as the table beside it prints them)."""
    hidden = _("not shown")
    shown = [(label, float(value) if value is not None else None, write.number(value)) for label, value in columns]
    described = "; ".join(f"{label}: {text if value is not None else hidden}" for label, value, text in shown)
    document.figure(svg=column_bars(shown, hidden=hidden), alt=f"{caption}. {described}.", caption=caption)


def _assessments(document: Document, snapshot: dict, write: Writer) -> None:
    """Published self-assessments, aggregated: organisations by maturity band and the mean score of each
    section (the public's figures; a small group not shown)."""
    found = snapshot["assessments"]
    document.heading(_("Self-assessments"))
    if found["framework"] is None or not found["organisations"]:
        document.paragraph(_("No self-assessment is published yet."))
        return
    document.paragraph(
        _(
            "The latest published self-assessment of each of %(count)s organisations on %(bank)s, version "
            "%(version)s or earlier, all programmes together (assessments are the organisations', not a "
            "programme's). Unpublished assessments are never counted; a figure over fewer organisations than "
            "the publication threshold is not shown (–)."
        )
        % {
            "count": write.number(found["organisations"]),
            "bank": write.text(found["framework"]["title"]),
            "version": found["framework"]["version"],
        }
    )
    no_band = _("no overall score (incomplete)")
    document.table(
        caption=_("Organisations by maturity band of their overall score"),
        header=[_("Maturity band"), _("Organisations")],
        rows=[
            [write.text(row["label"]) or row["code"] if row["code"] else no_band, write.number(row["organisations"])]
            for row in found["bands"]
        ],
    )
    caption = _("Mean score by section (0 to 1)")
    _bar_chart(document, write, caption, [(row["code"], row["mean"]) for row in found["sections"]])
    document.table(
        caption=caption,
        header=[_("Section"), _("Assessments ranking it"), _("Mean score")],
        rows=[
            [f"{row['code']} {write.text(row['title'])}", write.number(row["assessments"]), write.number(row["mean"])]
            for row in found["sections"]
        ],
    )


def _twinning(document: Document, snapshot: dict, write: Writer) -> None:
    """The programme's twinning arrangements by status and kind, and what changed for the twinned members."""
    found = snapshot["twinning"]
    document.heading(_("Twinning"))
    if not found["counts"]:
        document.paragraph(_("The programme has no twinning arrangement."))
        return
    kinds = [kind for kind in TwinningKind.values if any(row["kind"] == kind for row in found["counts"])]
    statuses = [status for status in TwinningStatus.values if any(row["status"] == status for row in found["counts"])]
    table = {(row["status"], row["kind"]): row["arrangements"] for row in found["counts"]}
    totals = [(str(TwinningStatus(status).label), sum(table.get((status, k), 0) for k in kinds)) for status in statuses]
    caption = _("Twinning arrangements by status")
    _bar_chart(document, write, caption, totals)
    document.table(
        caption=_("Twinning arrangements by status and kind"),
        header=[_("Status"), *(str(TwinningKind(kind).label) for kind in kinds), _("Arrangements")],
        rows=[
            [label, *(write.number(table.get((status, kind), 0)) for kind in kinds), write.number(total)]
            for status, (label, total) in zip(statuses, totals, strict=True)
        ],
    )
    outcomes = found["outcomes"]
    document.table(
        caption=_(
            "Outcomes for the twinned members of the %(count)s arrangements started, from the committees' history "
            "(during each arrangement and its follow-up)"
        )
        % {"count": write.number(outcomes["started"])},
        header=[
            _("O-member to P-member"),
            _("Joined as P-member"),
            _("Leadership roles gained"),
            _("Meetings attended"),
            _("Contributions"),
            _("On other committees"),
        ],
        rows=[
            [
                write.number(outcomes[key])
                for key in ("o_to_p", "joined_p", "roles", "meetings", "contributions", "spill_over")
            ]
        ],
        numeric_from=0,
    )


def _gap(document: Document, snapshot: dict, write: Writer) -> None:
    """The developing countries of the programme's latest gap index run."""
    found = snapshot["gap"]
    document.heading(_("Standardization gap"))
    if found is None:
        document.paragraph(_("The programme has no gap index run yet."))
        return
    rows = found["countries"]
    document.paragraph(
        _(
            "Developing countries in the gap index run of %(date)s: %(ranked)s countries ranked in all. The gap is "
            "the benchmark group's index minus the country's; a country with too little data has no score (–)."
        )
        % {"date": write.date(found["as_of"]), "ranked": write.number(found["ranked"])}
    )
    document.table(
        caption=_("Gap index of the developing countries, run of %(date)s") % {"date": write.date(found["as_of"])},
        header=[_("Country"), _("Rank"), _("Index"), _("Gap to the benchmark"), _("Places moved"), _("Gap closed")],
        rows=[
            [
                write.text(row["name"]) or row["iso3"],
                write.number(row["rank"]),
                write.number(row["index"]),
                write.number(row["gap"]),
                write.number(row["moved"]),
                write.percent(row["closure"]),
            ]
            for row in rows
        ],
    )


def opening(snapshot: dict, write: Writer, title: str) -> Document:
    """The title, the programme line with its dates and as-of, and the demo warning: every kind opens so."""
    programme = snapshot["programme"]
    document = Document(title=title, language=write.language, author=programme["owner"])
    document.heading(title)
    document.paragraph(
        _("%(owner)s, programme %(code)s (%(start)s to %(end)s). Figures as of %(as_of)s, from the approved values.")
        % {
            "owner": programme["owner"],
            "code": programme["code"],
            "start": write.date(programme["start"]),
            "end": write.date(programme["end"]),
            "as_of": write.date(snapshot["as_of"]),
        }
    )
    if programme["is_demo"] or any(i["is_demo"] for r in snapshot.get("results", []) for i in r["indicators"]):
        document.paragraph(_("Contains demo data: not for reporting."))
    return document


def annual_body(snapshot: dict, write: Writer) -> Document:
    title = _("Annual report: %(programme)s") % {"programme": write.text(snapshot["programme"]["title"])}
    document = opening(snapshot, write, title)
    over_time(document, snapshot, write)
    results_section(document, snapshot, write)
    _reach(document, snapshot, write)
    _reach_map(document, snapshot, write)
    _participation(document, snapshot, write)
    _support(document, snapshot, write)
    table_one_section(document, snapshot, write)
    # Snapshots made before these sections have none of them.
    if "assessments" in snapshot:
        _assessments(document, snapshot, write)
    if "twinning" in snapshot:
        _twinning(document, snapshot, write)
    if "gap" in snapshot:
        _gap(document, snapshot, write)
    return document


def annual_document(snapshot: dict, language: str) -> Document:
    """The annual report of the snapshot, in `language` ("fr" or "en")."""
    with translation.override(language):
        return annual_body(snapshot, Writer(language))
