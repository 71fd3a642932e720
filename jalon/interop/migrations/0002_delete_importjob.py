# Participant imports are background jobs now (jalon.jobs.Job): activities' migration 0003 moved them there.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("interop", "0001_initial"),
        ("activities", "0003_participant_imports_to_jobs"),
    ]

    operations = [migrations.DeleteModel(name="ImportJob")]
