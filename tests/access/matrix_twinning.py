"""Access table rows for twinning (see matrix.py): pages first, then the API.

Arrangements name people: the focal point and contributor of `nsb` (ASN, the twinned member) see nsb's
arrangements, the programme team sees all; the focal point proposes and takes the parties' steps, records
meetings and reviews; approving the nominee and terminating are the team's. Others get a 404 for an
arrangement (it does not exist for them), a 403 for a page or a step they may not use."""

import datetime
import re

from django.core.files.base import ContentFile

from jalon.committees.models import Committee, CommitteeMembership, LeadershipRole
from jalon.organisations.models import Organisation, Person
from jalon.results.models import Programme
from jalon.twinning import services
from jalon.twinning.models import AnnualReview, Arrangement, TwinningMeeting, TwinningSettings
from tests.access.matrix import SIGNED_IN, TEAM, Redirect, api, page, url

ACTORS = TEAM | {"focal"}
READERS = TEAM | {"focal", "contributor"}
HIDDEN = {"plain": (404,), "viewer": (404,)}
HIDDEN_FROM_OTHERS = {"plain": (404,), "viewer": (404,), "focal": (404,), "contributor": (404,)}


def _base(ctx):
    today = datetime.date.today()
    programme = Programme.objects.create(
        code="twinning-matrix",
        owner=Organisation.objects.get(acronym="ISO"),
        title={"en": "Twinning matrix"},
        start_date=today - datetime.timedelta(days=400),
        end_date=today + datetime.timedelta(days=400),
    )
    afnor = Organisation.objects.get(acronym="AFNOR")
    committee = Committee.objects.create(body="iso", kind="tc", reference="ISO/TC 998", title={"en": "Matrix"})
    other = Committee.objects.create(body="iso", kind="tc", reference="ISO/TC 997", title={"en": "Matrix 2"})
    for c in (committee, other):
        CommitteeMembership.objects.create(committee=c, member=afnor, status="p")
        CommitteeMembership.objects.create(committee=c, member=ctx.nsb, status="o")
    LeadershipRole.objects.create(committee=committee, role="chair", organisation=afnor)
    return {
        "programme": programme,
        "committee": committee,
        "other": other,
        "afnor": afnor,
        "lead_person": Person.objects.create(given_name="Claire", family_name="Matrix", organisation=afnor),
        "nominee": Person.objects.create(given_name="Awa", family_name="Matrix", organisation=ctx.nsb),
    }


def base(ctx) -> dict:
    return ctx.once("twinning-base", _base)


def arrangement(status: str, *, kind: str = "p_member", other: bool = False, committee: str = "committee"):
    """nsb's arrangement in `status` (KEBS's with other=True), built on first use."""

    def build(ctx):
        b = base(ctx)
        fields = {
            "programme": b["programme"],
            "kind": kind,
            "committee": b[committee],
            "twinned_member": ctx.other_nsb if other else ctx.nsb,
            "lead_member": b["afnor"],
        }
        if kind != "p_member":
            fields.update(lead_person=b["lead_person"], twinned_person=None if other else b["nominee"])
        created = services.arrangement_create(actor=ctx.users["manager"], **fields)
        start = datetime.date.today() - datetime.timedelta(days=30)
        Arrangement.objects.filter(pk=created.pk).update(status=status, start_date=start)
        created.refresh_from_db()
        if status == "partner_identified":
            created.agreement.save("agreement.pdf", ContentFile(b"%PDF-1.4 agreement"), save=True)
        return created

    return lambda ctx: ctx.once(f"twinning-{status}-{kind}-{other}-{committee}", build)


proposed = arrangement("proposed")
identified = arrangement("partner_identified")
leadership = arrangement("partner_identified", kind="chair", committee="committee")
active = arrangement("active", committee="other")
in_review = arrangement("in_review", committee="other")
others = arrangement("proposed", other=True)


def pk_of(record):
    return lambda ctx: {"pk": record(ctx).pk}


def step_of(record, step: str):
    return lambda ctx: {"pk": record(ctx).pk, "step": step}


def status_of(record):
    return lambda ctx: Arrangement.objects.values_list("status", "version").get(pk=record(ctx).pk)


def count_of(model):
    return lambda ctx: model.objects.count()


