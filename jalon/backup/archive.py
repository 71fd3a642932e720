"""One file that holds a whole jalon: every record of its database and every uploaded file.

`jalon backup FILE` writes a gzip-compressed tar archive:
- `manifest.json`: the format, when and from what it was made, the migrations the data needs, the number of
  records per model and the size and SHA-256 of every other member, so that a truncated or altered archive
  is refused before anything is restored;
- `data.jsonl`: every record, one JSON object a line (Django's serialisation, content types and
  permissions included so that what refers to them keeps its ids), read back one line at a time and
  written in batches, so memory stays flat however large;
- `media/...`: the uploaded files (evidence, materials, reports, what jobs made).

Why Django's serialisation and not the database's own dump: the same archive restores into SQLite or
PostgreSQL (a demo moved to a server, a server's data opened on a laptop), and it needs no client tool of
the database's version. For very large PostgreSQL databases pg_dump is faster; the README says how.

The copy is consistent: on PostgreSQL it is read in one REPEATABLE READ, read-only transaction (writers are
not blocked); on SQLite from a snapshot taken with SQLite's online backup (writers wait only for the copy of
the file). Files are read after the data: a file added meanwhile is included, harmlessly.

What is left out: the task queue's own records (tasks in flight are not data; jobs are kept, and a job that
was waiting or running is marked failed on restore, to be started again), sessions (everyone signs in
again).
"""

import datetime
import hashlib
import io
import json
import shutil
import sqlite3
import tarfile
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django.utils.translation import gettext as _

from jalon.jobs.models import Job

FORMAT, VERSION = "jalon-backup", 1
# Transient: sessions (everyone signs in again) and the task queue (see _jobs_settle).
EXCLUDED = ("sessions", "django_tasks_database")
# Uploads of jobs in flight: transient personal data, removed when their job ends.
MEDIA_SKIPPED = ("jobs/uploads",)
SOURCE_ALIAS = "backup_source"


def _models() -> list:
    """The models whose records are backed up, in an order that satisfies foreign keys."""
    from django.core.serializers import sort_dependencies

    excluded_apps = {item for item in EXCLUDED if "." not in item}
    excluded_models = {item for item in EXCLUDED if "." in item}
    app_list = {
        config: None
        for config in apps.get_app_configs()
        if config.label not in excluded_apps and config.models_module is not None
    }
    ordered = sort_dependencies(app_list.items(), allow_cycles=True)
    return [
        model
        for model in ordered
        if model._meta.label_lower not in excluded_models and not model._meta.proxy and model._meta.managed
    ]


def _migrations(alias: str) -> dict[str, str]:
    """The latest applied migration of each app: the schema the data belongs to."""
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connections[alias]).applied_migrations():
        if name > latest.get(app, ""):
            latest[app] = name
    return dict(sorted(latest.items()))


