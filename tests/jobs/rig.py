"""A database of its own and real jalon processes (the worker, the command line, the web server) around it,
for the tests that need a worker as it runs in production: a queue in the database (SQLite or PostgreSQL,
the same kind as the suite's), or in Redis."""

import os
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]
JALON = [sys.executable, "-m", "jalon.cli"]


def postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@dataclass
class Rig:
    folder: Path
    url: str
    backend: str = "database"
    extra: dict = field(default_factory=dict)
    processes: list = field(default_factory=list)

    @property
    def env(self) -> dict:
        return {
            **os.environ,
            "DATABASE_URL": self.url,
            "TASKS_BACKEND": self.backend,
            "JALON_DATA_DIR": str(self.folder),
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "jalon.settings",
            # Commands speak the locale's language (jalon/cli.py): the site's default here, whatever the machine's.
            "LC_ALL": "C.UTF-8",
            **self.extra,
        }

    def jalon(self, *args: str, timeout: float = 600) -> str:
        result = subprocess.run(
            [*JALON, *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout
        )
        if result.returncode:
            raise AssertionError(f"jalon {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def python(self, code: str, timeout: float = 300) -> str:
        """Run Python with Django set up against the rig's database; returns what it prints."""
        return self.jalon("shell", "-c", code, timeout=timeout)

    def start(self, *args: str) -> subprocess.Popen:
        process = subprocess.Popen(
            [*JALON, *args], cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
        )
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self.processes.clear()

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Read the rig's database directly (not through Django: the test's own database is another one)."""
        if self.url.startswith("sqlite"):
            with sqlite3.connect(self.url.removeprefix("sqlite:///"), timeout=30) as connection:
                return connection.execute(sql.replace("%s", "?"), params).fetchall()
        with psycopg.connect(self.url, autocommit=True) as connection:
            cursor = connection.execute(sql, params)
            return cursor.fetchall() if cursor.description else []

    def job(self, pk: int) -> dict:
        columns = ("status", "done", "total", "message", "result", "worker", "started_at")
        [row] = self.query(f"SELECT {', '.join(columns)} FROM jobs_job WHERE id = %s", (pk,))  # noqa: S608
        return dict(zip(columns, row, strict=True))

    def wait_for(self, predicate, *, timeout: float = 120, every: float = 0.2):
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                raise AssertionError(f"still waiting after {timeout} s")
            time.sleep(every)


def rig_database(folder: Path, name: str) -> str:
    """An empty database of the suite's kind for the rig."""
    if not postgresql():
        return f"sqlite:///{folder / 'rig.sqlite3'}"
    base = settings.DATABASES["default"]
    admin_url = f"postgresql://{base['USER']}@{base['HOST'] or '127.0.0.1'}:{base['PORT'] or 5432}/postgres"
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"


def rig_database_copy(source: Rig, folder: Path, name: str) -> str:
    """A copy of a rig's database (migrated once, copied for each test that needs a fresh one: faster than
    migrating again)."""
    if not postgresql():
        path = folder / "rig.sqlite3"
        with sqlite3.connect(source.url.removeprefix("sqlite:///")) as original, sqlite3.connect(path) as copy:
            original.backup(copy)
        return f"sqlite:///{path}"
    admin_url = source.url.rsplit("/", 1)[0] + "/postgres"
    template = source.url.rsplit("/", 1)[1]
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    return admin_url.rsplit("/", 1)[0] + f"/{name}"
