"""Personal links sent to participants, with no login (issue 19): a survey answered into the registration's
satisfaction or follow-up fields, once, until the link expires; the certificate by its link, which a withdrawn
certificate's link no longer opens."""

import datetime
import re

import pytest
from django.core import mail
from django.utils import timezone
from freezegun import freeze_time

from jalon.accounts.models import AuditEntry
from jalon.activities import links, services
from jalon.activities import mail as activity_mail
from jalon.activities.models import Registration
from tests.activities.conftest import activity_build
from tests.activities.test_pages import main_text, page_url


@pytest.fixture
def registration(db) -> Registration:
    activity = activity_build()
    return services.registration_create(
        actor=None,
        activity=activity,
        person_details={"given_name": "Awa", "family_name": "Diop", "email": "awa@example.sn"},
        language="fr",
    )


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_the_satisfaction_link_records_the_answer_once(client, registration):
    assert activity_mail.survey_send(registration, links.SATISFACTION)
    [message] = mail.outbox
    assert message.subject == "Votre avis sur Atelier BPN"  # the registration's language
    path = path_of(re.search(r"http\S+/survey/\S+/", message.body).group(0))
    response = client.get(path)
    assert response.status_code == 200 and "Awa Diop" in main_text(response)
    response = client.post(path, {"satisfaction": "4", "comment": "Très utile"})
    assert "Merci : votre réponse est enregistrée." in main_text(response)
    registration.refresh_from_db()
    assert (registration.satisfaction, registration.satisfaction_comment) == (4, "Très utile")
    assert AuditEntry.objects.filter(object_id=str(registration.pk), action=AuditEntry.Action.UPDATE).exists()
    again = client.post(path, {"satisfaction": "1"})
    assert again.status_code == 410
    registration.refresh_from_db()
    assert registration.satisfaction == 4
    assert client.get(path).status_code == 410


def test_the_follow_up_link_records_applied_and_the_date(client, registration):
    token = links.survey_token(registration.pk, links.FOLLOWUP)
    path = page_url("activities:survey_answer", token=token)
    assert "Have you applied what you learned?" in main_text(client.get(path))
    client.post(path, {"followup_applied": "partly", "comment": "A procedure"})
    registration.refresh_from_db()
    assert registration.followup_applied == "partly" and registration.followup_date == timezone.localdate()


def test_a_blank_answer_is_refused_beside_its_field(client, registration):
    path = page_url("activities:survey_answer", token=links.survey_token(registration.pk, links.SATISFACTION))
    response = client.post(path, {"comment": "?"})
    assert response.status_code == 200 and "This field is required." in main_text(response)
    registration.refresh_from_db()
    assert registration.satisfaction is None


def test_an_expired_or_altered_link_does_not_open(client, registration):
    with freeze_time(timezone.now() - datetime.timedelta(days=links.SURVEY_DAYS + 1)):
        old = links.survey_token(registration.pk, links.SATISFACTION)
    response = client.get(page_url("activities:survey_answer", token=old))
    assert response.status_code == 404 and "This link has expired" in main_text(response)
    fresh = links.survey_token(registration.pk, links.SATISFACTION)
    response = client.get(page_url("activities:survey_answer", "fr", token=fresh[:-2] + "xx"))
    assert response.status_code == 404 and "Ce lien n’est pas valide" in main_text(response)


def test_a_survey_link_is_not_a_certificate_link(client, registration):
    token = links.survey_token(registration.pk, links.SATISFACTION)
    assert client.get(page_url("activities:certificate_link", token=token)).status_code == 404


def test_the_certificate_link_opens_the_pdf_without_login_until_withdrawn(client, registration):
    completed = services.registration_complete(actor=None, registration=registration)
    assert activity_mail.certificate_send(completed)
    assert not activity_mail.certificate_send(completed)  # once per certificate
    [message] = mail.outbox
    assert message.subject == "Votre certificat : Atelier BPN" and completed.certificate_code in message.body
    path = path_of(re.search(r"http\S+/certificates/link/\S+/", message.body).group(0))
    response = client.get(path)
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    services.registration_complete(actor=None, registration=completed, completed=False)
    response = client.get(path)
    assert response.status_code == 410 and "n’est plus valide" in main_text(response)