def step_form(record, step: str, **fields):
    return lambda ctx: {f"{step}-version": record(ctx).version, **{f"{step}-{k}": v for k, v in fields.items()}}


def arrangement_page(ctx) -> str:
    return re.escape(url("twinning:arrangement_list")) + r"\d+/"


ARRANGEMENT_PAGE = Redirect(arrangement_page, "the arrangement's page")
TODAY = datetime.date.today().isoformat()


def form_body(ctx) -> dict:
    b = base(ctx)
    return {
        "programme": b["programme"].pk,
        "kind": "p_member",
        "committee": b["other"].pk,
        "twinned_member": ctx.nsb.pk,
        "lead_member": b["afnor"].pk,
        "objectives_en": "Become a P-member",
        "financial_support": "none",
    }


def api_body(ctx) -> dict:
    b = base(ctx)
    return {
        "programme": b["programme"].code,
        "kind": "p_member",
        "committee": b["other"].reference,
        "twinned_member": ctx.nsb.pk,
        "lead_member": b["afnor"].pk,
        "objectives": {"en": "Become a P-member"},
        "financial_support": "none",
    }


def objectives(record):
    return lambda ctx: Arrangement.objects.values_list("objectives", flat=True).get(pk=record(ctx).pk)


PAGE_STEPS = [
    ("identify", proposed, ACTORS, {}),
    ("approve_nominee", leadership, TEAM, {}),
    ("sign", identified, ACTORS, {"manager_notified_on": TODAY}),
    ("review", active, ACTORS, {}),
    ("resume", in_review, ACTORS, {}),
    ("complete", active, ACTORS, {}),
    ("terminate", active, TEAM, {"note": "Lead withdrew"}),
]

PAGE_CASES: list = [
    page("twinning: arrangements", "twinning:arrangement_list", READERS),
    page("twinning: recommendations", "twinning:recommendations", ACTORS),
    page(
        "twinning: recommendations for nsb",
        "/fr/twinning/recommendations/?programme=0&member=0",
        ACTORS,
    ),
    page("twinning: proposal form", "twinning:arrangement_create", ACTORS),
    page(
        "twinning: propose",
        "twinning:arrangement_create",
        ACTORS,
        method="post",
        data=form_body,
        ok=ARRANGEMENT_PAGE,
        effect=count_of(Arrangement),
    ),
    page(
        "twinning: settings",
        "twinning:settings",
        TEAM,
        kwargs=lambda ctx: {"code": base(ctx)["programme"].code},
    ),
    page(
        "twinning: save settings",
        "twinning:settings",
        TEAM,
        method="post",
        kwargs=lambda ctx: {"code": base(ctx)["programme"].code},
        data=lambda ctx: {
            "twinned_committees": "2",
            "twinned_language": "1",
            "twinned_region": "1",
            "lead_interest": "1",
            "lead_language": "1",
            "lead_region": "1",
            "observer_bonus": "1",
            "load_damping": "3",
            "overdue_days": "90",
            "follow_up_months": "24",
        },
        ok=Redirect(lambda ctx: re.escape(url("twinning:settings", code="twinning-matrix")), "the settings"),
        effect=count_of(TwinningSettings),
    ),
    page(
        "twinning: nsb's arrangement", "twinning:arrangement_detail", READERS, kwargs=pk_of(proposed), refused_as=HIDDEN
    ),
    page(
        "twinning: another member's arrangement",
        "twinning:arrangement_detail",
        TEAM,
        kwargs=pk_of(others),
        refused_as=HIDDEN_FROM_OTHERS,
    ),
    page("twinning: edit form", "twinning:arrangement_edit", ACTORS, kwargs=pk_of(proposed), refused_as=HIDDEN),
    page(
        "twinning: the signed agreement",
        "twinning:arrangement_agreement",
        READERS,
        kwargs=pk_of(identified),
        refused_as=HIDDEN,
    ),
    page("twinning: meeting form", "twinning:meeting_create", ACTORS, kwargs=pk_of(active), refused_as=HIDDEN),
    page(
        "twinning: record a meeting",
        "twinning:meeting_create",
        ACTORS,
        method="post",
        kwargs=pk_of(active),
        data=lambda ctx: {"date": TODAY, "mode": "virtual", "minutes": "Work plan"},
        ok=ARRANGEMENT_PAGE,
        refused_as=HIDDEN,
        effect=count_of(TwinningMeeting),
    ),
    page("twinning: review form", "twinning:review_create", ACTORS, kwargs=pk_of(active), refused_as=HIDDEN),
    page(
        "twinning: record a review",
        "twinning:review_create",
        ACTORS,
        method="post",
        kwargs=pk_of(active),
        data=lambda ctx: {"date": TODAY, "rating": "3", "narrative_en": "On track"},
        ok=ARRANGEMENT_PAGE,
        refused_as=HIDDEN,
        effect=count_of(AnnualReview),
    ),
    *[
        page(
            f"twinning: step {step}",
            "twinning:arrangement_step",
            allowed,
            method="post",
            kwargs=step_of(record, step),
            data=step_form(record, step, **fields),
            ok=ARRANGEMENT_PAGE,
            refused_as=HIDDEN,
            effect=status_of(record),
        )
        for step, record, allowed, fields in PAGE_STEPS
    ],
]


