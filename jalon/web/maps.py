"""A choropleth of countries as server-rendered SVG, for the pages (reach dashboard, country reach) and the
reports alike: Natural Earth's 1:110m shapes (data/geo, public domain), an equirectangular world, five
classes of a sequential palette with a legend, a symbol for each country too small to have a shape at that
scale (small island states), and an inset enlarging West Africa, where a dozen countries share a small area.

Every country with a figure carries its name and figure as a <title>; the caller prints the same figures
as a table, so that the map is never the only way to read them.

Light enough for a page: the outlines are projected once (cached), simplified to what a pixel of the map
shows, written in whole map units with relative moves, and the countries without a figure share one path.
The whole world weighs about 10 KB compressed inside the page's HTML (tests/core/test_map.py)."""

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

SHAPES = Path(__file__).resolve().parent / "data" / "geo" / "countries.json"
# Light to dark (ColorBrewer "Blues", 5 classes): readable for the common colour-vision deficiencies.
PALETTE = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_VALUE = "#f2f2f2"
# A country with a figure that is not shown (a small group): reached, so not the grey of "none", and not a
# blue, which would rank it.
HIDDEN = "#d9ccb0"
WIDTH, HEIGHT = 960, 480  # longitude -180..180, latitude 84..-60 (no Antarctica)
TOP, BOTTOM = 84.0, -60.0
# The inset: West Africa (longitude -18..-1, latitude 4..16) at three times the scale, over the South Atlantic.
INSET_BOX = (-18.0, -1.0, 4.0, 16.0)
INSET_AT, INSET_SCALE = (358.0, 300.0), 3.0
# Antarctica (010) is left out: below the map's latitude range.
LEFT_OUT = {"010"}
# A point nearer than this (map units, about a pixel of the page) to the line its neighbours draw adds
# nothing that can be seen, and is dropped.
TOLERANCE = 0.5

Point = tuple[float, float]
Projection = Callable[[float, float], Point]


