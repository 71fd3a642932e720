"""The motivation of an application, and the shipped default rule that flags an application filed late."""

from django.db import migrations, models


def deadline_rule_create(apps, schema_editor):
    EligibilityRule = apps.get_model("support", "EligibilityRule")
    for scheme in ("iso_sponsorship", "itu_fellowship"):
        last = EligibilityRule.objects.filter(scheme=scheme, programme=None).order_by("-order").first()
        EligibilityRule.objects.get_or_create(
            scheme=scheme,
            programme=None,
            kind="application_deadline",
            defaults={"outcome": "flag", "order": (last.order if last else 0) + 10, "params": {"days": 42}},
        )


def deadline_rule_remove(apps, schema_editor):
    apps.get_model("support", "EligibilityRule").objects.filter(programme=None, kind="application_deadline").delete()


class Migration(migrations.Migration):
    dependencies = [("support", "0003_fellowship_eligibility_order_by_name")]

    operations = [
        migrations.AddField(
            model_name="fellowship",
            name="motivation",
            field=models.TextField(blank=True, max_length=4000, verbose_name="motivation"),
        ),
        migrations.AddField(
            model_name="sponsorship",
            name="motivation",
            field=models.TextField(blank=True, max_length=4000, verbose_name="motivation"),
        ),
        migrations.RunPython(deadline_rule_create, deadline_rule_remove),
    ]
