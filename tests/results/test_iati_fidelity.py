"""What an IATI export keeps of a value (issue 18, "less lost"): the reporter's own comment as the actual's
comment in the language it was written in; a qualitative text in its own language, not the activity's; the
disaggregations named as a data user reads them, countries as ISO alpha-2; and the import reads each back."""

from decimal import Decimal as D

import pytest
from lxml import etree

from jalon.interop.iati import XML_LANG
from jalon.interop.iati_rules import validator_findings
from jalon.results import services
from jalon.results.iati import programme_iati_errors, programme_to_iati
from jalon.results.iati_import import iati_import
from jalon.results.models import (
    Dimension,
    DimensionValue,
    IatiActivityImport,
    IatiProvenance,
    Measure,
    Measurement,
    Programme,
    Result,
)
from tests.results.conftest import indicator_build, programme_build


@pytest.fixture
def fidelity(db, users, nsb):
    """A French-first programme: a count by country (coded by ISO alpha-3, as computed values are) with comments in
    French and English, and a qualitative value written in English."""
    manager = users["manager"]
    demo = programme_build(code="fid", owner=nsb)
    country = Dimension.objects.create(
        programme=demo.programme, kind=Dimension.Kind.COUNTRY, code="country", name={"fr": "Pays", "en": "Country"}
    )
    kenya = DimensionValue.objects.create(dimension=country, code="KEN", name={"fr": "Kenya", "en": "Kenya"}, order=1)
    bangladesh = DimensionValue.objects.create(
        dimension=country, code="BGD", name={"fr": "Bangladesh", "en": "Bangladesh"}, order=2
    )
    count = indicator_build(demo, "I1", milestones=(None, "50", None))
    count.dimensions.add(country)
    policy = indicator_build(demo, "Q1", measure=Measure.QUALITATIVE)

    def approve(indicator, **fields):
        value = services.measurement_create(
            actor=manager, indicator=indicator, period=demo.current, organisation=nsb, submit=True, **fields
        )
        return services.measurement_review(actor=manager, measurement=value, approve=True)

    approve(count, value=D(4), comment="Relevé par l’ONN", language="fr")
    approve(count, value=D(6), comment="Counted at the workshop", language="en")
    approve(count, value=D(4), dimension_value=kenya)
    approve(count, value=D(6), dimension_value=bangladesh)
    approve(policy, text="The policy was adopted.", comment="Seen in the gazette", language="en")
    return demo


def actual_of(root, code: str, *, dimension: bool = False):
    (indicator,) = [node for node in root.iter("indicator") if node.find("reference").get("code").endswith(code)]
    test = "actual[dimension]" if dimension else "actual[not(dimension)]"
    return indicator.xpath(f"period/{test}")


def comments(actual) -> dict[str, str]:
    return {node.get(XML_LANG): node.text for node in actual.xpath("comment/narrative")}


def test_the_export_keeps_comments_languages_and_readable_disaggregations(fidelity):
    document = programme_to_iati(fidelity.programme)
    assert programme_iati_errors(document) == []
    root = etree.fromstring(document)
    assert [f.rule_id for f in validator_findings(root) if f.severity == "error"] == []
    assert root.find("iati-activity").get(XML_LANG) == "fr"

    (total,) = actual_of(root, "I1")
    assert total.get("value") == "10"
    # Each reporter's comment in the language it was written in, not all in the activity's.
    assert comments(total) == {"fr": "Commentaire : Relevé par l’ONN", "en": "Comment: Counted at the workshop"}
    # By country: the dimension's name in the activity's language, each country as IATI's ISO alpha-2 code.
    by_country = {a.find("dimension").get("value"): a.get("value") for a in actual_of(root, "I1", dimension=True)}
    assert by_country == {"KE": "4", "BD": "6"}
    assert {a.find("dimension").get("name") for a in actual_of(root, "I1", dimension=True)} == {"Pays"}
    # A qualitative text written in English is labelled English in a French activity, its comment after it.
    (text,) = actual_of(root, "Q1")
    assert comments(text) == {"en": "The policy was adopted.\nComment: Seen in the gazette"}


def test_the_import_reads_them_back(fidelity, users, tmp_path):
    path = tmp_path / "fid.xml"
    path.write_bytes(programme_to_iati(fidelity.programme))
    # Into the programme itself: the file's "Pays"/"KE" is its own country disaggregation coded KEN, not a new one.
    dimensions, values = Dimension.objects.count(), DimensionValue.objects.count()
    report = iati_import(path, actor=users["manager"], programme_code="fid")
    assert dict(report.statuses()) == {"changed": 1}, report.as_dict()
    assert (Dimension.objects.count(), DimensionValue.objects.count()) == (dimensions, values)
    imported = Measurement.objects.filter(status=Measurement.Status.SUBMITTED, dimension_value__isnull=False)
    assert sorted(imported.values_list("dimension_value__code", "value")) == [("BGD", D(6)), ("KEN", D(4))]

    # Into a database without the programme (nor the record of the import above).
    Measurement.objects.all().delete()
    Result.objects.filter(programme=fidelity.programme).delete()
    fidelity.programme.levels.all().delete()
    fidelity.programme.delete()
    IatiActivityImport.objects.all().delete()
    IatiProvenance.objects.all().delete()
    report = iati_import(path, actor=users["manager"], programme_code="fid", trusted=True)
    assert dict(report.statuses()) == {"added": 1}, report.as_dict()
    programme = Programme.objects.get(code="fid")
    (country,) = programme.dimensions.all()
    assert country.kind == Dimension.Kind.COUNTRY and country.name == {"fr": "Pays"}
    assert sorted(country.values.values_list("code", flat=True)) == ["BD", "KE"]
    total = Measurement.objects.get(indicator__code="I1", dimension_value__isnull=True)
    assert (total.value, total.comment, total.language) == (D(10), "Relevé par l’ONN", "fr")
    text = Measurement.objects.get(indicator__code="Q1")
    assert (text.text, text.language, text.comment) == ("The policy was adopted.", "en", "Seen in the gazette")
    # Exported again: the same readable disaggregation and the text still in English.
    root = etree.fromstring(programme_to_iati(programme))
    assert {a.find("dimension").get("value") for a in actual_of(root, "I1", dimension=True)} == {"KE", "BD"}
    assert comments(actual_of(root, "Q1")[0]) == {"en": "The policy was adopted.\nComment: Seen in the gazette"}


def test_a_values_language_is_one_of_the_content_languages(fidelity, users, nsb):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        services.measurement_create(
            actor=users["manager"],
            indicator=fidelity.indicators["Q1"],
            period=fidelity.current,
            organisation=nsb,
            text="Texte",
            language="xx",
        )
    assert "language" in refused.value.message_dict


def test_the_value_form_offers_the_programmes_languages_the_pages_first(client_as, fidelity):
    indicator = fidelity.indicators["Q1"]
    page = client_as("manager").get(f"/en/programmes/fid/indicators/{indicator.pk}/report/")
    field = page.context["form"].fields["language"]
    assert [code for code, _name in field.choices] == ["", "fr", "en"] and field.initial == "en"
    response = client_as("manager").post(
        f"/fr/programmes/fid/indicators/{indicator.pk}/report/",
        {
            "period": fidelity.current.pk,
            "organisation": fidelity.programme.owner_id,
            "text": "Adoptée.",
            "language": "fr",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert Measurement.objects.filter(text="Adoptée.", language="fr").exists()
