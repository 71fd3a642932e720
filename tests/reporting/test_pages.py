"""The reports pages: a manager starts the annual report from the programme's reports page, follows it and
downloads its files; a viewer of another programme sees none of it; the list costs the same queries
whatever its number of runs."""

import datetime
import hashlib
from urllib.parse import urlparse

from django.urls import reverse
from django.utils import timezone, translation

from jalon.accounts.services import role_assign
from jalon.reporting.models import ReportRun
from jalon.reporting.services import report_run_now
from jalon.results.models import Programme
from tests.conftest import make_user
from tests.reporting.conftest import ILO, ISO

# No test here reads a reach figure: the demo without its activities (tests/reporting/conftest.py).
DEMO_ACTIVITIES = False


def test_a_manager_starts_the_report_follows_it_and_downloads_it(demo, client, users):
    client.force_login(users["manager"])
    page = client.get(reverse("reporting:reports", kwargs={"code": ISO}))
    assert page.status_code == 200 and b'name="language"' in page.content
    response = client.post(reverse("reporting:run_start", kwargs={"code": ISO}), {"kind": "annual", "language": "both"})
    run = ReportRun.objects.get(programme__code=ISO)
    assert response.status_code == 302 and response["Location"] == run.get_absolute_url()
    # The tests' task queue runs the job at once: the page shows it done, with both files and their checksums.
    detail = client.get(run.get_absolute_url())
    assert detail.status_code == 200
    assert run.job.status == "succeeded" and run.job.owner == users["manager"]
    content = detail.content.decode()
    assert 'id="job-status"' in content
    for found in run.files.filter(format="pdf"):
        assert found.checksum in content
        download = client.get(
            reverse(
                "reporting:run_file", kwargs={"code": ISO, "pk": run.pk, "language": found.language, "format": "pdf"}
            )
        )
        assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
        body = b"".join(download.streaming_content)
        assert body.startswith(b"%PDF") and hashlib.sha256(body).hexdigest() == found.checksum
    # A PDF per language, and a DOCX to rework the text.
    assert sorted(run.files.values_list("language", "format")) == [
        ("en", "docx"),
        ("en", "pdf"),
        ("fr", "docx"),
        ("fr", "pdf"),
    ]
    # The generic job page sends its owner to the run's page.
    assert client.get(reverse("jobs:job_detail", kwargs={"pk": run.job.pk}))["Location"] == run.get_absolute_url()


def test_a_viewer_of_another_programme_sees_nothing_of_the_reports(demo, client, users):
    client.force_login(users["manager"])
    client.post(reverse("reporting:run_start", kwargs={"code": ISO}), {"kind": "annual", "language": "fr"})
    run = ReportRun.objects.get(programme__code=ISO)
    viewer = make_user("ilo-viewer")
    role_assign(actor=None, user=viewer, role="viewer", programme=Programme.objects.get(code=ILO))
    client.force_login(viewer)
    assert client.get(reverse("reporting:reports", kwargs={"code": ILO})).status_code == 200
    for name, kwargs in (
        ("reporting:reports", {"code": ISO}),
        ("reporting:run_detail", {"code": ISO, "pk": run.pk}),
        ("reporting:run_file", {"code": ISO, "pk": run.pk, "language": "fr", "format": "pdf"}),
        # The run through the other programme's address: not there either.
        ("reporting:run_detail", {"code": ILO, "pk": run.pk}),
        ("reporting:run_file", {"code": ILO, "pk": run.pk, "language": "fr", "format": "pdf"}),
        ("jobs:job_detail", {"pk": run.job.pk}),
    ):
        assert client.get(reverse(name, kwargs=kwargs)).status_code == 404, name
    # A viewer of the programme itself reads its reports, and may not start one.
    assert client.post(reverse("reporting:run_start", kwargs={"code": ILO}), {"language": "fr"}).status_code == 403
    index = client.get(reverse("reporting:index")).content.decode()
    assert f"/reports/{ILO}/" in index and f"/reports/{ISO}/" not in index


def test_a_bad_choice_is_refused_with_a_message(demo, client, users):
    client.force_login(users["manager"])
    response = client.post(
        reverse("reporting:run_start", kwargs={"code": ISO}), {"kind": "annual", "language": "de"}, follow=True
    )
    assert response.status_code == 200 and not ReportRun.objects.exists()
    assert (
        "Select a valid choice" in response.content.decode()
        or "Sélectionnez un choix valide" in response.content.decode()
    )