def api_step(step: str, record, allowed, **fields):
    return api(
        f"API twinning {step}",
        f"api:twinning-arrangement-{step.replace('_', '-')}",
        allowed,
        method="post",
        kwargs=pk_of(record),
        data=lambda ctx: {"version": record(ctx).version, **fields},
        refused_as=HIDDEN,
        effect=status_of(record),
    )


API_CASES: list = [
    api("API twinning list", "api:twinning-arrangement-list", SIGNED_IN),
    api(
        "API twinning propose",
        "api:twinning-arrangement-list",
        ACTORS,
        method="post",
        data=api_body,
        ok=201,
        effect=count_of(Arrangement),
    ),
    api("API twinning detail", "api:twinning-arrangement-detail", READERS, kwargs=pk_of(proposed), refused_as=HIDDEN),
    api(
        "API another member's arrangement",
        "api:twinning-arrangement-detail",
        TEAM,
        kwargs=pk_of(others),
        refused_as=HIDDEN_FROM_OTHERS,
    ),
    api(
        "API twinning put",
        "api:twinning-arrangement-detail",
        ACTORS,
        method="put",
        kwargs=pk_of(proposed),
        data=lambda ctx: {**api_body(ctx), "committee": base(ctx)["committee"].reference, "objectives": {"en": "Put"}},
        refused_as=HIDDEN,
        effect=objectives(proposed),
    ),
    api(
        "API twinning patch",
        "api:twinning-arrangement-detail",
        ACTORS,
        method="patch",
        kwargs=pk_of(proposed),
        data=lambda ctx: {"objectives": {"en": "Patched"}},
        refused_as=HIDDEN,
        effect=objectives(proposed),
    ),
    api("API twinning outcomes", "api:twinning-arrangement-outcomes", READERS, kwargs=pk_of(active), refused_as=HIDDEN),
    api_step("identify", proposed, ACTORS),
    api_step("approve_nominee", leadership, TEAM),
    api_step("sign", identified, ACTORS, manager_notified_on=TODAY),
    api_step("activate", arrangement("agreement_signed"), ACTORS),
    api_step("review", active, ACTORS),
    api_step("resume", in_review, ACTORS),
    api_step("complete", active, ACTORS),
    api_step("terminate", active, TEAM, note="Lead withdrew"),
    api(
        "API twinning record a meeting",
        "api:twinning-arrangement-meetings",
        ACTORS,
        method="post",
        kwargs=pk_of(active),
        data=lambda ctx: {"date": TODAY, "mode": "virtual", "minutes": "Work plan"},
        ok=201,
        refused_as=HIDDEN,
        effect=count_of(TwinningMeeting),
    ),
    api(
        "API twinning record a review",
        "api:twinning-arrangement-reviews",
        ACTORS,
        method="post",
        kwargs=pk_of(active),
        data=lambda ctx: {"date": TODAY, "rating": 3, "narrative": {"en": "On track"}},
        ok=201,
        refused_as=HIDDEN,
        effect=count_of(AnnualReview),
    ),
    api(
        "API twinning recommendations",
        "api:twinning-recommendation-list",
        ACTORS,
        ok=400,  # no programme nor member named: a clear 400 to those who may ask
    ),
]

CASES = PAGE_CASES + API_CASES
