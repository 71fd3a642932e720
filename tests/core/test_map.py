"""The reach map: a choropleth over Natural Earth's shapes, a symbol for a country without a shape, West
Africa enlarged in an inset, every country named in a <title>, classes in the legend; and in the report,
every country reached in the map's table."""

import re
from decimal import Decimal

from jalon.web.maps import INSET_BOX, PALETTE, Place, choropleth, classes, shapes

LEGEND = {"title": "People trained", "none": "not shown"}


def test_the_shapes_cover_the_countries_and_west_africa():
    world = shapes()
    assert len(world) >= 170
    for code in ("686", "270", "624", "384", "566", "076", "643"):  # Senegal, Gambia, Guinea-Bissau, ...
        assert world[code], code


def test_countries_are_filled_by_class_with_a_legend_a_symbol_and_the_inset():
    places = [
        Place("686", "Senegal", 40, 14.5, -14.4),
        Place("270", "Gambia", 8, 13.4, -15.3),
        Place("076", "Brazil", 200, -10.0, -55.0),
        Place("132", "Cabo Verde", 12, 16.0, -24.0),  # no shape at 1:110m: a symbol
        Place("384", "Côte d'Ivoire", None, 7.5, -5.5),  # a small group: not shown
    ]
    svg = choropleth(places, title="People trained by country", description="five countries", legend=LEGEND)
    assert svg.startswith("<svg") and 'role="img"' in svg and '<title id="map-t">People trained by country' in svg
    for name in ("Senegal: 40", "Gambia: 8", "Brazil: 200", "Cabo Verde: 12", "Côte d&apos;Ivoire: not shown"):
        assert name.replace("&apos;", "'") in svg.replace("&apos;", "'"), name
    assert re.search(r"<circle [^>]*><title>Cabo Verde: 12</title>", svg)
    # Senegal drawn twice: on the world and in the inset (which holds the whole of West Africa's box).
    assert svg.count("<title>Senegal: 40</title>") == 2
    assert PALETTE[-1] in svg and "not shown" in svg
    assert INSET_BOX[0] < -14.4 < INSET_BOX[1]


def test_classes_are_quantiles_of_the_positive_values():
    assert classes([None, 0]) == []
    bounds = classes([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
    assert bounds[-1] == Decimal(10) and len(bounds) == 5 and bounds == sorted(bounds)


def test_every_country_has_an_outline_and_the_whole_world_stays_light():
    """A page carries the map inline: every country shaded, each with its title, stays near 10 KB compressed
    (the page's HTML may weigh 40 KB in all)."""
    import gzip

    from jalon.web.maps import outlines

    world = outlines()
    assert len(world) == len(shapes()) - 1  # all but Antarctica
    assert all(outline.startswith("M") for outline in world.values())
    places = [Place(code, f"Country {code}", int(code) % 97 + 1) for code in world]
    svg = choropleth(places, title="t", description="d", legend=LEGEND, ident="reach")
    assert len(gzip.compress(svg.encode(), 6)) < 16 * 1024
    assert svg.count("<title>Country ") == len(world) + sum(1 for code in world if code in inset_codes())
    assert 'aria-labelledby="reach-t reach-d"' in svg


def inset_codes():
    from jalon.web.maps import inset_outlines

    return set(inset_outlines())


def test_the_countries_without_a_figure_share_one_untitled_shape_and_labels_and_numbers_are_the_callers():
    svg = choropleth(
        [Place("686", "Senegal", 1234, label="Sénégal : 1 234 participants <&>")],
        title="t",
        description="d",
        legend={"title": "Participants", "none": "aucun"},
        number=lambda value: f"{value:,}".replace(",", " "),
    )
    assert svg.count("<title>Sénégal : 1 234 participants &lt;&amp;&gt;</title>") == 2
    assert "1–1 234" in svg  # the legend's range in the caller's number format
    assert svg.count('fill="#f2f2f2"/>') == 2  # the rest of the world, and the rest of the inset


def test_the_legend_never_puts_a_figure_in_two_classes():
    svg = choropleth(
        [Place(code, code, value) for code, value in (("686", 1), ("270", 3), ("076", 40), ("643", 41), ("566", 90))],
        title="t",
        description="d",
        legend=LEGEND,
    )
    legend = re.findall(r'font-size="12">([^<]+)</text>', svg)
    assert legend == ["1–3", "4–40", "41", "42–90", "not shown"]  # quantiles of five figures: four classes
    shares = choropleth([Place("686", "Senegal", Decimal("0.5")), Place("270", "Gambia", Decimal("2.5"))], title="t",
                        description="d", legend=LEGEND)  # fmt: skip
    assert "≤ 0.5" in shares and "&gt; 0.5 – 2.5" in shares


def test_a_country_whose_figure_is_hidden_is_told_apart_from_one_not_reached():
    from jalon.web.maps import HIDDEN, NO_VALUE

    legend = {"title": "Participants", "none": "none", "hidden": "fewer than 5, not shown"}
    places = [Place("686", "Senegal", None), Place("404", "Kenya", 7)]
    svg = choropleth(places, title="t", description="d", legend=legend)
    assert f'fill="{HIDDEN}"><title>Senegal: fewer than 5, not shown</title>' in svg
    assert re.search(rf'<rect [^>]*fill="{HIDDEN}"[^>]*/><text [^>]*>fewer than 5, not shown</text>', svg)
    assert HIDDEN != NO_VALUE and HIDDEN not in PALETTE
    # Without a hidden figure, no such swatch.
    assert "not shown" not in choropleth([Place("404", "Kenya", 7)], title="t", description="d", legend=legend)
