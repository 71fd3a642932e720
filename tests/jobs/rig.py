"""A database of its own and real jalon processes (the worker, the command line, the web server) around it,
for the tests that need a worker as it runs in production: a queue in the database (SQLite or PostgreSQL,
the same kind as the suite's), or in Redis; and a person's browser without JavaScript (WebSession) to use the
web server's pages as people do."""

import http.cookiejar
import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass, field
from html import unescape
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

    def serve(self, *, worker: bool = True, interval: float = 1.0) -> str:
        """A web server on the rig's database, waitress as `jalon serve` runs it (without `jalon serve`'s
        collectstatic, which takes half a minute: WhiteNoise serves from the apps' folders meanwhile), and a
        `jalon worker` beside it, as `jalon serve` starts one. Returns the server's address once it answers."""
        port = free_port()
        log = (self.folder / f"serve-{port}.log").open("w")
        command = [sys.executable, "-m", "waitress", f"--listen=127.0.0.1:{port}", "--threads=4"]
        server = subprocess.Popen(
            [*command, "jalon.wsgi:application"], cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT
        )
        self.processes.append(server)
        if worker:
            self.start("worker", "--interval", str(interval))
        base = f"http://127.0.0.1:{port}"

        def answers() -> bool:
            if server.poll() is not None:
                raise AssertionError(f"the web server stopped: {(self.folder / f'serve-{port}.log').read_text()}")
            try:
                with urllib.request.urlopen(f"{base}/healthz", timeout=5) as response:  # noqa: S310 (our server)
                    return response.status == 200
            except OSError:
                return False

        self.wait_for(answers, timeout=60)
        return base

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


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Page:
    url: str
    status: int
    html: str

    @property
    def path(self) -> str:
        return urllib.parse.urlparse(self.url).path

    def form_token(self) -> str:
        found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', self.html)
        if found is None:
            raise AssertionError(f"no form on {self.url}")
        return found.group(1)

    def text(self) -> str:
        """The page's text, tags removed, spaces collapsed."""
        return " ".join(unescape(re.sub(r"<[^>]+>", " ", self.html)).split())


class WebSession:
    """A person's browser without JavaScript, on a rig's web server: cookies kept, redirects followed, forms
    posted with their CSRF token (urllib: nothing to install)."""

    def __init__(self, base: str):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def get(self, path: str) -> Page:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, fields: dict, *, files: dict | None = None, token_from: str | None = None) -> Page:
        """Post a form of the page at `token_from` (default: `path`) to `path`; `files`: {name: (file name,
        bytes)}."""
        fields = {"csrfmiddlewaretoken": self.get(token_from or path).form_token(), **fields}
        if files:
            boundary = uuid.uuid4().hex
            body = b"".join(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
                for name, value in fields.items()
            )
            for name, (filename, content) in files.items():
                body += (
                    (
                        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                        "Content-Type: application/octet-stream\r\n\r\n"
                    ).encode()
                    + content
                    + b"\r\n"
                )
            body += f"--{boundary}--\r\n".encode()
            content_type = f"multipart/form-data; boundary={boundary}"
        else:
            body = urllib.parse.urlencode(fields).encode()
            content_type = "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            self.base + path,
            data=body,
            headers={"Content-Type": content_type, "Referer": self.base + (token_from or path)},
        )
        return self._open(request)

    def login(self, username: str, password: str, *, language: str = "en") -> None:
        page = self.post(f"/{language}/accounts/login/", {"username": username, "password": password})
        if "/accounts/login/" in page.path:
            raise AssertionError(f"{username} could not sign in: {page.text()[:300]}")

    def _open(self, request: urllib.request.Request) -> Page:
        try:
            with self.opener.open(request, timeout=60) as response:
                return Page(response.url, response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return Page(error.url, error.code, error.read().decode(errors="replace"))


def suite_name() -> str:
    """The suite's database and xdist worker: rig databases named after it are never shared by two test
    processes (two workers, or two runs of the suite with different DATABASE_URLs on one server)."""
    return f"{settings.DATABASES['default']['NAME']}_{os.environ.get('PYTEST_XDIST_WORKER', 'main')}"


def rig_database_from_test(connection, folder: Path) -> str:
    """A copy of the test database (the suite's own connection, as the migrations left it) that the rig's
    processes can open: a file for SQLite (the test database lives in memory), a database made with the test
    database as its template for PostgreSQL (which wants no other session on the template meanwhile)."""
    name = f"rig_template_{suite_name()}"
    if not postgresql():
        path = folder / "rig.sqlite3"
        connection.ensure_connection()
        with sqlite3.connect(path) as copy:
            connection.connection.backup(copy)
        return f"sqlite:///{path}"
    base = settings.DATABASES["default"]
    admin_url = f"postgresql://{base['USER']}@{base['HOST'] or '127.0.0.1'}:{base['PORT'] or 5432}/postgres"
    test_name = connection.settings_dict["NAME"]
    connection.close()
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{test_name}"')
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