def test_the_runs_list_costs_the_same_queries_whatever_its_length(demo, client, users, django_assert_num_queries):
    client.force_login(users["manager"])
    url = reverse("reporting:reports", kwargs={"code": ISO})
    for _ in range(2):
        client.post(reverse("reporting:run_start", kwargs={"code": ISO}), {"kind": "annual", "language": "en"})
    client.get(url)  # warm the session and the grants
    # 8: the start form's lists of contributors and countries are two of them.
    with django_assert_num_queries(8):
        client.get(url)
    client.post(reverse("reporting:run_start", kwargs={"code": ISO}), {"kind": "annual", "language": "fr"})
    client.get(url)
    with django_assert_num_queries(8):
        assert client.get(url).content.decode().count("-annual-") >= 3


def test_the_starter_is_emailed_links_that_open_only_behind_the_access_check(
    demo, client, users, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(users["manager"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("reporting:run_start", kwargs={"code": ILO}),
            {"kind": "annual", "language": "en", "email_when_ready": "on"},
        )
    run = ReportRun.objects.get(programme__code=ILO)
    assert run.status == ReportRun.Status.READY and run.emailed_at is not None
    [mail] = mailoutbox
    assert mail.to == [users["manager"].email]
    links = [word for word in mail.body.split() if word.startswith("http")]
    download = next(urlparse(link).path for link in links if link.endswith(".pdf"))
    assert download == reverse(
        "reporting:run_file", kwargs={"code": ILO, "pk": run.pk, "language": "en", "format": "pdf"}
    )
    assert urlparse(links[-1]).path == run.get_absolute_url()
    # The link itself gives nothing away: signed out, to the login page; a viewer of another programme, 404.
    client.logout()
    assert client.get(download).status_code == 302
    outsider = make_user("iso-viewer")
    role_assign(actor=None, user=outsider, role="viewer", programme=Programme.objects.get(code=ISO))
    client.force_login(outsider)
    assert client.get(download).status_code == 404
    client.force_login(users["manager"])
    assert client.get(download).status_code == 200
    # Without the box ticked, and for a run of the command line (nobody started it), no e-mail.
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reporting:run_start", kwargs={"code": ILO}), {"kind": "annual", "language": "en"})
        report_run_now(programme=Programme.objects.get(code=ILO), kind="annual", language="en")
    assert len(mailoutbox) == 1


def test_a_historical_run_is_started_from_the_page_with_its_date_checked(demo, client, users):
    """The date of the figures ("as of") on the start form: the values that counted at the end of that day;
    refused in the future, before the programme, or when it is not a date, with the reason."""
    client.force_login(users["manager"])
    programme = Programme.objects.get(code=ISO)
    page = client.get(reverse("reporting:reports", kwargs={"code": ISO})).content.decode()
    assert 'type="date" name="as_of"' in page or 'name="as_of"' in page and 'type="date"' in page
    with translation.override("en"):
        start = reverse("reporting:run_start", kwargs={"code": ISO})
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    before = programme.start_date - datetime.timedelta(days=1)
    for day, reason in (
        (tomorrow.isoformat(), "The date of the figures cannot be in the future."),
        (before.isoformat(), "The date of the figures cannot be before the programme starts"),
        ("31/02/2023", "Enter a valid date."),
    ):
        response = client.post(start, {"kind": "iptt", "language": "en", "as_of": day}, follow=True)
        assert response.status_code == 200 and reason in response.content.decode(), day
    assert not ReportRun.objects.exists()
    day = datetime.date(programme.start_date.year + 1, 6, 30)
    response = client.post(start, {"kind": "iptt", "language": "en", "as_of": day.isoformat()})
    run = ReportRun.objects.get(programme=programme)
    assert response.status_code == 302 and run.historical and run.snapshot["historical"]
    assert timezone.localtime(run.as_of).date() == day
    # Without a date: the values approved now, dated now.
    client.post(start, {"kind": "iptt", "language": "en"})
    latest = ReportRun.objects.filter(programme=programme).exclude(pk=run.pk).get()
    assert not latest.historical and timezone.localtime(latest.as_of).date() == timezone.localdate()
