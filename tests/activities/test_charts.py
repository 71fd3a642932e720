"""The SVG charts are well-formed XML, escape what data they draw, and scale bars to values."""

import xml.etree.ElementTree as ET

from django.utils import translation
from django.utils.safestring import SafeString

from jalon.web.charts import Bar, bar_chart, column_chart

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))


def test_bar_chart_is_well_formed_svg_with_a_title_and_a_description_of_every_value():
    svg = bar_chart([Bar("Africa", 12), Bar("Americas", 3)], title="By region", ident="region")
    root = parse(svg)
    assert isinstance(svg, SafeString)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "region-t region-d"
    assert root.find(f"{SVG}title").text == "By region"
    assert root.find(f"{SVG}desc").text == "Africa: 12; Americas: 3"


def test_bars_are_proportional_to_their_values():
    root = parse(bar_chart([Bar("A", 10), Bar("B", 5), Bar("C", 0)], title="t", ident="x"))
    widths = [float(rect.get("width")) for rect in root.iter(f"{SVG}rect")]
    assert widths[0] == 2 * widths[1]
    assert widths[2] == 0


def test_a_suppressed_bar_draws_no_rectangle_but_its_note():
    root = parse(bar_chart([Bar("A", 10), Bar("B", None, "fewer than 5")], title="t", ident="x"))
    assert len(list(root.iter(f"{SVG}rect"))) == 1
    texts = [text.text for text in root.iter(f"{SVG}text")]
    assert "fewer than 5" in texts
    assert root.find(f"{SVG}desc").text == "A: 10; B: fewer than 5"


def test_data_text_is_escaped_so_markup_in_a_label_stays_text():
    svg = bar_chart([Bar('<script>alert("x")</script> & co', 1)], title="<b>t</b>", ident="x")
    root = parse(svg)
    assert "<script>" not in str(svg)
    assert root.find(f"{SVG}title").text == "<b>t</b>"
    assert any("<script>" in "".join(text.itertext()) for text in root.iter(f"{SVG}text"))


def test_column_chart_draws_one_column_per_year_in_order():
    root = parse(column_chart([Bar("2024", 4), Bar("2025", 8)], title="By year", ident="year"))
    rects = list(root.iter(f"{SVG}rect"))
    assert [rect.find(f"{SVG}title").text for rect in rects] == ["2024: 4", "2025: 8"]
    assert float(rects[1].get("height")) == 2 * float(rects[0].get("height"))
    assert float(rects[0].get("x")) < float(rects[1].get("x"))


def test_numbers_follow_the_active_language():
    with translation.override("en"):
        english = parse(bar_chart([Bar("A", 12345)], title="t", ident="x")).find(f"{SVG}desc").text
    with translation.override("fr"):
        french = parse(bar_chart([Bar("A", 12345)], title="t", ident="x")).find(f"{SVG}desc").text
    assert english == "A: 12,345"
    assert french.replace("\u202f", " ").replace("\xa0", " ") == "A: 12 345"


def test_empty_charts_are_still_well_formed():
    for svg in (
        bar_chart([], title="t", ident="a"),
        column_chart([], title="t", ident="b"),
    ):
        assert parse(svg).tag == f"{SVG}svg"


def test_long_labels_take_two_lines_so_that_two_income_groups_never_read_the_same():
    lower, upper = "Revenu intermédiaire, tranche inférieure", "Revenu intermédiaire, tranche supérieure"
    root = parse(bar_chart([Bar(lower, 10), Bar(upper, 5)], title="t", ident="x"))
    shown = [" ".join(span.text for span in text.iter(f"{SVG}tspan")) for text in root.iter(f"{SVG}text")]
    shown = [label for label in shown if label]
    assert shown == [lower, upper]
    longest = "Une étiquette vraiment très longue qui ne tiendrait même pas sur deux lignes de trente signes"
    root = parse(bar_chart([Bar(longest, 1)], title="t", ident="x"))
    [label] = [[span.text for span in text.iter(f"{SVG}tspan")] for text in root.iter(f"{SVG}text") if len(text)]
    assert len(label) == 2 and all(len(line) <= 30 for line in label) and label[1].endswith("…")
