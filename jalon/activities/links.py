"""Personal links sent to participants, with no login: a survey to answer, a certificate to download.

A link carries a signed token (django.core.signing, with the SECRET_KEY): the registration, and what it opens.
It expires (SURVEY_DAYS, CERTIFICATE_DAYS); a survey link works once (services.survey_answer refuses a survey
already answered); a certificate link names the certificate's code, so a withdrawn certificate's link no
longer opens it."""

from django.core import signing
from django.utils.translation import gettext as _

SURVEY_SALT = "jalon.activities.survey"
CERTIFICATE_SALT = "jalon.activities.certificate"
SURVEY_DAYS = 60
CERTIFICATE_DAYS = 365
SATISFACTION = "satisfaction"
FOLLOWUP = "followup"
SURVEYS = (SATISFACTION, FOLLOWUP)


class LinkError(Exception):
    """A link that does not open: expired, or not one jalon made."""


def survey_token(registration_id: int, survey: str) -> str:
    if survey not in SURVEYS:
        raise ValueError(survey)
    return signing.dumps({"r": registration_id, "s": survey}, salt=SURVEY_SALT)


def _read(token: str, *, salt: str, days: int) -> dict:
    try:
        value = signing.loads(token, salt=salt, max_age=days * 86400)
    except signing.SignatureExpired as exc:
        raise LinkError(_("This link has expired. Ask the organisers of the activity for a new one.")) from exc
    except signing.BadSignature as exc:
        raise LinkError(_("This link is not valid. Check that it was copied whole.")) from exc
    if not isinstance(value, dict):
        raise LinkError(_("This link is not valid. Check that it was copied whole."))
    return value


def survey_read(token: str) -> tuple[int, str]:
    value = _read(token, salt=SURVEY_SALT, days=SURVEY_DAYS)
    if not isinstance(value.get("r"), int) or value.get("s") not in SURVEYS:
        raise LinkError(_("This link is not valid. Check that it was copied whole."))
    return value["r"], value["s"]


def certificate_token(registration_id: int, code: str) -> str:
    return signing.dumps({"r": registration_id, "c": code}, salt=CERTIFICATE_SALT)


def certificate_read(token: str) -> tuple[int, str]:
    value = _read(token, salt=CERTIFICATE_SALT, days=CERTIFICATE_DAYS)
    if not isinstance(value.get("r"), int) or not isinstance(value.get("c"), str):
        raise LinkError(_("This link is not valid. Check that it was copied whole."))
    return value["r"], value["c"]
