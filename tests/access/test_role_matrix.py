"""Who may open which page and call which endpoint: one table, walked as every role.

Each row of CASES is (URL name, method, kwargs/data factory) -> the roles allowed. Every row is requested
as each of the seven roles (anonymous, plain, viewer, contributor, focal, manager, admin), each inside its
own savepoint so that one role's write does not change what the next role sees. An allowed role must get
the row's success answer; a refused one must get the row's refusal (403, 404, a redirect to the login
page...) and, for writes, leave the database as it was.

`test_every_view_and_endpoint_is_in_the_table` walks the URLconf: a new view or endpoint without a row
here or in a `matrix_<app>.py` module fails CI. The machinery is in matrix.py.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.db import transaction

from jalon.accounts.models import Role
from jalon.organisations.models import Organisation, Person
from jalon.reference.models import Country
from jalon.results.models import Dimension, Indicator, Level, Measurement, Period, Programme, Result
from tests.access import (
    matrix_activities,
    matrix_assessments,
    matrix_committees,
    matrix_finance,
    matrix_gap,
    matrix_jobs,
    matrix_knowledge,
    matrix_knowledge_library,
    matrix_reporting,
    matrix_results,
    matrix_support,
    matrix_tokens,
    matrix_twinning,
)
from tests.access.matrix import (
    ADMIN,
    ADMIN_LOGIN,
    ANONYMOUS,
    EVERYONE,
    HOME,
    NEW_ORGANISATION,
    NOBODY,
    NSB_EDITORS,
    NSB_PAGE,
    ORGANISATION_LIST,
    OTHER_NSB_PAGE,
    RESET_SENT,
    ROLES,
    SEES_NSB_PEOPLE,
    SEES_UNPUBLISHED,
    TEAM,
    Ctx,
    Redirect,
    api,
    judge,
    page,
    prepared,
    skipped,
    url,
    url_patterns,
)
from tests.conftest import make_user
from tests.factories import PersonFactory

# Bodies ----------------------------------------------------------------------------------------------------


def organisation_form(organisation: Organisation, **changes) -> dict:
    """The organisation form as the edit page would post it back, with `changes` applied."""
    organisation = Organisation.objects.get(pk=organisation.pk)
    data = {
        "name_en": organisation.name.given("en"),
        "name_fr": organisation.name.given("fr"),
        "acronym": organisation.acronym,
        "kind": organisation.kind,
        "country": organisation.country_id or "",
        "website": organisation.website,
        "email": organisation.email,
        "description_en": organisation.description.given("en"),
        "description_fr": organisation.description.given("fr"),
        "iso_member_id": organisation.iso_member_id or "",
        "iati_identifier": organisation.iati_identifier,
        "version": organisation.version,
    }
    if organisation.published:
        data["published"] = "on"
    if "name" in changes:
        changes["name_en"] = changes.pop("name")
    data.update(changes)
    return data


def new_organisation_form(ctx) -> dict:
    return {
        "name_en": "Ministry of Trade",
        "kind": Organisation.Kind.MINISTRY,
        "country": ctx.nsb.country_id,
        "published": "on",
    }


def person_form(organisation_of: Callable) -> Callable:
    return lambda ctx: {"given_name": "Awa", "family_name": "Ndiaye", "organisation": organisation_of(ctx).pk}


def name_of(organisation_of: Callable) -> Callable:
    return lambda ctx: Organisation.objects.filter(pk=organisation_of(ctx).pk).values_list("name", flat=True).first()


def website_of(organisation_of: Callable) -> Callable:
    return lambda ctx: Organisation.objects.filter(pk=organisation_of(ctx).pk).values_list("website", flat=True).first()


def email_of(organisation_of: Callable) -> Callable:
    return lambda ctx: Organisation.objects.filter(pk=organisation_of(ctx).pk).values_list("email", flat=True).first()


def exists(organisation_of: Callable) -> Callable:
    return lambda ctx: Organisation.objects.filter(pk=organisation_of(ctx).pk).exists()


def organisation_count(ctx) -> int:
    return Organisation.objects.count()


def person_count(ctx) -> int:
    return Person.objects.count()


def mails_sent(ctx) -> int:
    return len(mail.outbox)


NSB = lambda ctx: ctx.nsb  # noqa: E731
OTHER_NSB = lambda ctx: ctx.other_nsb  # noqa: E731
HIDDEN = lambda ctx: ctx.hidden_org  # noqa: E731
VICTIM = lambda ctx: ctx.victim  # noqa: E731


def pk_of(organisation_of: Callable) -> Callable:
    return lambda ctx: {"pk": organisation_of(ctx).pk}


def programme_kwargs(ctx) -> dict:
    return {"code": ctx.framework.programme.code}


def hidden_programme_kwargs(ctx) -> dict:
    return {"code": ctx.framework.hidden_programme.code}


def indicator_kwargs(ctx) -> dict:
    return {"code": ctx.framework.programme.code, "pk": ctx.framework.indicator.pk}


def draft_kwargs(ctx) -> dict:
    return {"pk": ctx.framework.draft.pk}


def submitted_kwargs(ctx) -> dict:
    return {"pk": ctx.framework.submitted.pk}


def draft_with_evidence(ctx) -> dict:
    def attach(ctx):
        draft = ctx.framework.draft
        draft.evidence.save("evidence.pdf", ContentFile(b"%PDF-1.4 attendance sheets"), save=True)
        return draft

    return {"pk": ctx.once("draft-evidence", attach).pk}


def measurement_count(ctx) -> int:
    return Measurement.objects.count()


def measurement_state(measurement_of: Callable) -> Callable:
    return lambda ctx: Measurement.objects.filter(pk=measurement_of(ctx).pk).values_list("status", "value").get()


DRAFT = lambda ctx: ctx.framework.draft  # noqa: E731
SUBMITTED = lambda ctx: ctx.framework.submitted  # noqa: E731
INDICATOR_PAGE = Redirect(
    lambda ctx: re.escape(url("results:indicator_detail", **indicator_kwargs(ctx))), "the indicator's page"
)
REPORTERS = TEAM | {"focal", "contributor"}  # who reports values: the team, and the users of an organisation
NSB_REPORTERS_AND_TEAM = TEAM | {"focal", "contributor"}  # who sees and edits `nsb`'s draft value


# Framework builder (programme managers): spare records nothing refers to, so that deleting them is allowed.


@dataclass
class Spare:
    level: Level
    period: Period
    dimension: Dimension
    result: Result
    indicator: Indicator


def spare(ctx) -> Spare:
    if "_spare" not in ctx.__dict__:
        programme = ctx.framework.programme
        level = Level.objects.create(
            programme=programme, key="spare", name={"en": "Spare"}, iati_result_type=Level.IatiType.OTHER
        )
        result = Result.objects.create(
            programme=programme, level=ctx.framework.indicator.result.level, code="R9", title={"en": "Spare"}, order=9
        )
        dimension = Dimension.objects.create(programme=programme, kind="custom", code="spare", name={"en": "Spare"})
        ctx.__dict__["_spare"] = Spare(
            level=level,
            period=Period.objects.create(
                programme=programme,
                code="spare",
                start=programme.start_date,
                end=programme.start_date,
            ),
            dimension=dimension,
            result=result,
            indicator=Indicator.objects.create(result=result, code="I9", title={"en": "Spare"}),
        )
    return ctx.__dict__["_spare"]


def framework_kwargs(thing: str) -> Callable:
    return lambda ctx: {"code": ctx.framework.programme.code, "pk": getattr(spare(ctx), thing).pk}


def still_there(thing: str) -> Callable:
    return lambda ctx: type(getattr(spare(ctx), thing)).objects.filter(pk=getattr(spare(ctx), thing).pk).exists()


def count_of(model) -> Callable:
    return lambda ctx: model.objects.count()


def title_of(thing: str) -> Callable:
    return lambda ctx: (
        type(getattr(spare(ctx), thing))
        .objects.filter(pk=getattr(spare(ctx), thing).pk)
        .values_list("title" if thing in ("result", "indicator") else "name", flat=True)
        .first()
    )


def programme_title(ctx):
    return Programme.objects.filter(pk=ctx.framework.programme.pk).values_list("title", flat=True).first()


def programme_form_data(ctx, **changes) -> dict:
    programme = ctx.framework.programme
    data = {
        "code": programme.code,
        "title_en": "Renamed programme",
        "owner": programme.owner_id,
        "start_date": programme.start_date.isoformat(),
        "end_date": programme.end_date.isoformat(),
        "languages": ["fr", "en"],
        "on_track_min": "0.85",
        "at_risk_min": "0.60",
        "published": "on",
        "version": programme.version,
    }
    data.update(changes)
    return data


STRUCTURE = Redirect(
    lambda ctx: re.escape(url("results:framework_structure", code=ctx.framework.programme.code)),
    "the framework's structure page",
)
NEW_STRUCTURE = Redirect(
    lambda ctx: re.escape(url("results:framework_structure", code="built")), "the new programme's structure page"
)
PROGRAMME_PAGE = Redirect(
    lambda ctx: re.escape(url("results:programme_detail", code=ctx.framework.programme.code)), "the programme page"
)
ANY_INDICATOR_PAGE = Redirect(
    lambda ctx: re.escape(url("results:programme_detail", code=ctx.framework.programme.code)) + r"indicators/\d+/",
    "an indicator's page",
)
SPARE_RESULT = framework_kwargs("result")
SPARE_INDICATOR = framework_kwargs("indicator")


# The table -------------------------------------------------------------------------------------------------

CASES = [
    # Public pages and probes.
    page("home page", "web:home", EVERYONE),
    page("health probe", "healthz", EVERYONE),
    page("country list", "web:country_list", EVERYONE),
    page("country detail", "web:country_detail", EVERYONE, kwargs=lambda ctx: {"iso3": "SEN"}),
    page("organisation list", "web:organisation_list", EVERYONE),
    page("organisation detail of a published organisation", "web:organisation_detail", EVERYONE, kwargs=pk_of(NSB)),
    page(
        "organisation detail of an unpublished organisation",
        "web:organisation_detail",
        SEES_UNPUBLISHED,
        kwargs=pk_of(HIDDEN),
        refused=(404,),
        refused_anonymous=(404,),
    ),
    # Organisation forms: programme team creates; focal points change their own; only the admin deletes.
    page("organisation create form", "web:organisation_create", TEAM),
    page(
        "organisation create",
        "web:organisation_create",
        TEAM,
        method="post",
        data=new_organisation_form,
        ok=NEW_ORGANISATION,
        effect=organisation_count,
    ),
    page(
        "organisation edit form of the focal point's own organisation",
        "web:organisation_edit",
        NSB_EDITORS,
        kwargs=pk_of(NSB),
    ),
    page(
        "organisation edit of the focal point's own organisation",
        "web:organisation_edit",
        NSB_EDITORS,
        method="post",
        kwargs=pk_of(NSB),
        data=lambda ctx: organisation_form(ctx.nsb, website="https://renamed.example.org"),
        ok=NSB_PAGE,
        effect=website_of(NSB),
    ),
    page(
        "organisation directory data of the focal point's own organisation (country, kind, publication)",
        "web:organisation_edit",
        TEAM,
        method="post",
        kwargs=pk_of(NSB),
        data=lambda ctx: {
            key: value
            for key, value in organisation_form(
                ctx.nsb, country=Country.objects.get(iso3="CHE").pk, kind="other"
            ).items()
            if key != "published"
        },
        # The focal point and contributor reach the form; the directory fields are fixed on it, so what
        # they post there is ignored: saved, nothing of it changed.
        refused_as={"focal": (302,), "contributor": (403,)},
        ok=NSB_PAGE,
        effect=lambda ctx: Organisation.objects.filter(pk=ctx.nsb.pk).values_list("country_id", "kind").first(),
    ),
    page("organisation edit form of another organisation", "web:organisation_edit", TEAM, kwargs=pk_of(OTHER_NSB)),
    page(
        "organisation edit of another organisation",
        "web:organisation_edit",
        TEAM,
        method="post",
        kwargs=pk_of(OTHER_NSB),
        data=lambda ctx: organisation_form(ctx.other_nsb, name="Renamed KEBS"),
        ok=OTHER_NSB_PAGE,
        effect=name_of(OTHER_NSB),
    ),
    page(
        "organisation edit form of an unpublished organisation",
        "web:organisation_edit",
        TEAM,
        kwargs=pk_of(HIDDEN),
        refused=(404,),
        refused_as={"viewer": (403,)},
    ),
    page(
        "organisation edit of an unpublished organisation",
        "web:organisation_edit",
        TEAM,
        method="post",
        kwargs=pk_of(HIDDEN),
        data=lambda ctx: organisation_form(ctx.hidden_org, name="Renamed"),
        ok=Redirect(lambda ctx: re.escape(url("web:organisation_detail", pk=ctx.hidden_org.pk)), "its page"),
        refused=(404,),
        refused_as={"viewer": (403,)},
        effect=name_of(HIDDEN),
    ),
    page("organisation delete confirmation", "web:organisation_delete", ADMIN, kwargs=pk_of(VICTIM)),
    page(
        "organisation delete",
        "web:organisation_delete",
        ADMIN,
        method="post",
        kwargs=pk_of(VICTIM),
        ok=ORGANISATION_LIST,
        effect=exists(VICTIM),
    ),
    page(
        "organisation delete of the focal point's own organisation",
        "web:organisation_delete",
        ADMIN,
        method="post",
        kwargs=pk_of(NSB),
        ok=ORGANISATION_LIST,
        effect=exists(NSB),
    ),
    # People (contacts).
    page(
        "person create form in the focal point's own organisation", "web:person_create", NSB_EDITORS, kwargs=pk_of(NSB)
    ),
    page(
        "person create in the focal point's own organisation",
        "web:person_create",
        NSB_EDITORS,
        method="post",
        kwargs=pk_of(NSB),
        data=person_form(NSB),
        ok=NSB_PAGE,
        effect=person_count,
    ),
    page("person create form in another organisation", "web:person_create", TEAM, kwargs=pk_of(OTHER_NSB)),
    page(
        "person create in another organisation",
        "web:person_create",
        TEAM,
        method="post",
        kwargs=pk_of(OTHER_NSB),
        data=person_form(OTHER_NSB),
        ok=OTHER_NSB_PAGE,
        effect=person_count,
    ),
    page(
        "person create in an unpublished organisation",
        "web:person_create",
        TEAM,
        kwargs=pk_of(HIDDEN),
        refused=(404,),
        refused_as={"viewer": (403,)},
    ),
    # The audit log: platform administrators only.
    page("audit log", "web:audit_list", ADMIN),
    page("audit entry", "web:audit_detail", ADMIN, kwargs=lambda ctx: {"pk": ctx.audit_entry.pk}),
    # Django admin: the platform administrator only; everyone else is sent to the admin's login page.
    page("admin index", "admin:index", ADMIN, refused=(ADMIN_LOGIN,), refused_anonymous=(ADMIN_LOGIN,)),
    # Accounts.
    page("login page", "accounts:login", {ANONYMOUS}, refused=(HOME,)),
    page("logout", "accounts:logout", EVERYONE, method="post", ok=HOME),
    page("logout by GET", "accounts:logout", NOBODY, refused=(405,), refused_anonymous=(405,)),
    page("password reset form", "accounts:password_reset", EVERYONE),
    page(
        "password reset",
        "accounts:password_reset",
        EVERYONE,
        method="post",
        data=lambda ctx: {"email": "focal@example.org"},
        ok=RESET_SENT,
        effect=mails_sent,
    ),
    page("password reset sent", "accounts:password_reset_done", EVERYONE),
    page(
        "password reset link (invalid)",
        "accounts:password_reset_confirm",
        EVERYONE,
        kwargs=lambda ctx: {"uidb64": "MQ", "token": "not-a-token"},
    ),
    page("password reset complete", "accounts:password_reset_complete", EVERYONE),
    # API documentation.
    page("API schema", "api-schema", EVERYONE),
    page("API docs", "api-docs", EVERYONE),
    # API: countries are public and read-only for everyone, the platform admin included.
    api("API root", "api:api-root", EVERYONE),
    api("API country list", "api:country-list", EVERYONE),
    api("API country detail", "api:country-detail", EVERYONE, kwargs=lambda ctx: {"iso3": "SEN"}),
    api(
        "API country create",
        "api:country-list",
        NOBODY,
        method="post",
        data=lambda ctx: {"iso3": "XXX"},
        refused=(403, 405),
    ),
    api(
        "API country update",
        "api:country-detail",
        NOBODY,
        method="patch",
        kwargs=lambda ctx: {"iso3": "SEN"},
        data=lambda ctx: {"name": {"en": "Changed"}},
        refused=(403, 405),
    ),
    # API: organisations.
    api("API organisation list", "api:organisation-list", EVERYONE),
    api("API organisation detail of a published organisation", "api:organisation-detail", EVERYONE, kwargs=pk_of(NSB)),
    api(
        "API organisation detail of an unpublished organisation",
        "api:organisation-detail",
        SEES_UNPUBLISHED,
        kwargs=pk_of(HIDDEN),
        refused=(404,),
        refused_anonymous=(404,),
    ),
    api(
        "API organisation create",
        "api:organisation-list",
        TEAM,
        method="post",
        ok=201,
        data=lambda ctx: {"name": {"en": "Ministry of Trade"}, "kind": "ministry", "country": "SEN"},
        effect=organisation_count,
    ),
    api(
        "API organisation update of the focal point's own organisation",
        "api:organisation-detail",
        NSB_EDITORS,
        method="put",
        kwargs=pk_of(NSB),
        data=lambda ctx: {"name": dict(ctx.nsb.name), "kind": "nsb", "country": "SEN", "email": "put@asn.sn"},
        effect=email_of(NSB),
    ),
    api(
        "API organisation partial update of the focal point's own organisation",
        "api:organisation-detail",
        NSB_EDITORS,
        method="patch",
        kwargs=pk_of(NSB),
        data=lambda ctx: {"website": "https://patched.example.org"},
        effect=website_of(NSB),
    ),
    api(
        "API organisation partial update of another organisation",
        "api:organisation-detail",
        TEAM,
        method="patch",
        kwargs=pk_of(OTHER_NSB),
        data=lambda ctx: {"name": {"en": "Renamed KEBS"}},
        effect=name_of(OTHER_NSB),
    ),
    api(
        "API organisation partial update of an unpublished organisation",
        "api:organisation-detail",
        TEAM,
        method="patch",
        kwargs=pk_of(HIDDEN),
        data=lambda ctx: {"name": {"en": "Renamed"}},
        refused=(404,),
        refused_as={"viewer": (403,)},
        effect=name_of(HIDDEN),
    ),
    api(
        "API organisation delete",
        "api:organisation-detail",
        ADMIN,
        method="delete",
        kwargs=pk_of(VICTIM),
        ok=204,
        effect=exists(VICTIM),
    ),
    api(
        "API organisation delete of the focal point's own organisation",
        "api:organisation-detail",
        ADMIN,
        method="delete",
        kwargs=pk_of(NSB),
        ok=204,
        effect=exists(NSB),
    ),
    api(
        "API organisation delete of an unpublished organisation",
        "api:organisation-detail",
        ADMIN,
        method="delete",
        kwargs=pk_of(HIDDEN),
        ok=204,
        refused=(404,),
        refused_as={"viewer": (403,), "manager": (403,)},
        effect=exists(HIDDEN),
    ),
    # Results frameworks: pages. Published programmes are public; unpublished ones for managers and viewers.
    page("programme list", "results:programme_list", EVERYONE),
    page("programme page", "results:programme_detail", EVERYONE, kwargs=programme_kwargs),
    page(
        "programme page of an unpublished programme",
        "results:programme_detail",
        SEES_UNPUBLISHED,
        kwargs=hidden_programme_kwargs,
        refused=(404,),
        refused_anonymous=(404,),
    ),
    page("tracking table", "results:tracking", EVERYONE, kwargs=programme_kwargs),
    page("tracking table as CSV", "results:tracking_csv", EVERYONE, kwargs=programme_kwargs),
    page("tracking table as XLSX", "results:tracking_xlsx", EVERYONE, kwargs=programme_kwargs),
    page(
        "tracking table of an unpublished programme",
        "results:tracking",
        SEES_UNPUBLISHED,
        kwargs=hidden_programme_kwargs,
        refused=(404,),
        refused_anonymous=(404,),
    ),
    page("indicator page", "results:indicator_detail", EVERYONE, kwargs=indicator_kwargs),
    page("measurement report form", "results:measurement_create", REPORTERS, kwargs=indicator_kwargs),
    page(
        "measurement report",
        "results:measurement_create",
        REPORTERS,
        method="post",
        kwargs=indicator_kwargs,
        data=lambda ctx: {"period": ctx.framework.period.pk, "organisation": ctx.nsb.pk, "value": "5"},
        ok=INDICATOR_PAGE,
        effect=measurement_count,
    ),
    page(
        "measurement edit form of nsb's draft",
        "results:measurement_edit",
        NSB_REPORTERS_AND_TEAM,
        kwargs=draft_kwargs,
        refused=(404,),
    ),
    page(
        "measurement edit of nsb's draft",
        "results:measurement_edit",
        NSB_REPORTERS_AND_TEAM,
        method="post",
        kwargs=draft_kwargs,
        data=lambda ctx: {"organisation": ctx.nsb.pk, "value": "7", "version": ctx.framework.draft.version},
        ok=INDICATOR_PAGE,
        refused=(404,),
        effect=measurement_state(DRAFT),
    ),
    page(
        "measurement evidence file of nsb's draft",
        "results:measurement_evidence",
        NSB_REPORTERS_AND_TEAM,
        kwargs=draft_with_evidence,
        refused=(404,),
        refused_anonymous=(404,),  # the evidence of a published, approved value is public, as the value is
    ),
    page(
        "measurement review of a submitted value",
        "results:measurement_review",
        TEAM,
        method="post",
        kwargs=submitted_kwargs,
        data=lambda ctx: {"decision": "approve", "version": ctx.framework.submitted.version},
        ok=INDICATOR_PAGE,
        refused_as={"plain": (404,), "viewer": (404,)},  # a submitted value is not theirs to see
        effect=measurement_state(SUBMITTED),
    ),
    page(
        "measurement review by GET",
        "results:measurement_review",
        NOBODY,
        kwargs=submitted_kwargs,
        refused_as={"plain": (404,), "viewer": (404,)},
    ),
    page("approval queue", "results:approval_queue", TEAM),
    page(
        "indicator recompute",
        "results:indicator_recompute",
        TEAM,
        method="post",
        kwargs=indicator_kwargs,
        ok=INDICATOR_PAGE,
    ),
    page(
        "indicator data source change",
        "results:indicator_computation",
        TEAM,
        method="post",
        kwargs=indicator_kwargs,
        data=lambda ctx: {"computation": ""},
        ok=INDICATOR_PAGE,
    ),
    # Framework builder: the programme's managers (and the admin) only.
    page("programme create form", "results:programme_create", TEAM),
    page(
        "programme create",
        "results:programme_create",
        TEAM,
        method="post",
        data=lambda ctx: programme_form_data(ctx, code="built", title_fr="Construit", version=""),
        ok=NEW_STRUCTURE,
        effect=count_of(Programme),
    ),
    page("programme edit form", "results:programme_edit", TEAM, kwargs=programme_kwargs),
    page(
        "programme edit",
        "results:programme_edit",
        TEAM,
        method="post",
        kwargs=programme_kwargs,
        data=programme_form_data,
        ok=PROGRAMME_PAGE,
        effect=programme_title,
    ),
    page("framework structure", "results:framework_structure", TEAM, kwargs=programme_kwargs),
    page(
        "framework structure of an unpublished programme",
        "results:framework_structure",
        TEAM,
        kwargs=hidden_programme_kwargs,
        refused=(404,),
        refused_as={"viewer": (403,)},
    ),
    page("level create form", "results:level_create", TEAM, kwargs=programme_kwargs),
    page(
        "level create",
        "results:level_create",
        TEAM,
        method="post",
        kwargs=programme_kwargs,
        data=lambda ctx: {"key": "output", "name_en": "Output", "iati_result_type": "1"},
        ok=STRUCTURE,
        effect=count_of(Level),
    ),
    page("level edit form", "results:level_edit", TEAM, kwargs=framework_kwargs("level")),
    page(
        "level edit",
        "results:level_edit",
        TEAM,
        method="post",
        kwargs=framework_kwargs("level"),
        data=lambda ctx: {"key": "spare", "name_en": "Renamed", "iati_result_type": "9"},
        ok=STRUCTURE,
        effect=title_of("level"),
    ),
    page("level delete confirmation", "results:level_delete", TEAM, kwargs=framework_kwargs("level")),
    page(
        "level delete",
        "results:level_delete",
        TEAM,
        method="post",
        kwargs=framework_kwargs("level"),
        ok=STRUCTURE,
        effect=still_there("level"),
    ),
    page("period create form", "results:period_create", TEAM, kwargs=programme_kwargs),
    page(
        "period create",
        "results:period_create",
        TEAM,
        method="post",
        kwargs=programme_kwargs,
        data=lambda ctx: {"code": "2030", "start": "2030-01-01", "end": "2030-12-31"},
        ok=STRUCTURE,
        effect=count_of(Period),
    ),
    page("period edit form", "results:period_edit", TEAM, kwargs=framework_kwargs("period")),
    page(
        "period edit",
        "results:period_edit",
        TEAM,
        method="post",
        kwargs=framework_kwargs("period"),
        data=lambda ctx: {"code": "spare", "name_en": "Renamed", "start": "2031-01-01", "end": "2031-12-31"},
        ok=STRUCTURE,
        effect=title_of("period"),
    ),
    page("period delete confirmation", "results:period_delete", TEAM, kwargs=framework_kwargs("period")),
    page(
        "period delete",
        "results:period_delete",
        TEAM,
        method="post",
        kwargs=framework_kwargs("period"),
        ok=STRUCTURE,
        effect=still_there("period"),
    ),
    page("disaggregation create form", "results:dimension_create", TEAM, kwargs=programme_kwargs),
    page(
        "disaggregation create",
        "results:dimension_create",
        TEAM,
        method="post",
        kwargs=programme_kwargs,
        data=lambda ctx: {"kind": "sex", "code": "sex", "name_en": "Sex", "values": "f | Femmes | Women"},
        ok=STRUCTURE,
        effect=count_of(Dimension),
    ),
    page("disaggregation edit form", "results:dimension_edit", TEAM, kwargs=framework_kwargs("dimension")),
    page(
        "disaggregation edit",
        "results:dimension_edit",
        TEAM,
        method="post",
        kwargs=framework_kwargs("dimension"),
        data=lambda ctx: {"kind": "custom", "code": "spare", "name_en": "Renamed", "values": "a"},
        ok=STRUCTURE,
        effect=title_of("dimension"),
    ),
    page("disaggregation delete confirmation", "results:dimension_delete", TEAM, kwargs=framework_kwargs("dimension")),
    page(
        "disaggregation delete",
        "results:dimension_delete",
        TEAM,
        method="post",
        kwargs=framework_kwargs("dimension"),
        ok=STRUCTURE,
        effect=still_there("dimension"),
    ),
    page("result create form", "results:result_create", TEAM, kwargs=programme_kwargs),
    page(
        "result create",
        "results:result_create",
        TEAM,
        method="post",
        kwargs=programme_kwargs,
        data=lambda ctx: {
            "parent": ctx.framework.indicator.result_id,
            "level": ctx.framework.indicator.result.level_id,
            "code": "R1.1",
            "title_en": "Sub-result",
        },
        ok=STRUCTURE,
        effect=count_of(Result),
    ),
    page("result edit form", "results:result_edit", TEAM, kwargs=SPARE_RESULT),
    page(
        "result edit",
        "results:result_edit",
        TEAM,
        method="post",
        kwargs=SPARE_RESULT,
        data=lambda ctx: {"level": spare(ctx).result.level_id, "code": "R9", "title_en": "Renamed"},
        ok=STRUCTURE,
        effect=title_of("result"),
    ),
    page("result delete confirmation", "results:result_delete", TEAM, kwargs=SPARE_RESULT),
    page(
        "result delete",
        "results:result_delete",
        TEAM,
        method="post",
        kwargs=SPARE_RESULT,
        ok=STRUCTURE,
        effect=still_there("result"),
    ),
    page("indicator create form", "results:indicator_create", TEAM, kwargs=SPARE_RESULT),
    page(
        "indicator create",
        "results:indicator_create",
        TEAM,
        method="post",
        kwargs=SPARE_RESULT,
        data=lambda ctx: {
            "code": "I10",
            "title_en": "New indicator",
            "measure": "count",
            "direction": "ascending",
            "cumulation": "non_cumulative",
        },
        ok=ANY_INDICATOR_PAGE,
        effect=count_of(Indicator),
    ),
    page("indicator edit form", "results:indicator_edit", TEAM, kwargs=SPARE_INDICATOR),
    page(
        "indicator edit",
        "results:indicator_edit",
        TEAM,
        method="post",
        kwargs=SPARE_INDICATOR,
        data=lambda ctx: {
            "result": spare(ctx).result.pk,
            "code": "I9",
            "title_en": "Renamed",
            "measure": "count",
            "direction": "ascending",
            "cumulation": "non_cumulative",
        },
        ok=ANY_INDICATOR_PAGE,
        effect=title_of("indicator"),
    ),
    page("indicator delete confirmation", "results:indicator_delete", TEAM, kwargs=SPARE_INDICATOR),
    page(
        "indicator delete",
        "results:indicator_delete",
        TEAM,
        method="post",
        kwargs=SPARE_INDICATOR,
        ok=STRUCTURE,
        effect=still_there("indicator"),
    ),
    # Results frameworks: API.
    api("API programme list", "api:programme-list", EVERYONE),
    api("API programme detail", "api:programme-detail", EVERYONE, kwargs=programme_kwargs),
    api(
        "API programme detail of an unpublished programme",
        "api:programme-detail",
        SEES_UNPUBLISHED,
        kwargs=hidden_programme_kwargs,
        refused=(404,),
        refused_anonymous=(404,),
    ),
    api("API programme results", "api:programme-results", EVERYONE, kwargs=programme_kwargs),
    api("API programme indicators", "api:programme-indicators", EVERYONE, kwargs=programme_kwargs),
    api("API programme progress", "api:programme-progress", EVERYONE, kwargs=programme_kwargs),
    api(
        "API programme progress of an unpublished programme",
        "api:programme-progress",
        SEES_UNPUBLISHED,
        kwargs=hidden_programme_kwargs,
        refused=(404,),
        refused_anonymous=(404,),
    ),
    api("API measurement list", "api:measurement-list", EVERYONE),
    api(
        "API measurement detail of nsb's draft",
        "api:measurement-detail",
        NSB_REPORTERS_AND_TEAM,
        kwargs=draft_kwargs,
        refused=(404,),
        refused_anonymous=(404,),
    ),
    api(
        "API measurement report",
        "api:measurement-list",
        REPORTERS,
        method="post",
        ok=201,
        data=lambda ctx: {
            "indicator": ctx.framework.indicator.pk,
            "period": ctx.framework.period.code,
            "organisation": ctx.nsb.pk,
            "value": "5",
        },
        effect=measurement_count,
    ),
    api("API programme periods", "api:programme-periods", EVERYONE, kwargs=programme_kwargs),
    api("API programme targets", "api:programme-targets", EVERYONE, kwargs=programme_kwargs),
    api(
        "API measurement partial update of nsb's draft",
        "api:measurement-detail",
        NSB_REPORTERS_AND_TEAM,
        method="patch",
        kwargs=draft_kwargs,
        data=lambda ctx: {"value": "7", "version": ctx.framework.draft.version},
        refused=(404,),
        effect=measurement_state(DRAFT),
    ),
    api(
        "API measurement update of nsb's draft",
        "api:measurement-detail",
        NSB_REPORTERS_AND_TEAM,
        method="put",
        kwargs=draft_kwargs,
        data=lambda ctx: {
            "indicator": ctx.framework.indicator.pk,
            "period": ctx.framework.period.code,
            "organisation": ctx.nsb.pk,
            "value": "8",
            "version": ctx.framework.draft.version,
        },
        refused=(404,),
        effect=measurement_state(DRAFT),
    ),
    api(
        "API measurement submit of nsb's draft",
        "api:measurement-submit",
        NSB_REPORTERS_AND_TEAM,
        method="post",
        kwargs=draft_kwargs,
        data=lambda ctx: {"version": ctx.framework.draft.version},
        refused=(404,),
        effect=measurement_state(DRAFT),
    ),
    api(
        "API measurement review of a submitted value",
        "api:measurement-review",
        TEAM,
        method="post",
        kwargs=submitted_kwargs,
        data=lambda ctx: {"decision": "approve", "version": ctx.framework.submitted.version},
        refused_as={"plain": (404,), "viewer": (404,)},
        effect=measurement_state(SUBMITTED),
    ),
]


# Each later module keeps its rows beside its own fixtures.
ALL_CASES = [
    *CASES,
    *matrix_activities.CASES,
    *matrix_committees.CASES,
    *matrix_support.CASES,
    *matrix_jobs.CASES,
    *matrix_tokens.CASES,
    *matrix_gap.CASES,
    *matrix_results.CASES,
    *matrix_twinning.CASES,
    *matrix_finance.CASES,
    *matrix_assessments.CASES,
    *matrix_knowledge_library.CASES,
    *matrix_knowledge.CASES,
    *matrix_reporting.CASES,
]


@pytest.mark.parametrize("case", ALL_CASES, ids=[case.label for case in ALL_CASES])
def test_each_role_is_allowed_or_refused_as_the_table_says(case, client_as, users, nsb, other_nsb, hidden_org):
    # The row's records are built once, before any request; each role's request runs in a savepoint rolled
    # back after it, so that every role meets the same records in the same state.
    ctx = Ctx(users=users, nsb=nsb, other_nsb=other_nsb, hidden_org=hidden_org)
    prepared(case, ctx)
    if case.effect:
        case.effect(ctx)
    problems = []
    for role in ROLES:
        with transaction.atomic():
            problem = judge(case, role, ctx, client_as)
            transaction.set_rollback(True)
        if problem:
            problems.append(problem)
    assert not problems, "\n".join(problems)


# Completeness ----------------------------------------------------------------------------------------------


def test_every_view_and_endpoint_is_in_the_table():
    covered = {case.url for case in ALL_CASES}
    methods_covered = {(case.url, case.method) for case in ALL_CASES}
    missing, unnamed, methods_missing = [], [], []
    for name, route, pattern in url_patterns():
        if skipped(name, pattern):
            continue
        if name is None:
            unnamed.append(route)
            continue
        if name not in covered:
            missing.append(f"{name} ({route})")
        # A DRF viewset route says which methods it answers: each needs a row (HEAD answers as GET does).
        for method in getattr(pattern.callback, "actions", {}) or {}:
            if method not in ("head", "options") and (name, method) not in methods_covered:
                methods_missing.append(f"{method.upper()} {name}")
    assert not unnamed, f"name these URL patterns so the access table can cover them: {unnamed}"
    assert not missing, f"views and endpoints with no row in the access table: {missing}"
    assert not methods_missing, f"API methods with no row in the access table: {methods_missing}"


def test_the_completeness_check_sees_views_inside_includes_and_language_prefixes():
    # The walk must reach into include() and i18n_patterns(), else the check above would pass vacuously.
    names = {name for name, _route, _pattern in url_patterns()}
    assert {"healthz", "web:organisation_edit", "accounts:login", "api:organisation-detail", "admin:index"} <= names


# Scoping, beyond the status codes ------------------------------------------------------------------------


def test_contacts_show_only_to_the_programme_team_and_the_organisations_own_users(client_as, nsb, other_nsb):
    own = PersonFactory(organisation=nsb, given_name="Aminata", family_name="Sow", email="a.sow@asn.example")
    foreign = PersonFactory(
        organisation=other_nsb, given_name="Wanjiru", family_name="Kamau", email="w.kamau@kebs.example"
    )
    problems = []
    for role in ROLES:
        client = client_as(role)
        for person, organisation, who_sees in ((own, nsb, SEES_NSB_PEOPLE), (foreign, other_nsb, TEAM)):
            content = client.get(url("web:organisation_detail", pk=organisation.pk)).content.decode()
            if (person.email in content) != (role in who_sees):
                problems.append(
                    f"{role or 'anonymous'} {'sees' if person.email in content else 'misses'} "
                    f"{person} of {organisation.acronym}"
                )
    assert not problems, problems


def test_contacts_never_appear_to_anonymous_visitors_on_any_page_or_endpoint(client_as, nsb):
    person = PersonFactory(organisation=nsb, given_name="Aminata", family_name="Sow", email="a.sow@asn.example")
    client = client_as(ANONYMOUS)
    paths = [
        url("web:home"),
        url("web:organisation_list") + "?q=ASN",
        url("web:organisation_detail", pk=nsb.pk),
        url("web:country_detail", iso3="SEN"),
        url("api:organisation-list") + "?search=ASN",
        url("api:organisation-detail", pk=nsb.pk),
    ]
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        content = response.content.decode()
        assert person.email not in content and person.family_name not in content, path


def test_an_unpublished_organisation_is_listed_only_for_those_who_may_see_it(client_as, hidden_org):
    problems = []
    for role in ROLES:
        client = client_as(role)
        pages = {
            "organisation list": client.get(url("web:organisation_list"), {"q": "Unpublished"}).content.decode(),
            "country page": client.get(url("web:country_detail", iso3="SEN")).content.decode(),
            "API list": client.get(url("api:organisation-list"), {"search": "Unpublished"}).content.decode(),
        }
        for where, content in pages.items():
            if (str(hidden_org.name) in content) != (role in SEES_UNPUBLISHED):
                problems.append(
                    f"{role or 'anonymous'}: {where} {'shows' if role not in SEES_UNPUBLISHED else 'hides'} it"
                )
    assert not problems, problems


def test_an_unpublished_organisation_is_visible_to_its_own_focal_point_and_contributor(client, hidden_org):
    focal = make_user("hidden-focal", Role.FOCAL_POINT, hidden_org)
    contributor = make_user("hidden-contributor", Role.CONTRIBUTOR, hidden_org)
    for user in (focal, contributor):
        client.force_login(user)
        assert client.get(url("web:organisation_detail", pk=hidden_org.pk)).status_code == 200
        assert client.get(url("api:organisation-detail", pk=hidden_org.pk)).status_code == 200
        listed = client.get(url("api:organisation-list"), {"search": "Unpublished"}).json()
        assert [item["id"] for item in listed["results"]] == [hidden_org.pk]
    client.force_login(focal)
    assert client.get(url("web:organisation_edit", pk=hidden_org.pk)).status_code == 200
    client.force_login(contributor)
    assert client.get(url("web:organisation_edit", pk=hidden_org.pk)).status_code == 403


def test_the_person_form_offers_only_organisations_the_user_may_change(client_as, nsb, other_nsb):
    client = client_as("focal")
    response = client.post(
        url("web:person_create", pk=nsb.pk),
        {"given_name": "Awa", "family_name": "Ndiaye", "organisation": other_nsb.pk},
    )
    assert response.status_code == 200  # the form again, with an error on `organisation`
    assert "organisation" in response.context["form"].errors
    assert not Person.objects.filter(family_name="Ndiaye").exists()
