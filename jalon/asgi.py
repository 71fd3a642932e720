import os

from django.core.asgi import get_asgi_application

from jalon.lib.serving import tune_garbage_collector

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jalon.settings")
application = get_asgi_application()
tune_garbage_collector()
