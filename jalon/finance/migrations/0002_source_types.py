"""The default source types of funds: Res. 44 programme 4's list (seed 003), then ISO's (seed 000)."""

from django.db import migrations

SOURCE_TYPES = (
    ("partnership", "Partnership contributions", "Contributions de partenariat"),
    ("additional-appropriation", "Additional budget appropriation", "Crédits budgétaires supplémentaires"),
    ("developed-country", "Voluntary contributions of developed countries",
     "Contributions volontaires des pays développés"),
    ("private-sector", "Voluntary contributions of the private sector", "Contributions volontaires du secteur privé"),
    ("other", "Other voluntary contributions", "Autres contributions volontaires"),
    ("member-voluntary", "Members' voluntary contributions to trust funds",
     "Contributions volontaires des membres aux fonds fiduciaires"),
    ("development-agency", "Development agencies", "Organismes de développement"),
    ("regular-budget", "Regular budget", "Budget ordinaire"),
)


def create(apps, schema_editor):
    SourceType = apps.get_model("finance", "SourceType")
    for order, (code, en, fr) in enumerate(SOURCE_TYPES):
        SourceType.objects.get_or_create(code=code, defaults={"name": {"en": en, "fr": fr}, "order": order})


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
