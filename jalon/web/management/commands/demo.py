from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connections
from django.utils import translation

from jalon.accounts.models import Role
from jalon.web.demo import DEMO_PASSWORD, demo_build


class Command(BaseCommand):
    help = "Build a fresh demo database (SQLite) with real reference data and demo users, then serve it."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="Only prepare the database.")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)

    def handle(self, *args, no_serve: bool, host: str, port: int, **options):
        database = settings.DATABASES["default"]
        if database["ENGINE"] != "django.db.backends.sqlite3":
            raise CommandError("The demo builds its own SQLite database: unset DATABASE_URL to run it.")
        path = Path(database["NAME"])
        connections.close_all()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        self.stdout.write(f"Building the demo database in {path} ...")
        users, context = demo_build()
        self.stdout.write(self.style.SUCCESS("Demo ready."))
        self.stdout.write(f"Open http://{host}:{port}/ (French: /fr/, English: /en/)")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        with translation.override("en"):
            for user in users:
                scope = f" of {context.organisation.acronym}" if user.for_organisation and context.organisation else ""
                self.stdout.write(f"  {user.username:<12} {Role(user.role).label}{scope}")
        if not no_serve:
            call_command("serve", host=host, port=port)
