"""The ISO committee import shows what it would change before changing it (a preview, a dry run that saves
nothing) and refuses a large change unless the operator confirms it (command flag, page checkbox). Very large
files: test_import_batches.py."""

import datetime
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from jalon.committees.iso_import import (
    ISO_COMMITTEES_FILE,
    JOB_KIND,
    LargeChange,
    iso_committees_import,
    iso_committees_preview,
)
from jalon.committees.models import Committee, CommitteeMembership, ImportRun, ParticipationEvent
from jalon.jobs.models import Job
from tests.committees.conftest import read_rows, write_rows

FIRST = datetime.date(2026, 5, 1)
LATER = datetime.date(2026, 10, 1)

# Every test starts from the real file imported as of FIRST (tests/committees/conftest.py), once for the module.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english", "first_imported")]


def _state() -> tuple:
    return (
        Committee.objects.count(),
        Committee.objects.filter(status="disbanded").count(),
        CommitteeMembership.objects.filter(until=None).count(),
        ParticipationEvent.objects.count(),
        ImportRun.objects.count(),
    )


def _items(value: str) -> list[str]:
    return [item.strip() for item in value.strip()[1:-1].split(",") if item.strip()]


@pytest.fixture
def later(tmp_path):
    """The real file, imported, and a later copy: ISO/TC 1's row dropped (disbanded), one committee
    suspended, one member joining as P, another leaving."""
    rows = read_rows(ISO_COMMITTEES_FILE)
    with_members = [row for row in rows if row["pMembers.id"].count(",") >= 2 and row["status"] == "Active"]
    suspended, joining, leaving = with_members[0], with_members[1], with_members[2]
    suspended["status"] = "Suspended"
    joining_ids, joining_acronyms = _items(joining["pMembers.id"]), _items(joining["pMembers.acronym"])
    leaving_ids, leaving_acronyms = _items(leaving["pMembers.id"]), _items(leaving["pMembers.acronym"])
    taken = set(joining_ids) | set(_items(joining["oMembers.id"]))
    # A member of another committee joins: a P-member of the `leaving` row (not its last) that `joining` lacks.
    newcomer = next(
        (iso_id, acronym)
        for iso_id, acronym in zip(leaving_ids[:-1], leaving_acronyms[:-1], strict=True)
        if iso_id not in taken
    )
    joining["pMembers.id"] = "[" + ",".join([*joining_ids, newcomer[0]]) + "]"
    joining["pMembers.acronym"] = "[" + ",".join([*joining_acronyms, newcomer[1]]) + "]"
    gone_acronym = leaving_acronyms[-1]
    leaving["pMembers.id"] = "[" + ",".join(leaving_ids[:-1]) + "]"
    leaving["pMembers.acronym"] = "[" + ",".join(leaving_acronyms[:-1]) + "]"
    dropped = next(row for row in rows if row not in (suspended, joining, leaving))
    rows.remove(dropped)
    path = tmp_path / "later.csv"
    write_rows(path, rows)
    return {
        "path": path,
        "dropped": dropped["reference"],
        "suspended": suspended["reference"],
        "joining": (joining["reference"], newcomer[1].strip()),
        "leaving": (leaving["reference"], gone_acronym),
    }


def test_a_preview_lists_which_committees_would_change_and_saves_nothing(later):
    before = _state()

    preview = iso_committees_preview(path=later["path"], as_of=LATER)

    assert _state() == before
    changes = {item["reference"]: item for item in preview["changes"]}
    assert changes[later["dropped"]]["change"] == "disbanded"
    assert changes[later["suspended"]]["status"] == ["active", "suspended"]
    reference, newcomer = later["joining"]
    assert changes[reference]["joined_p"] == [newcomer]
    reference, gone = later["leaving"]
    assert changes[reference]["left"] == [gone]
    assert preview["changes_total"] == len(changes) == 4
    assert preview["large_change"] is None and preview["summary"]["committees_disbanded"] == 1
    # The counts are those the import then makes.
    run = iso_committees_import(path=later["path"], as_of=LATER)
    for key in ("committees_disbanded", "joined_p", "left", "memberships_closed", "memberships_opened"):
        assert run.summary[key] == preview["summary"][key], key


def test_the_command_dry_run_lists_the_changes_and_saves_nothing(later, capsys):
    before = _state()

    call_command("import_iso_committees", str(later["path"]), "--as-of", "2026-10-01", "--dry-run")

    out = capsys.readouterr().out
    assert _state() == before
    assert f"{later['dropped']}: disbanded" in out
    assert f"{later['suspended']}: status active -> suspended" in out
    assert f"{later['joining'][0]}: joined_p: {later['joining'][1]}" in out
    assert "Committees that would change: 4" in out and "Nothing was saved (dry run)." in out