@cache
def shapes() -> dict[str, list[list[int]]]:
    return json.loads(SHAPES.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Place:
    """A country on the map: its ISO numeric code, name, figure (None: not shown) and position (for a
    symbol where it has no shape). `label`: the text its <title> gives (by default "name: figure")."""

    m49: str
    name: str
    value: Decimal | int | None
    latitude: float | None = None
    longitude: float | None = None
    label: str = ""


def _world(lon: float, lat: float) -> Point:
    return (lon + 180) * WIDTH / 360, (TOP - lat) * HEIGHT / (TOP - BOTTOM)


def _inset(lon: float, lat: float) -> Point:
    west, _east, _south, north = INSET_BOX
    return (
        INSET_AT[0] + (lon - west) * INSET_SCALE * WIDTH / 360,
        INSET_AT[1] + (north - lat) * INSET_SCALE * HEIGHT / (TOP - BOTTOM),
    )


def _unwrapped(ring: list[int]) -> list[list[Point]]:
    """A ring in degrees. One crossing the antimeridian (Fiji, Russia's far east) is unwrapped into
    continuous longitudes and given again one turn over, so that the map's edge clips it rather than a line
    crossing the whole map."""
    points: list[Point] = []
    offset, previous = 0, None
    for i in range(0, len(ring), 2):
        lon, lat = ring[i] / 10, ring[i + 1] / 10
        if previous is not None and abs(lon - previous) > 180:
            offset += 360 if previous > lon else -360
        points.append((lon + offset, lat))
        previous = lon
    lons = [lon for lon, _lat in points]
    shifts = [0] + ([360] if min(lons) < -180 else []) + ([-360] if max(lons) > 180 else [])
    return [[(lon + shift, lat) for lon, lat in points] for shift in shifts]


def _simplified(points: list[Point]) -> list[Point]:
    """Douglas-Peucker (without recursion: a long coast would go deep): the points that move the line by
    more than TOLERANCE."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x0, y0), (x1, y1) = points[first], points[last]
        dx, dy = x1 - x0, y1 - y0
        length = (dx * dx + dy * dy) ** 0.5
        farthest, index = -1.0, first
        for i in range(first + 1, last):
            px, py = points[i]
            if length:
                distance = abs(dy * px - dx * py + x1 * y0 - y1 * x0) / length
            else:
                distance = ((px - x0) ** 2 + (py - y0) ** 2) ** 0.5
            if distance > farthest:
                farthest, index = distance, i
        if farthest > TOLERANCE:
            keep[index] = True
            stack += [(first, index), (index, last)]
    return [point for point, kept in zip(points, keep, strict=True) if kept]


def _ring_path(points: list[Point]) -> str:
    """A closed ring in whole map units: a move, then relative lines (a minus sign separates numbers by
    itself). Empty when the ring is smaller than a pixel."""
    # A closed ring's two halves are simplified apart: from a point to itself there is no line to measure.
    half = len(points) // 2
    kept = _simplified(points[: half + 1])[:-1] + _simplified(points[half:])
    whole: list[tuple[int, int]] = []
    for x, y in kept:
        point = (round(x), round(y))
        if not whole or whole[-1] != point:
            whole.append(point)
    if len(whole) > 1 and whole[-1] == whole[0]:
        whole.pop()
    if len(whole) < 3:
        return ""
    moves, (px, py) = [], whole[0]
    for x, y in whole[1:]:
        moves.append(f"{x - px} {y - py}")
        px, py = x, y
    return f"M{whole[0][0]} {whole[0][1]}l" + " ".join(moves).replace(" -", "-") + "z"


def _outline(rings: list[list[int]], project: Projection) -> str:
    projected = [[project(lon, lat) for lon, lat in ring] for raw in rings for ring in _unwrapped(raw)]
    drawn = "".join(_ring_path(ring) for ring in projected)
    if drawn:
        return drawn
    # A country smaller than a pixel (none at this scale has a shape that small, but keep it visible):
    # its rings unsimplified, to a tenth of a unit.
    return "".join("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in ring) + "Z" for ring in projected if len(ring) > 2)


def _touches_inset(rings: list[list[int]]) -> bool:
    """A country with a part inside the enlarged area (the inset's box clips the rest)."""
    west, east, south, north = INSET_BOX
    return any(
        west <= ring[i] / 10 <= east and south <= ring[i + 1] / 10 <= north
        for ring in rings
        for i in range(0, len(ring), 2)
    )


@cache
def outlines() -> dict[str, str]:
    """Each country's outline on the world, by ISO numeric code (computed once per process)."""
    return {code: _outline(rings, _world) for code, rings in sorted(shapes().items()) if code not in LEFT_OUT}


@cache
def inset_outlines() -> dict[str, str]:
    """The outlines of the countries the inset shows, at its scale."""
    return {code: _outline(rings, _inset) for code, rings in sorted(shapes().items()) if _touches_inset(rings)}


def classes(values: list) -> list[Decimal]:
    """The upper bounds of five classes of equal counts (quantiles) of the positive values."""
    ordered = sorted(Decimal(v) for v in values if v is not None and v > 0)
    if not ordered:
        return []
    bounds = sorted({ordered[min(len(ordered) - 1, (len(ordered) * k) // 5)] for k in range(1, 6)})
    return bounds


def _fill(value, bounds: list[Decimal]) -> str:
    if value is None:
        return HIDDEN
    if not bounds or value <= 0:
        return NO_VALUE
    for index, bound in enumerate(bounds):
        if Decimal(value) <= bound:
            return PALETTE[index + len(PALETTE) - len(bounds)]
    return PALETTE[-1]


def _range(bounds: list[Decimal], index: int, number: Callable) -> str:
    """A class's range in the legend. Counts (whole bounds): from one more than the class below, so that no
    figure reads as in two classes ("1–3", "4–40"; a class of one figure is that figure); other figures: above
    the class below, up to the bound."""
    bound = bounds[index]
    if all(value == value.to_integral_value() for value in bounds):
        low = Decimal(1) if index == 0 else bounds[index - 1] + 1
        return number(bound) if low == bound else f"{number(low)}–{number(bound)}"
    if index == 0:
        return f"≤ {number(bound)}"
    return f"> {number(bounds[index - 1])} – {number(bound)}"


def _in_box(place: Place) -> bool:
    west, east, south, north = INSET_BOX
    return (
        place.longitude is not None
        and place.latitude is not None
        and (west <= place.longitude <= east and south <= place.latitude <= north)
    )


def choropleth(
    places: list[Place],
    *,
    title: str,
    description: str,
    legend: Mapping[str, str],
    ident: str = "map",
    number: Callable[[Decimal | int], str] = str,
) -> str:
    """The SVG (a string, every data text escaped). `legend`: the legend's title (`title`), the words of a
    country without a figure (`none`) and of one whose figure is not shown (`hidden`, a small group: drawn
    in its own colour); `number` writes a figure (the page's locale); `ident` names the title and
    description for aria-labelledby (unique in the page)."""
    bounds = classes([place.value for place in places])
    by_code = {place.m49: place for place in places}
    world, enlarged = outlines(), inset_outlines()

    def tip(place: Place) -> str:
        shown = number(place.value) if place.value is not None else legend.get("hidden", legend["none"])
        return f"<title>{escape(place.label or f'{place.name}: {shown}')}</title>"

    def drawn(outline_of: dict[str, str]) -> tuple[str, str]:
        """(the countries without a figure as one path, each country with one as its own path)."""
        blank = "".join(outline for code, outline in outline_of.items() if code not in by_code)
        shown = "".join(
            f'<path d="{outline_of[code]}" fill="{_fill(place.value, bounds)}">{tip(place)}</path>'
            for code, place in by_code.items()
            if code in outline_of
        )
        return f'<path d="{blank}" fill="{NO_VALUE}"/>', shown

    blank, shown = drawn(world)
    body = [f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>']
    body.append(f'<g stroke="#999999" stroke-width="0.4">{blank}{shown}</g>')
    inset_blank, inset_shown = drawn(enlarged)
    inset = [f'<g stroke="#666666" stroke-width="0.6">{inset_blank}{inset_shown}</g>']
    # Countries without a shape at this scale: a circle at their position, outlined so that a pale one shows.
    symbols, inset_symbols = [], []
    for place in places:
        if place.m49 in world or place.latitude is None or place.longitude is None:
            continue
        fill = _fill(place.value, bounds)
        x, y = _world(place.longitude, place.latitude)
        symbols.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{fill}">{tip(place)}</circle>')
        if _in_box(place):
            x, y = _inset(place.longitude, place.latitude)
            inset_symbols.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{fill}">{tip(place)}</circle>')
    ring = 'stroke="#333333" stroke-width="0.8"'
    if symbols:
        body.append(f"<g {ring}>{''.join(symbols)}</g>")
    if inset_symbols:
        inset.append(f"<g {ring}>{''.join(inset_symbols)}</g>")
    west, east, south, north = INSET_BOX
    x0, y0 = _inset(west, north)
    x1, y1 = _inset(east, south)
    # The enlarged area's outline on the world, and the inset itself (clipped to its box).
    wx0, wy0 = _world(west, north)
    wx1, wy1 = _world(east, south)
    box = f'x="{wx0:.1f}" y="{wy0:.1f}" width="{wx1 - wx0:.1f}" height="{wy1 - wy0:.1f}"'
    body.append(f'<rect {box} fill="none" {ring}/>')
    frame = f'x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}"'
    view = f"{x0:.1f} {y0:.1f} {x1 - x0:.1f} {y1 - y0:.1f}"
    body.append(f'<svg {frame} viewBox="{view}"><rect {frame} fill="#ffffff" stroke="#333333"/>{"".join(inset)}</svg>')
    # The legend: a swatch per class with its range, and one for "no figure".
    legend_parts = [
        f'<text x="10" y="{HEIGHT + 16}" font-size="12" font-weight="bold">{escape(legend["title"])}</text>'
    ]
    swatches = [(PALETTE[i + len(PALETTE) - len(bounds)], _range(bounds, i, number)) for i in range(len(bounds))]
    if "hidden" in legend and any(place.value is None for place in places):
        swatches.append((HIDDEN, legend["hidden"]))
    swatches.append((NO_VALUE, legend["none"]))
    # Each swatch after the text before it (about 7 units a character at this size), at least 150 apart.
    x = 10
    for fill, text in swatches:
        legend_parts.append(f'<rect x="{x}" y="{HEIGHT + 24}" width="14" height="14" fill="{fill}" stroke="#666666"/>')
        legend_parts.append(f'<text x="{x + 20}" y="{HEIGHT + 35}" font-size="12">{escape(text)}</text>')
        x += max(150, 20 + 7 * len(text) + 16)
    height = HEIGHT + 48
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        f'role="img" aria-labelledby="{ident}-t {ident}-d" class="chart">'
        f'<title id="{ident}-t">{escape(title)}</title><desc id="{ident}-d">{escape(description)}</desc>'
        f'<g font-family="system-ui,sans-serif">{"".join(body)}{"".join(legend_parts)}</g></svg>'
    )
