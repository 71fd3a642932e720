"""The shipped default eligibility rules (programme empty): programmes that configure none use these."""

from django.db import migrations

DEFAULTS = {
    "iso_sponsorship": [
        ("developing_country_list", "refuse"),
        ("oecd_dac_list", "refuse"),
        ("p_member_of_committee", "refuse"),
        ("mirror_committee_exists_or_planned", "refuse"),
        ("candidate_has_role_in_mirror_committee", "flag"),
        ("max_per_member_per_year", "refuse"),
        ("report_back_required", "flag"),
    ],
    "itu_fellowship": [
        ("itu_eligible_member_state", "refuse"),
        ("itu_one_full_or_two_partial_per_state_per_meeting", "refuse"),
        ("itu_partial_two_means_one_ticket", "refuse"),
        ("itu_one_full_or_two_partial_per_person_per_financial_year", "refuse"),
    ],
}
PARAMS = {"max_per_member_per_year": {"n": 3}}


def create_defaults(apps, schema_editor):
    EligibilityRule = apps.get_model("support", "EligibilityRule")
    for scheme, rules in DEFAULTS.items():
        for order, (kind, outcome) in enumerate(rules, start=1):
            EligibilityRule.objects.get_or_create(
                scheme=scheme,
                programme=None,
                kind=kind,
                defaults={"outcome": outcome, "order": order * 10, "params": PARAMS.get(kind, {})},
            )


def remove_defaults(apps, schema_editor):
    apps.get_model("support", "EligibilityRule").objects.filter(programme__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("support", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
