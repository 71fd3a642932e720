"""Access table rows for support (sponsorships and fellowships; see matrix.py): pages first, then the API.

Applications are personal data: `nsb`'s focal point and contributor see `nsb`'s applications, the programme
team sees all; the focal point applies and submits, the team checks and decides. Others get a 404 for an
application (it does not exist for them), a 403 for a page or a step they may not use."""

import datetime
import re
from decimal import Decimal

from django.core.files.base import ContentFile

from jalon.committees.models import Committee, CommitteeMembership, Meeting
from jalon.organisations.models import Organisation, Person
from jalon.reference.models import Currency
from jalon.results.models import Programme
from jalon.support import services
from jalon.support.models import Fellowship, FellowshipEligibility, Sponsorship
from tests.access.matrix import SIGNED_IN, TEAM, Redirect, api, page, url

APPLICANTS = TEAM | {"focal"}
READERS = TEAM | {"focal", "contributor"}
# An application of `nsb` is hidden (404) from those who may not see it, refused (403) to its readers.
HIDDEN = {"plain": (404,), "viewer": (404,)}
HIDDEN_FROM_OTHERS = {"plain": (404,), "viewer": (404,), "focal": (404,), "contributor": (404,)}


def _base(ctx):
    today = datetime.date.today()
    iso = Organisation.objects.get(acronym="ISO")
    programme = Programme.objects.create(
        code="support-matrix",
        owner=iso,
        title={"en": "Support matrix"},
        start_date=today - datetime.timedelta(days=400),
        end_date=today + datetime.timedelta(days=400),
    )
    # Fellowships are ITU's: filed in a programme of ITU.
    itu, _created = Organisation.objects.get_or_create(
        acronym="ITU",
        defaults={"name": {"en": "International Telecommunication Union"}, "kind": Organisation.Kind.INTERNATIONAL_SDO},
    )
    itu_programme = Programme.objects.create(
        code="support-matrix-itu",
        owner=itu,
        title={"en": "Support matrix (ITU)"},
        start_date=today - datetime.timedelta(days=400),
        end_date=today + datetime.timedelta(days=400),
    )
    committee = Committee.objects.create(body="iso", kind="tc", reference="ISO/TC 999", title={"en": "Matrix"})
    for member in (ctx.nsb, ctx.other_nsb):
        CommitteeMembership.objects.create(committee=committee, member=member, status="p")
    study_group = Committee.objects.create(
        body="itu_t", kind="study_group", reference="ITU-T SG99", title={"en": "Matrix SG"}
    )

    def meeting(committee, days):
        start = today + datetime.timedelta(days=days)
        return Meeting.objects.create(
            committee=committee, title={"en": "M"}, start_date=start, end_date=start + datetime.timedelta(days=2)
        )

    # Beyond the six weeks applications must be filed before (a late one is flagged and needs a note).
    future, past = meeting(committee, 60), meeting(committee, -3)
    itu_meeting = meeting(study_group, 60)
    FellowshipEligibility.objects.create(year=itu_meeting.start_date.year, country=ctx.nsb.country)
    return {
        "programme": programme,
        "itu_programme": itu_programme,
        "future": future,
        "past": past,
        "itu_meeting": itu_meeting,
        "chf": Currency.objects.get(code="CHF"),
        "expert": Person.objects.create(given_name="Awa", family_name="Matrix", organisation=ctx.nsb),
        "other_expert": Person.objects.create(given_name="Grace", family_name="Matrix", organisation=ctx.other_nsb),
    }


def base(ctx) -> dict:
    return ctx.once("support-base", _base)


def sponsorship_data(ctx, **changes) -> dict:
    b = base(ctx)
    data = {
        "programme": b["programme"],
        "organisation": ctx.nsb,
        "person": b["expert"],
        "meeting": b["future"],
        "mirror_committee": "exists",
        "mirror_role": "expert",
        "currency": b["chf"],
        "estimated_travel": Decimal("900"),
    }
    data.update(changes)
    return data