def _cut_at_a_row_end(tmp_path) -> str:
    content = ISO_COMMITTEES_FILE.read_bytes()
    at = content.index(b"\n", len(content) // 3) + 1
    path = tmp_path / "cut.csv"
    path.write_bytes(content[:at])
    return str(path)


def test_the_command_refuses_a_large_change_unless_confirmed(tmp_path, capsys):
    cut = _cut_at_a_row_end(tmp_path)
    before = _state()

    with pytest.raises(CommandError, match="--confirm-large-change"):
        call_command("import_iso_committees", cut, "--as-of", "2026-10-01")
    assert _state() == before
    call_command("import_iso_committees", cut, "--as-of", "2026-10-01", "--dry-run")
    assert "Large change: the file lacks" in capsys.readouterr().out
    assert _state() == before

    call_command("import_iso_committees", cut, "--as-of", "2026-10-01", "--confirm-large-change")

    disbanded = Committee.objects.filter(status="disbanded").count()
    assert disbanded > 400
    assert ImportRun.objects.latest("pk").summary["large_change_confirmed"]["missing"] == disbanded
    # The whole file again brings them back; the service itself refuses the cut one without the confirmation.
    iso_committees_import(path=ISO_COMMITTEES_FILE, as_of=LATER)
    with pytest.raises(LargeChange):
        iso_committees_import(path=cut, as_of=LATER)


# The page: preview, then apply (with the box ticked for a large change) or cancel --------------------------


def _page(name: str, **kwargs) -> str:
    with translation.override("en"):
        return reverse(name, kwargs=kwargs or None)


def _upload(client, path, as_of="2026-10-01"):
    content = Path(path).read_bytes()
    return client.post(
        _page("committees:iso_import"),
        {"file": SimpleUploadedFile("iso.csv", content, content_type="text/csv"), "as_of": as_of},
    )


def test_the_page_shows_a_large_change_and_applies_it_only_with_the_box_ticked(client_as, tmp_path, media_root):
    client = client_as("manager")
    before = _state()

    preview_url = _upload(client, _cut_at_a_row_end(tmp_path))["Location"]

    page = client.get(preview_url).content.decode()
    assert _state() == before
    assert "Large change: this file lacks" in page and 'name="confirm_large_change"' in page
    assert "disbanded" in page and "ISO/TC" in page and 'rel="next"' in page  # listed, page by page
    refused = client.post(preview_url, {"decision": "apply"})
    assert refused.status_code == 200 and "Tick the box" in refused.content.decode()
    assert _state() == before and Job.objects.filter(kind=JOB_KIND).count() == 1

    applied = client.post(preview_url, {"decision": "apply", "confirm_large_change": "on"})

    job = Job.objects.filter(kind=JOB_KIND).latest("pk")
    assert applied["Location"] == _page("committees:iso_import_job", pk=job.pk)
    assert job.status == "succeeded", job.message
    assert Committee.objects.filter(status="disbanded").count() > 400
    assert not list((media_root / "committees").rglob("*.csv"))  # the kept file is gone once applied
    assert "This preview was applied." in client.get(preview_url).content.decode()
    # Applied once: a second click imports nothing more.
    assert client.post(preview_url, {"decision": "apply", "confirm_large_change": "on"}).status_code == 403


def test_the_operator_cancels_a_preview_and_nothing_is_imported(client_as, later, media_root):
    client = client_as("manager")
    before = _state()
    preview_url = _upload(client, later["path"])["Location"]
    page = client.get(preview_url).content.decode()
    assert later["suspended"] in page and "status: active → suspended" in page
    assert list((media_root / "committees").rglob("*.csv"))  # kept for the operator's decision

    response = client.post(preview_url, {"decision": "discard"})

    assert response["Location"] == _page("committees:iso_import")
    assert _state() == before
    assert not list((media_root / "committees").rglob("*.csv"))
    assert "This preview was cancelled" in client.get(preview_url).content.decode()


def test_a_preview_is_not_applied_after_another_import(client_as, later, media_root):
    client = client_as("manager")
    preview_url = _upload(client, later["path"])["Location"]
    iso_committees_import(path=later["path"], as_of=LATER)  # someone imports meanwhile
    before = _state()

    client.post(preview_url, {"decision": "apply"})

    job = Job.objects.filter(kind=JOB_KIND).latest("pk")
    assert job.status == "failed" and "Another import was made since this preview" in job.message
    assert _state() == before


def test_another_user_cannot_apply_someone_elses_preview(client_as, later, media_root):
    preview_url = _upload(client_as("manager"), later["path"])["Location"]
    assert client_as("viewer").post(preview_url, {"decision": "apply"}).status_code in (403, 404)
    assert Job.objects.filter(kind=JOB_KIND).count() == 1
