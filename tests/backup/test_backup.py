"""`jalon backup` and `jalon restore` as an operator runs them: real processes on two databases of the suite's
kind (SQLite or PostgreSQL). A backup restored into an empty database gives the same progress figures, the
same files and the same history; a damaged, truncated or foreign archive is refused with nothing restored."""

import gzip
import io
import json
import tarfile

import pytest

from tests.jobs.rig import Rig, rig_database_copy, suite_name

# Builds, in the source database, a programme with reported values (one with an evidence file), an
# organisation with a multilingual name, a user with a role and an audit trail: what the progress pages read.
BUILD = """
import datetime
from decimal import Decimal
from django.core.files.base import ContentFile
from jalon.accounts.models import User
from jalon.organisations.models import Organisation
from jalon.results.models import Measurement
from tests.access.matrix import programme_build

owner = Organisation.objects.create(acronym="ASN", name={"fr": "Association sénégalaise", "en": "Senegal body"})
user = User.objects.create_user(username="awa", password="correct-horse-battery", email="awa@example.org")
programme, period, indicator = programme_build("backup", owner=owner, published=True)
for value, status in ((Decimal("4"), "approved"), (Decimal("3"), "approved"), (Decimal("9"), "draft")):
    Measurement.objects.create(
        indicator=indicator, period=period, organisation=owner, value=value, status=status, author=user
    )
proof = Measurement.objects.filter(status="approved").first()
proof.evidence.save("proof.pdf", ContentFile(b"%PDF-1.4 evidence"), save=True)
print(proof.evidence.name)
"""

# The figures the progress pages show, for every programme, and what the restore must keep as it was.
FIGURES = """
import datetime, json
from jalon.accounts.models import User
from jalon.organisations.models import Organisation
from jalon.results.models import Measurement, Programme
from jalon.results.selectors import programme_progress
figures = {}
for programme in Programme.objects.order_by("code"):
    report = programme_progress(programme=programme, today=datetime.date(2026, 12, 1))
    figures[programme.code] = sorted(repr(progress) for progress in report.indicators.values())
figures["organisations"] = [[o.acronym, dict(o.name)] for o in Organisation.objects.order_by("pk")]
figures["users"] = [[u.pk, u.username, u.check_password("correct-horse-battery")] for u in User.objects.order_by("pk")]
figures["measurements"] = [
    [m.pk, str(m.value), m.status, m.evidence.name, m.created_at.isoformat()]
    for m in Measurement.objects.order_by("pk")
]
print(json.dumps(figures, sort_keys=True))
"""


@pytest.fixture(scope="module")
def empty(rig_make):
    """A migrated database with nothing in it, copied for each target."""
    return rig_make("backup_empty")


@pytest.fixture(scope="module")
def source(tmp_path_factory, empty):
    folder = tmp_path_factory.mktemp("backup_source")
    rig = Rig(folder=folder, url=rig_database_copy(empty, folder, f"backup_source_{suite_name()}"))
    rig.evidence = rig.python(BUILD).strip().splitlines()[-1]
    rig.archive = rig.folder / "backups" / "jalon.tar.gz"
    rig.jalon("backup", str(rig.archive))
    return rig


@pytest.fixture
def target(tmp_path_factory, empty):
    folder = tmp_path_factory.mktemp("backup_target")
    return Rig(folder=folder, url=rig_database_copy(empty, folder, f"backup_target_{suite_name()}"))


def figures(rig: Rig) -> dict:
    return json.loads(rig.python(FIGURES).strip().splitlines()[-1])


def test_a_backup_restored_into_an_empty_database_gives_the_same_figures_and_files(source, target):
    before = figures(source)
    assert before["backup"] and len(before["measurements"]) == 3
    output = target.jalon("restore", str(source.archive))
    assert "restored" in output
    assert figures(target) == before
    assert (target.folder / "media" / source.evidence).read_bytes() == b"%PDF-1.4 evidence"
    # The restored database goes on: new records get new ids, not the restored ones'.
    new = target.python("from jalon.accounts.models import User; print(User.objects.create(username='new').pk)")
    assert int(new.strip().splitlines()[-1]) > max(pk for pk, _name, _ok in before["users"])


def test_restore_refuses_a_database_that_already_holds_data_unless_told_to_replace_it(source, target):
    target.python("from jalon.accounts.models import User; User.objects.create(username='already-here')")
    with pytest.raises(AssertionError, match="contient déjà des données"):
        target.jalon("restore", str(source.archive), "--language", "fr")
    target.jalon("restore", "--replace", str(source.archive))
    assert figures(target) == figures(source)


def _tampered(source: Rig, folder, change) -> str:
    """The archive rewritten with `change(members)` applied to its {name: bytes}."""
    with tarfile.open(source.archive, "r:gz") as archive:
        members = {member.name: archive.extractfile(member).read() for member in archive if member.isfile()}
    change(members)
    path = folder / "tampered.tar.gz"
    with tarfile.open(path, "w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return str(path)


def test_a_damaged_truncated_or_foreign_archive_is_refused_and_nothing_is_restored(source, target, tmp_path):
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(source.archive.read_bytes()[: source.archive.stat().st_size // 2])
    foreign = tmp_path / "foreign.tar.gz"
    foreign.write_bytes(gzip.compress(b"not a tar archive at all" * 100))

    def edit_a_value(members):
        members["data.jsonl"] = members["data.jsonl"].replace(b'"4.0000"', b'"5.0000"', 1)

    def drop_the_evidence(members):
        del members[next(name for name in members if name.startswith("media/"))]

    cases = {
        str(truncated): "truncated or damaged",
        str(foreign): "truncated or damaged",
        _tampered(source, tmp_path, edit_a_value): "does not match its manifest",
        _tampered(source, tmp_path, drop_the_evidence): "incomplete",
    }
    for path, reason in cases.items():
        with pytest.raises(AssertionError, match=reason):
            target.jalon("restore", path, "--language", "en")
    empty = target.python("from jalon.accounts.models import User; print(User.objects.count())")
    assert empty.strip().splitlines()[-1] == "0"
    assert not (target.folder / "media").exists()