def sponsorship(status: str, **options):
    """`nsb`'s sponsorship in `status` (other_nsb's with other=True), built on first use."""

    def build(ctx):
        b = base(ctx)
        changes = {"meeting": b["past"]} if status in ("travel_arranged", "attended") else {}
        if options.get("other"):
            changes.update(organisation=ctx.other_nsb, person=b["other_expert"])
        created = services.sponsorship_create(actor=ctx.users["manager"], **sponsorship_data(ctx, **changes))
        Sponsorship.objects.filter(pk=created.pk).update(status=status)
        created.refresh_from_db()
        return created

    key = f"sponsorship-{status}-{options.get('other', False)}"
    return lambda ctx: ctx.once(key, build)


def fellowship(status: str):
    def build(ctx):
        b = base(ctx)
        created = services.fellowship_create(
            actor=ctx.users["manager"],
            programme=b["itu_programme"],
            organisation=ctx.nsb,
            person=b["expert"],
            meeting=b["itu_meeting"],
            kind="full",
            currency=b["chf"],
            estimated_travel=Decimal("800"),
        )
        Fellowship.objects.filter(pk=created.pk).update(status=status)
        created.refresh_from_db()
        return created

    return lambda ctx: ctx.once(f"fellowship-{status}", build)


def pk_of(record):
    return lambda ctx: {"pk": record(ctx).pk}


def step_of(record, step: str):
    return lambda ctx: {"pk": record(ctx).pk, "step": step}


def status_of(record):
    return lambda ctx: type(record(ctx)).objects.get(pk=record(ctx).pk).status


def count_of(model):
    return lambda ctx: model.objects.count()


def detail_redirect(kind: str) -> Redirect:
    prefix = re.escape(url("support:application_list"))
    return Redirect(lambda ctx: prefix + kind + r"/\d+/", f"the {kind[:-1]}'s page")


SPONSORSHIP_PAGE = detail_redirect("sponsorships")
FELLOWSHIP_PAGE = detail_redirect("fellowships")

draft = sponsorship("draft")
submitted = sponsorship("submitted")
checked = sponsorship("checked")
approved = sponsorship("approved")
travel_arranged = sponsorship("travel_arranged")
attended = sponsorship("attended")
others = sponsorship("draft", other=True)
fellowship_draft = fellowship("draft")


def _reported(ctx):
    sponsorship = attended(ctx)
    sponsorship.report_file.save("report.pdf", ContentFile(b"%PDF-1.4 mission report"), save=True)
    return sponsorship


def reported(ctx):
    return ctx.once("sponsorship-reported", _reported)


fellowship_submitted = fellowship("submitted")
fellowship_approved = fellowship("approved")


def sponsorship_form(ctx) -> dict:
    b = base(ctx)
    return {
        "programme": b["programme"].pk,
        "organisation": ctx.nsb.pk,
        "person": str(b["expert"]),  # named as a person types it: the form searches
        "meeting": b["future"].pk,
        "mirror_committee": "exists",
        "mirror_role": "expert",
        "currency": b["chf"].pk,
        "estimated_travel": "900",
        "estimated_allowance": "0",
        "estimated_other": "0",
    }


def fellowship_form(ctx) -> dict:
    b = base(ctx)
    return {
        "programme": b["itu_programme"].pk,
        "organisation": ctx.nsb.pk,
        "person": str(b["expert"]),
        "meeting": b["itu_meeting"].pk,
        "kind": "full",
        "partial_part": "",
        "currency": b["chf"].pk,
        "estimated_travel": "800",
        "estimated_allowance": "0",
        "estimated_other": "0",
    }


def step_form(record, step: str, **fields):
    return lambda ctx: {f"{step}-version": record(ctx).version, **{f"{step}-{k}": v for k, v in fields.items()}}


