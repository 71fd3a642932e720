import os
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from waitress import serve

from jalon.lib.serving import tune_garbage_collector


def worker_start() -> subprocess.Popen:
    """`jalon worker` in a process of its own beside the web server (the web process starts no thread for
    background work), told who its parent is so that it stops if the server is killed."""
    return subprocess.Popen([sys.executable, "-m", "jalon.cli", "worker", "--parent", str(os.getpid())])


def worker_stop(worker: subprocess.Popen) -> None:
    """Ask the worker to stop (it finishes the job at hand: a job is saved in one transaction or not at all),
    then end it if it does not within a minute."""
    if worker.poll() is not None:
        return
    worker.send_signal(signal.SIGTERM)
    try:
        worker.wait(timeout=60)
    except subprocess.TimeoutExpired:
        worker.kill()
        worker.wait()


class Command(BaseCommand):
    help = (
        "Serve jalon with a multi-threaded WSGI server (waitress) and a background worker beside it. "
        "Behind a proxy, see README 'Deployment'."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)
        parser.add_argument(
            "--no-worker", action="store_true", help="Start no background worker (run `jalon worker` elsewhere)."
        )

    def handle(self, *args, host: str, port: int, threads: int, no_worker: bool, **options):
        # Collected, pre-compressed static files let WhiteNoise answer with gzip/brotli.
        call_command("collectstatic", interactive=False, verbosity=0)
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database is not up to date: run `jalon migrate` first (or `jalon demo`).")
        self.stdout.write(f"Serving jalon on http://{host}:{port}/ (database: {settings.DATABASES['default']['NAME']})")
        application = get_wsgi_application()
        tune_garbage_collector()
        worker = None if no_worker or settings.TASKS_BACKEND == "immediate" else worker_start()
        # A process manager stops the server with SIGTERM: stop the worker with it.
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))
        try:
            serve(application, host=host, port=port, threads=threads, ident="jalon")
        finally:
            if worker is not None:
                worker_stop(worker)
