from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.wsgi import get_wsgi_application
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from waitress import serve

from jalon.lib.serving import tune_garbage_collector


class Command(BaseCommand):
    help = "Serve jalon with a multi-threaded WSGI server (waitress). Behind a proxy, see README 'Deployment'."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--threads", type=int, default=8)

    def handle(self, *args, host: str, port: int, threads: int, **options):
        # Collected, pre-compressed static files let WhiteNoise answer with gzip/brotli.
        call_command("collectstatic", interactive=False, verbosity=0)
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("The database is not up to date: run `jalon migrate` first (or `jalon demo`).")
        self.stdout.write(f"Serving jalon on http://{host}:{port}/ (database: {settings.DATABASES['default']['NAME']})")
        application = get_wsgi_application()
        tune_garbage_collector()
        serve(application, host=host, port=port, threads=threads, ident="jalon")