PAGE_CASES: list = [
    # Pages ---------------------------------------------------------------------------------------------
    page("support: applications", "support:application_list", READERS | {"viewer"}),
    page("support: sponsorship review queue", "support:review_queue", TEAM),
    page("support: fellowship review with ranking", "support:fellowship_review", TEAM),
    page("support: what awards cost", "support:costs", TEAM | {"viewer"}),
    page("support: sponsorship form", "support:sponsorship_create", APPLICANTS),
    page(
        "support: apply for a sponsorship",
        "support:sponsorship_create",
        APPLICANTS,
        method="post",
        data=sponsorship_form,
        ok=SPONSORSHIP_PAGE,
        effect=count_of(Sponsorship),
    ),
    page(
        "support: nsb's sponsorship",
        "support:sponsorship_detail",
        READERS,
        kwargs=pk_of(draft),
        refused_as=HIDDEN,
    ),
    page(
        "support: another NSB's sponsorship",
        "support:sponsorship_detail",
        TEAM,
        kwargs=pk_of(others),
        refused_as=HIDDEN_FROM_OTHERS,
    ),
    page("support: edit a draft", "support:sponsorship_edit", APPLICANTS, kwargs=pk_of(draft), refused_as=HIDDEN),
    page(
        "support: the report file of nsb's sponsorship",
        "support:sponsorship_report_file",
        READERS,
        kwargs=pk_of(reported),
        refused_as=HIDDEN,
    ),
    page(
        "support: submit a sponsorship",
        "support:sponsorship_step",
        APPLICANTS,
        method="post",
        kwargs=step_of(draft, "submit"),
        data=step_form(draft, "submit"),
        ok=SPONSORSHIP_PAGE,
        refused_as=HIDDEN,
        effect=status_of(draft),
    ),
    page(
        "support: check a sponsorship",
        "support:sponsorship_step",
        TEAM,
        method="post",
        kwargs=step_of(submitted, "check"),
        data=step_form(submitted, "check"),
        ok=SPONSORSHIP_PAGE,
        refused_as=HIDDEN,
        effect=status_of(submitted),
    ),
    page(
        "support: approve a sponsorship",
        "support:sponsorship_step",
        TEAM,
        method="post",
        kwargs=step_of(checked, "approve"),
        data=step_form(checked, "approve"),
        ok=SPONSORSHIP_PAGE,
        refused_as=HIDDEN,
        effect=status_of(checked),
    ),
    page("support: fellowship form", "support:fellowship_create", APPLICANTS),
    page(
        "support: request a fellowship",
        "support:fellowship_create",
        APPLICANTS,
        method="post",
        data=fellowship_form,
        ok=FELLOWSHIP_PAGE,
        effect=count_of(Fellowship),
    ),
    page(
        "support: nsb's fellowship",
        "support:fellowship_detail",
        READERS,
        kwargs=pk_of(fellowship_draft),
        refused_as=HIDDEN,
    ),
    page(
        "support: edit a fellowship draft",
        "support:fellowship_edit",
        APPLICANTS,
        kwargs=pk_of(fellowship_draft),
        refused_as=HIDDEN,
    ),
    page(
        "support: award a fellowship",
        "support:fellowship_step",
        TEAM,
        method="post",
        kwargs=step_of(fellowship_submitted, "approve"),
        data=step_form(fellowship_submitted, "approve"),
        ok=FELLOWSHIP_PAGE,
        refused_as=HIDDEN,
        effect=status_of(fellowship_submitted),
    ),
]


def api_body(record, **fields):
    return lambda ctx: {"version": record(ctx).version, **fields}


def sponsorship_api_body(ctx) -> dict:
    b = base(ctx)
    return {
        "programme": b["programme"].code,
        "organisation": ctx.nsb.pk,
        "person": b["expert"].pk,
        "meeting": b["future"].pk,
        "mirror_committee": "exists",
        "mirror_role": "expert",
        "currency": "CHF",
        "estimated_travel": "900.00",
    }


def fellowship_api_body(ctx) -> dict:
    b = base(ctx)
    return {
        "programme": b["itu_programme"].code,
        "organisation": ctx.nsb.pk,
        "person": b["expert"].pk,
        "meeting": b["itu_meeting"].pk,
        "kind": "partial",
        "partial_part": "ticket",
        "currency": "CHF",
        "estimated_travel": "800.00",
    }


def other_field(record, field):
    return lambda ctx: type(record(ctx)).objects.values_list(field, flat=True).get(pk=record(ctx).pk)


