from django.db import migrations, models


def p_share_of_the_owner(apps, schema_editor):
    """The P-share counted every body's committees: from now on it reads the programme owner's body."""
    apps.get_model("gap", "GapIndicator").objects.filter(computation="p_share", body="").update(body="owner")


class Migration(migrations.Migration):
    dependencies = [
        ("gap", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="gapindicator",
            name="body",
            field=models.CharField(
                blank=True,
                choices=[
                    ("", "Every body's committees"),
                    ("owner", "The committees of the body that owns the programme"),
                    ("iso", "ISO committees (with the joint IEC/ISO ones)"),
                    ("itu_t", "ITU-T study groups"),
                ],
                max_length=10,
                verbose_name="standards body",
            ),
        ),
        migrations.RunPython(p_share_of_the_owner, migrations.RunPython.noop),
    ]
