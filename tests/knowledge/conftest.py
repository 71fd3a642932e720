"""The roster the knowledge tests share: five experts with accounts, of whom two read French and know the
X series of ITU-T Recommendations (Awa Diop of ASN, Senegal, whose account is in French; Jean Morel of AFNOR,
whose account is in English), one who knows X.509 but reads only English, one who reads French but knows ISO
9001, one who matches but is inactive."""

from dataclasses import dataclass

import pytest
from django.utils import timezone

from jalon.accounts.models import User
from jalon.knowledge.models import Competency, Expert, ExpertLanguage, Tag
from jalon.organisations.models import Organisation, Person
from jalon.reference.models import Country, Language
from tests.conftest import make_user


@dataclass
class Roster:
    awa: Expert
    jean: Expert
    english_only: Expert
    iso_only: Expert
    inactive: Expert


def expert_make(
    username,
    given,
    family,
    *,
    organisation,
    country,
    sex,
    languages,
    codes,
    state="active",
    preferred="fr",
    visibility="public",
) -> Expert:
    user = make_user(username)
    User.objects.filter(pk=user.pk).update(preferred_language=preferred)
    user.refresh_from_db()
    person = Person.objects.create(
        given_name=given,
        family_name=family,
        organisation=organisation,
        country=country,
        sex=sex,
        email=f"{username}@example.org",
    )
    expert = Expert.objects.create(
        person=person,
        user=user,
        state=state,
        visibility=visibility,
        consent_at=timezone.now(),
        profile_updated_at=timezone.now(),
    )
    for code, level in languages:
        ExpertLanguage.objects.create(expert=expert, language=Language.objects.get(code=code), level=level)
    for kind, code in codes:
        tag, _created = Tag.objects.get_or_create(kind=kind, code=code)
        Competency.objects.create(expert=expert, tag=tag, level="expert")
    return expert


@pytest.fixture
def roster(db, nsb) -> Roster:
    afnor = Organisation.objects.get(acronym="AFNOR")
    senegal, france = Country.objects.get(iso3="SEN"), Country.objects.get(iso3="FRA")
    return Roster(
        awa=expert_make(
            "awa",
            "Awa",
            "Diop",
            organisation=nsb,
            country=senegal,
            sex="female",
            languages=[("fr", "native"), ("en", "B1")],
            codes=[("itu_t", "X")],
        ),
        jean=expert_make(
            "jean",
            "Jean",
            "Morel",
            organisation=afnor,
            country=france,
            sex="male",
            languages=[("fr", "C1"), ("en", "native")],
            codes=[("itu_t", "X.509")],
            preferred="en",
        ),
        english_only=expert_make(
            "kim",
            "Kim",
            "Lee",
            organisation=afnor,
            country=france,
            sex="female",
            languages=[("en", "native"), ("fr", "A2")],
            codes=[("itu_t", "X.509")],
        ),
        iso_only=expert_make(
            "paul",
            "Paul",
            "Ndiaye",
            organisation=nsb,
            country=senegal,
            sex="male",
            languages=[("fr", "native")],
            codes=[("iso", "ISO 9001")],
        ),
        inactive=expert_make(
            "rita",
            "Rita",
            "Sow",
            organisation=nsb,
            country=senegal,
            sex="female",
            languages=[("fr", "native")],
            codes=[("itu_t", "X")],
            state="inactive",
        ),
    )