def steps(basename: str, rows: list) -> list:
    """API rows for workflow steps: (step, record, allowed, body fields)."""
    cases = []
    for step, record, allowed, fields in rows:
        cases.append(
            api(
                f"API {basename} {step}",
                f"api:{basename}-{step}",
                allowed,
                method="post",
                kwargs=pk_of(record),
                data=api_body(record, **fields),
                refused_as=HIDDEN,
                effect=lambda ctx, record=record: (status_of(record)(ctx), other_field(record, "version")(ctx)),
            )
        )
    return cases


API_CASES: list = [
    # API -----------------------------------------------------------------------------------------------
    api("API sponsorship list", "api:sponsorship-list", SIGNED_IN),
    api(
        "API sponsorship create",
        "api:sponsorship-list",
        APPLICANTS,
        method="post",
        data=sponsorship_api_body,
        ok=201,
        effect=count_of(Sponsorship),
    ),
    api("API sponsorship detail", "api:sponsorship-detail", READERS, kwargs=pk_of(draft), refused_as=HIDDEN),
    api(
        "API another NSB's sponsorship",
        "api:sponsorship-detail",
        TEAM,
        kwargs=pk_of(others),
        refused_as=HIDDEN_FROM_OTHERS,
    ),
    api(
        "API sponsorship put",
        "api:sponsorship-detail",
        APPLICANTS,
        method="put",
        kwargs=pk_of(draft),
        data=lambda ctx: {**sponsorship_api_body(ctx), "estimated_other": "42.00"},
        refused_as=HIDDEN,
        effect=other_field(draft, "estimated_other"),
    ),
    api(
        "API sponsorship patch",
        "api:sponsorship-detail",
        APPLICANTS,
        method="patch",
        kwargs=pk_of(draft),
        data=lambda ctx: {"estimated_other": "43.00"},
        refused_as=HIDDEN,
        effect=other_field(draft, "estimated_other"),
    ),
    *steps(
        "sponsorship",
        [
            ("submit", draft, APPLICANTS, {}),
            ("check", submitted, TEAM, {}),
            ("approve", checked, TEAM, {}),
            ("refuse", submitted, TEAM, {"reasons": "Out of budget."}),
            ("travel", approved, TEAM, {"actual_travel": "950.00"}),
            ("attend", travel_arranged, TEAM, {"actual_allowance": "700.00"}),
            ("report", attended, APPLICANTS, {"text": "Our comments were accepted."}),
            ("costs", approved, TEAM, {"actual_other": "12.00"}),
        ],
    ),
    api("API fellowship list", "api:fellowship-list", SIGNED_IN),
    api(
        "API fellowship create",
        "api:fellowship-list",
        APPLICANTS,
        method="post",
        data=fellowship_api_body,
        ok=201,
        effect=count_of(Fellowship),
    ),
    api("API fellowship detail", "api:fellowship-detail", READERS, kwargs=pk_of(fellowship_draft), refused_as=HIDDEN),
    api(
        "API fellowship put",
        "api:fellowship-detail",
        APPLICANTS,
        method="put",
        kwargs=pk_of(fellowship_draft),
        data=lambda ctx: {**fellowship_api_body(ctx), "estimated_other": "42.00"},
        refused_as=HIDDEN,
        effect=other_field(fellowship_draft, "estimated_other"),
    ),
    api(
        "API fellowship patch",
        "api:fellowship-detail",
        APPLICANTS,
        method="patch",
        kwargs=pk_of(fellowship_draft),
        data=lambda ctx: {"estimated_other": "43.00"},
        refused_as=HIDDEN,
        effect=other_field(fellowship_draft, "estimated_other"),
    ),
    *steps(
        "fellowship",
        [
            ("submit", fellowship_draft, APPLICANTS, {}),
            ("approve", fellowship_submitted, TEAM, {}),
            ("refuse", fellowship_submitted, TEAM, {"reasons": "Out of budget."}),
            ("costs", fellowship_approved, TEAM, {"actual_travel": "810.00"}),
        ],
    ),
]

CASES = PAGE_CASES + API_CASES