@contextmanager
def _snapshot() -> Iterator[str]:
    """A database alias whose reads all see one moment of the data."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "sqlite":
        with tempfile.TemporaryDirectory(prefix="jalon-backup-") as folder:
            copy = Path(folder) / "snapshot.sqlite3"
            source = sqlite3.connect(settings.DATABASES[DEFAULT_DB_ALIAS]["NAME"], timeout=60)
            target = sqlite3.connect(copy)
            try:
                source.backup(target)
            finally:
                target.close()
                source.close()
            connections.settings[SOURCE_ALIAS] = {**settings.DATABASES[DEFAULT_DB_ALIAS], "NAME": str(copy)}
            try:
                yield SOURCE_ALIAS
            finally:
                connections[SOURCE_ALIAS].close()
                del connections[SOURCE_ALIAS]
                connections.settings.pop(SOURCE_ALIAS, None)
        return
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield DEFAULT_DB_ALIAS


class _ExactEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to the millisecond (as ECMA-262 does); a backup keeps them whole, so that
    order by time and the audit trail come back exactly."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def _media_files() -> Iterator[tuple[str, Path]]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return
    for path in sorted(root.rglob("*")):
        name = path.relative_to(root).as_posix()
        if path.is_file() and not any(name.startswith(skipped + "/") for skipped in MEDIA_SKIPPED):
            yield name, path


def _stream_sha256(handle) -> tuple:
    """The SHA-256 (hashlib object) and size of what a binary file yields, read a megabyte at a time."""
    digest, size = hashlib.sha256(), 0
    for block in iter(lambda: handle.read(1 << 20), b""):
        digest.update(block)
        size += len(block)
    return digest, size


def _file_sha256(path: Path) -> str:
    with path.open("rb") as handle:
        return _stream_sha256(handle)[0].hexdigest()


def backup_write(target: Path) -> dict:
    """Write the archive to `target` (through a temporary file: a failed backup leaves no partial archive
    under the name) and return its manifest."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jalon-backup-", dir=target.parent) as folder:
        data_path = Path(folder) / "data.jsonl"
        rows: Counter = Counter()
        with _snapshot() as alias:
            migrations = _migrations(alias)
            with data_path.open("w", encoding="utf-8", newline="\n") as text:
                for model in _models():
                    objects = model._base_manager.using(alias).order_by(model._meta.pk.name).iterator(chunk_size=2000)
                    counting = _counted(objects, rows, model._meta.label_lower)
                    serializers.serialize(
                        "jsonl", counting, stream=text, use_natural_foreign_keys=False, cls=_ExactEncoder
                    )
        files = []
        partial = Path(folder) / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(data_path, arcname="data.jsonl")
            for name, path in _media_files():
                try:
                    archive.add(path, arcname=f"media/{name}")
                    files.append({"name": name, "size": path.stat().st_size, "sha256": _file_sha256(path)})
                except FileNotFoundError:
                    continue  # removed since it was listed (a job's upload that ended): not data to keep
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": timezone.now().isoformat(),
                "database": connections[DEFAULT_DB_ALIAS].vendor,
                "migrations": migrations,
                "records": dict(sorted(rows.items())),
                "data": {"size": data_path.stat().st_size, "sha256": _file_sha256(data_path)},
                "files": files,
            }
            encoded = json.dumps(manifest, indent=1, sort_keys=True).encode()
            info = tarfile.TarInfo("manifest.json")
            info.size, info.mtime = len(encoded), int(datetime.datetime.now().timestamp())
            archive.addfile(info, io.BytesIO(encoded))
        shutil.move(partial, target)
    return manifest


def _counted(objects, rows: Counter, label: str):
    for item in objects:
        rows[label] += 1
        yield item


# Restoring --------------------------------------------------------------------------------------------------


def _refuse(message: str) -> ValidationError:
    return ValidationError(message, code="invalid")


def _read_manifest(archive: tarfile.TarFile) -> dict:
    try:
        member = archive.getmember("manifest.json")
        handle = archive.extractfile(member)
        manifest = json.loads(handle.read()) if handle else None
    except (KeyError, ValueError) as exc:
        raise _refuse(_("This file is not a jalon backup, or it is damaged (no readable manifest).")) from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise _refuse(_("This file is not a jalon backup."))
    if manifest.get("version") != VERSION:
        raise _refuse(
            _("This backup is in format version %(version)s, which this version of jalon cannot read.")
            % {"version": manifest.get("version")}
        )
    return manifest


def backup_check(source: Path) -> dict:
    """Read the whole archive and check every member against the manifest, before anything is restored.
    Returns the manifest. A truncated, altered or foreign file is refused with a message."""
    if not Path(source).is_file():
        raise _refuse(_("There is no backup file at %(path)s.") % {"path": source})
    try:
        with tarfile.open(source, "r:gz") as archive:
            manifest = _read_manifest(archive)
            expected = {"data.jsonl": manifest["data"]} | {f"media/{f['name']}": f for f in manifest["files"]}
            seen = set()
            for member in archive:
                if member.name == "manifest.json":
                    continue
                if member.name not in expected or not member.isfile():
                    raise _refuse(_("The backup holds an unexpected entry: %(name)s.") % {"name": member.name})
                digest, size = _stream_sha256(archive.extractfile(member))
                want = expected[member.name]
                if size != want["size"] or digest.hexdigest() != want["sha256"]:
                    raise _refuse(
                        _("The backup is damaged: %(name)s does not match its manifest.") % {"name": member.name}
                    )
                seen.add(member.name)
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise _refuse(_("The backup file is truncated or damaged: it cannot be read to its end.")) from exc
    missing = set(expected) - seen
    if missing:
        raise _refuse(
            _("The backup is incomplete: %(count)s entries of its manifest are missing.") % {"count": len(missing)}
        )
    return manifest


def _database_empty() -> bool:
    """No account yet: a database just migrated (reference data loaded or not), nothing anyone made."""
    from django.contrib.auth import get_user_model

    return not get_user_model().objects.exists()


