"""Bulk entry of the ledger from CSV or XLSX (jalon.interop.tabular, on the job queue like the participant import):
contributions, or commitments and expenditure, of one programme. All or nothing: every row is read and checked,
then posted through the services in one transaction; one problem anywhere and nothing is saved, the report naming
each row, column and reason."""

from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jalon.finance import access, services
from jalon.finance.models import Channel, Contribution, Contributor, EarmarkingModality, Fund, Spending
from jalon.interop.spreadsheets import FileRejected, sheet_read
from jalon.interop.tabular import Choice, Column, Date, Lookup, Number, Report, Text, table_parse
from jalon.jobs.models import Job
from jalon.jobs.services import JobRefused, Progress, job_start
from jalon.results.models import Programme, Result

CONTRIBUTIONS = "finance-contributions"
SPENDING = "finance-spending"
MAX_ROWS = 20_000


def _funds(programme: Programme) -> Lookup:
    return Lookup(
        (((f.code, f.name.get("en", ""), f.name.get("fr", "")), f) for f in Fund.objects.filter(programme=programme)),
        unknown=_("No fund of the programme has this code."),
        ambiguous=_("Several funds have this name: give the code."),
        expected=_("The fund's code."),
    )


def _results(programme: Programme) -> Lookup:
    return Lookup(
        (((r.code,), r) for r in Result.objects.filter(programme=programme)),
        unknown=_("No result of the programme has this code."),
        ambiguous=_("Several results have this code."),
        expected=_("A result's code, e.g. 1 or IO2."),
    )


def contribution_columns(programme: Programme) -> list[Column]:
    contributors = Lookup(
        (
            ((c.organisation.acronym, c.organisation.name.get("en", ""), c.organisation.name.get("fr", "")), c)
            for c in Contributor.objects.select_related("organisation")
        ),
        unknown=_("No contributor with this name or acronym: record the contributor first."),
        ambiguous=_("Several contributors have this name: give the acronym."),
        expected=_("The contributor's acronym or name."),
    )
    statuses = [(s, s.label) for s in (Contribution.Status.PLEDGED, Contribution.Status.SIGNED)]
    return [
        Column("contributor", {"en": "Contributor", "fr": "Contributeur"}, contributors, required=True),
        Column("fund", {"en": "Fund", "fr": "Fonds"}, _funds(programme), required=True),
        Column("reference", {"en": "Agreement reference", "fr": "Référence de l'accord"}, Text(80)),
        Column("amount", {"en": "Amount", "fr": "Montant"}, Number(Decimal("0.01"), Decimal("1e13")), required=True),
        Column("currency", {"en": "Currency", "fr": "Monnaie"}, Text(3), required=True),
        Column("value_date", {"en": "Value date", "fr": "Date de valeur"}, Date(), required=True),
        Column("status", {"en": "Status", "fr": "Statut"}, Choice(statuses)),
        Column(
            "modality",
            {"en": "Earmarking modality", "fr": "Modalité d'affectation"},
            Choice(EarmarkingModality.choices),
        ),
        Column("channel", {"en": "Channel", "fr": "Canal"}, Choice(Channel.choices)),
        Column("result", {"en": "Earmarked for result", "fr": "Affectée au résultat"}, _results(programme)),
        Column("conditions", {"en": "Conditions", "fr": "Conditions"}, Text(2000)),
        Column("reporting_obligations", {"en": "Reporting obligations", "fr": "Obligations de rapport"}, Text(2000)),
    ]


def spending_columns(programme: Programme) -> list[Column]:
    return [
        Column("kind", {"en": "Kind", "fr": "Nature"}, Choice(Spending.Kind.choices), required=True),
        Column("fund", {"en": "Fund", "fr": "Fonds"}, _funds(programme), required=True),
        Column("result", {"en": "Result", "fr": "Résultat"}, _results(programme)),
        Column("date", {"en": "Date", "fr": "Date"}, Date(), required=True),
        Column("value_date", {"en": "Value date", "fr": "Date de valeur"}, Date()),
        Column("amount", {"en": "Amount", "fr": "Montant"}, Number(Decimal("0.01"), Decimal("1e13")), required=True),
        Column("currency", {"en": "Currency", "fr": "Monnaie"}, Text(3), required=True),
        Column("payee_name", {"en": "Payee", "fr": "Bénéficiaire"}, Text(200)),
        Column("description", {"en": "Description", "fr": "Description"}, Text(300)),
        Column("evidence", {"en": "Evidence", "fr": "Pièce justificative"}, Text(300)),
    ]


COLUMNS = {CONTRIBUTIONS: contribution_columns, SPENDING: spending_columns}


def ledger_import_start(*, actor, programme: Programme, kind: str, upload, language=None, enqueue=True) -> Job:
    """Queue the import of a file into the programme's ledger: the programme team only."""
    if kind not in COLUMNS:
        raise ValueError(kind)
    if not access.finance_can_manage(actor, programme):
        raise PermissionDenied
    return job_start(actor=actor, kind=kind, subject_id=programme.pk, upload=upload, language=language, enqueue=enqueue)


def _post(kind: str, *, actor, programme: Programme, values: dict):
    if kind == CONTRIBUTIONS:
        result = values.pop("result", None)
        values.setdefault("status", Contribution.Status.SIGNED)
        return services.contribution_create(
            actor=actor, programme=programme, results=[result] if result else [], **values
        )
    return services.spending_post(actor=actor, programme=programme, **values)


def ledger_import_work(job: Job, progress: Progress) -> dict:
    programme = Programme.objects.filter(pk=job.subject_id or 0).first()
    if programme is None:
        raise JobRefused(_("The programme of this import no longer exists."))
    columns = COLUMNS[job.kind](programme)
    report = Report()
    try:
        with job.upload.open("rb") as upload:
            sheet = sheet_read(upload, name=job.upload_name)
            progress.step(_("Reading and checking the rows"))
            header, rows = table_parse(sheet, columns, report=report, max_rows=MAX_ROWS)
    except FileRejected as rejected:
        raise JobRefused(rejected.message) from rejected
    saved = 0
    if not report:
        progress.step(_("Checking every row against the ledger"))
        with transaction.atomic():
            for row in rows:
                try:
                    with transaction.atomic():
                        _post(job.kind, actor=job.owner, programme=programme, values=dict(row.values))
                        saved += 1
                except ValidationError as exc:
                    for field, messages in (
                        exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
                    ).items():
                        report.add(
                            row.number, header.written.get(field, field), row.values.get(field, ""), " ".join(messages)
                        )
                except PermissionDenied:
                    raise JobRefused(_("Only the programme team imports into its ledger.")) from None
            if report:
                transaction.set_rollback(True)
    if report:
        raise JobRefused(
            ngettext(
                "The file has %(count)s problem. Nothing was saved: correct the file and import it again.",
                "The file has %(count)s problems. Nothing was saved: correct the file and import it again.",
                report.count,
            )
            % {"count": report.count},
            result={
                "errors": [error.as_dict() for error in report.errors],
                "error_count": report.count,
                "rows": len(rows),
            },
        )
    return {"saved": saved, "rows": len(rows)}
