"""Tokens made before tokens expired (DRF's authtoken table) keep working as named tokens that expire in 90
days; their keys are kept only as hashes. The old table is then emptied, so that no stored key opens the API."""

import datetime
import hashlib

from django.db import migrations
from django.utils import timezone


def forward(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" not in connection.introspection.table_names():
        return
    ApiToken = apps.get_model("api", "ApiToken")
    with connection.cursor() as cursor:
        cursor.execute("SELECT key, user_id, created FROM authtoken_token")
        rows = cursor.fetchall()
    expires = timezone.now() + datetime.timedelta(days=90)
    ApiToken.objects.bulk_create(
        ApiToken(
            user_id=user_id,
            name="Token (before tokens expired)",
            prefix=key[:8],
            key_hash=hashlib.sha256(key.encode()).hexdigest(),
            created_at=created,
            expires_at=expires,
        )
        for key, user_id, created in rows
    )
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM authtoken_token")


class Migration(migrations.Migration):
    dependencies = [("api", "0001_api_token")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