def backup_restore(source: Path, *, replace: bool = False) -> dict:
    """Restore an archive into this database and MEDIA_ROOT. The database must have the archive's migrations
    and no account (or `replace`: everything in it is deleted). All or nothing for the data: it is loaded in
    one transaction; files are written only once the data is in."""
    source = Path(source)
    manifest = backup_check(source)
    current = _migrations(DEFAULT_DB_ALIAS)
    if current != manifest["migrations"]:
        differing = sorted(
            app
            for app in set(current) | set(manifest["migrations"])
            if current.get(app) != manifest["migrations"].get(app)
        )
        raise _refuse(
            _(
                "This backup was made with another version of jalon's database (%(apps)s differ). Restore it with "
                "the version of jalon that made it, then upgrade with `jalon migrate`."
            )
            % {"apps": ", ".join(differing)}
        )
    if not replace and not _database_empty():
        raise _refuse(_("This database already holds data: restore into an empty database, or use --replace."))
    media = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="jalon-restore-") as folder:
        with tarfile.open(source, "r:gz") as archive:
            archive.extractall(folder, filter="data")
        with transaction.atomic():
            # Whatever is there (reference data loaded on an empty database, or everything with `replace`)
            # makes way: the archive is the whole truth. Content types and permissions are made again.
            call_command("flush", interactive=False, verbosity=0)
            # Made again by the flush, perhaps with other ids than the archive's, which the data refers to.
            ContentType.objects.all().delete()
            loaded = _load(Path(folder) / "data.jsonl")
            if loaded != Counter(manifest["records"]):
                raise _refuse(_("The backup's records do not match its manifest: nothing was restored."))
            _jobs_settle()
        extracted = Path(folder) / "media"
        if replace and media.exists():
            shutil.rmtree(media)
        if extracted.exists():
            shutil.copytree(extracted, media, dirs_exist_ok=True)
    return manifest


LOAD_BATCH = 2000


def _load(path: Path) -> Counter:
    """Insert the records of data.jsonl model by model in batches, as they are (timestamps included: no
    field's save-time value replaces them), with the constraints checked once at the end. Returns the number
    of records per model. Django's loaddata saves one object at a time, which takes hours for a million
    attendance rows; this reads one line at a time and writes a batch per statement."""
    connection = connections[DEFAULT_DB_ALIAS]
    loaded: Counter = Counter()
    batch: list = []
    links: list = []

    def flush() -> None:
        if not batch:
            return
        model = type(batch[0].object)
        fields = list(model._meta.local_concrete_fields)
        objects = [item.object for item in batch]
        size = connection.ops.bulk_batch_size(fields, objects) or len(objects)
        for start in range(0, len(objects), size):
            model._base_manager.using(DEFAULT_DB_ALIAS)._insert(objects[start : start + size], fields=fields, raw=True)
        for item in batch:
            for name, values in item.m2m_data.items():
                links.append((getattr(model, name).through, model._meta.get_field(name), item.object.pk, values))
        loaded[model._meta.label_lower] += len(batch)
        batch.clear()

    with connection.constraint_checks_disabled():
        with path.open(encoding="utf-8") as stream:
            for item in serializers.deserialize("jsonl", stream, handle_forward_references=False):
                if batch and (type(item.object) is not type(batch[0].object) or len(batch) >= LOAD_BATCH):
                    flush()
                batch.append(item)
            flush()
        _links_insert(links)
    connection.check_constraints()
    models = [apps.get_model(label) for label in loaded]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
    return loaded


def _links_insert(links: list) -> None:
    """The many-to-many rows, through their automatic tables (a declared through model is a model of its own,
    backed up and loaded as such)."""
    rows: dict = {}
    for through, field, pk, values in links:
        if not through._meta.auto_created:
            continue
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        rows.setdefault(through, []).extend(through(**{f"{source}_id": pk, f"{target}_id": value}) for value in values)
    for through, objects in rows.items():
        through._base_manager.using(DEFAULT_DB_ALIAS).bulk_create(objects, batch_size=LOAD_BATCH)


def _jobs_settle() -> None:
    """The queue is not in the backup: a job that was waiting or running will not run. It is marked failed,
    so that its owner sees it and starts it again."""
    Job.objects.exclude(status__in=Job.FINISHED).update(
        status=Job.Status.FAILED,
        finished_at=timezone.now(),
        message=_("Interrupted by a restore from backup: nothing was saved; start it again."),
    )
