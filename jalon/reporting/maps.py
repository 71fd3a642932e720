"""A choropleth of countries as server-rendered SVG: Natural Earth's 1:110m shapes (data/geo, public domain),
an equirectangular world, five classes of a sequential palette with a legend, a symbol for each country too
small to have a shape at that scale (small island states), and an inset enlarging West Africa, where a dozen
countries share a small area. Every country drawn carries its name and figure as a <title>; the caller
prints the same figures as a table (`map_rows`), so that the map is never the only way to read them."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

SHAPES = Path(__file__).resolve().parent / "data" / "geo" / "countries.json"
# Light to dark (ColorBrewer "Blues", 5 classes): readable for the common colour-vision deficiencies.
PALETTE = ("#eff3ff", "#bdd7e7", "#6baed6", "#3182bd", "#08519c")
NO_VALUE = "#f2f2f2"
WIDTH, HEIGHT = 960, 480  # longitude -180..180, latitude 84..-60 (no Antarctica)
TOP, BOTTOM = 84.0, -60.0
# The inset: West Africa (longitude -18..-1, latitude 4..16) at three times the scale, over the South Atlantic.
# Antarctica (010) is left out: below the map's latitude range.
INSET_BOX = (-18.0, -1.0, 4.0, 16.0)
INSET_AT, INSET_SCALE = (358.0, 300.0), 3.0


@cache
def shapes() -> dict[str, list[list[int]]]:
    return json.loads(SHAPES.read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Place:
    """A country on the map: its ISO numeric code, name, figure (None: not shown) and position (for a
    symbol where it has no shape)."""

    m49: str
    name: str
    value: Decimal | int | None
    latitude: float | None = None
    longitude: float | None = None


def _x(lon: float) -> float:
    return (lon + 180) * WIDTH / 360


def _y(lat: float) -> float:
    return (TOP - lat) * HEIGHT / (TOP - BOTTOM)


def _path(rings: list[list[int]], project) -> str:
    """Rings as one SVG path. A ring crossing the antimeridian (Fiji, Russia's far east) is unwrapped into
    continuous longitudes and drawn again one turn over, so that the map's edge clips it rather than a line
    crossing the whole map."""
    parts = []
    for ring in rings:
        points, offset, previous = [], 0, None
        for i in range(0, len(ring), 2):
            lon, lat = ring[i] / 10, ring[i + 1] / 10
            if previous is not None and abs(lon - previous) > 180:
                offset += 360 if previous > lon else -360
            points.append((lon + offset, lat))
            previous = lon
        lons = [lon for lon, _lat in points]
        shifts = [0] + ([360] if min(lons) < -180 else []) + ([-360] if max(lons) > 180 else [])
        for shift in shifts:
            projected = (project(lon + shift, lat) for lon, lat in points)
            parts.append("M" + "L".join(f"{x:.1f},{y:.1f}" for x, y in projected) + "Z")
    return "".join(parts)


def classes(values: list) -> list[Decimal]:
    """The upper bounds of five classes of equal counts (quantiles) of the positive values."""
    ordered = sorted(Decimal(v) for v in values if v is not None and v > 0)
    if not ordered:
        return []
    bounds = sorted({ordered[min(len(ordered) - 1, (len(ordered) * k) // 5)] for k in range(1, 6)})
    return bounds


def _fill(value, bounds: list[Decimal]) -> str:
    if value is None or not bounds or value <= 0:
        return NO_VALUE
    for index, bound in enumerate(bounds):
        if Decimal(value) <= bound:
            return PALETTE[index + len(PALETTE) - len(bounds)]
    return PALETTE[-1]


def choropleth(places: list[Place], *, title: str, description: str, legend: Mapping[str, str]) -> str:
    """The SVG (a string, escaped). `legend`: the words of "no figure" (`none`) and the legend's title
    (`title`)."""
    bounds = classes([place.value for place in places])
    by_code = {place.m49: place for place in places}
    world = shapes()

    def inset_project(lon: float, lat: float) -> tuple[float, float]:
        west, _east, _south, north = INSET_BOX
        return INSET_AT[0] + (lon - west) * INSET_SCALE * WIDTH / 360, INSET_AT[1] + (
            north - lat
        ) * INSET_SCALE * HEIGHT / (TOP - BOTTOM)

    def in_inset(rings) -> bool:
        """A country with a part inside the enlarged area (the inset's box clips the rest)."""
        west, east, south, north = INSET_BOX
        return any(
            west <= ring[i] / 10 <= east and south <= ring[i + 1] / 10 <= north
            for ring in rings
            for i in range(0, len(ring), 2)
        )

    body = [f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>']
    inset: list[str] = []
    for code in sorted(world):
        if code == "010":
            continue
        place = by_code.get(code)
        label = f"{place.name}: {place.value if place.value is not None else legend['none']}" if place else ""
        tip = f"<title>{escape(label)}</title>" if label else ""
        fill = _fill(place.value, bounds) if place else NO_VALUE
        drawn = _path(world[code], lambda lon, lat: (_x(lon), _y(lat)))
        shape = f'<path d="{drawn}" fill="{fill}" stroke="#999999" stroke-width="0.4">{tip}</path>'
        body.append(shape)
        if in_inset(world[code]):
            enlarged = _path(world[code], inset_project)
            inset.append(f'<path d="{enlarged}" fill="{fill}" stroke="#666666" stroke-width="0.6">{tip}</path>')
    # Countries without a shape at this scale: a circle at their position, outlined so that a pale one shows.
    for place in places:
        if place.m49 in world or place.latitude is None or place.longitude is None:
            continue
        fill = _fill(place.value, bounds)
        shown = place.value if place.value is not None else legend["none"]
        tip = f"<title>{escape(place.name)}: {escape(str(shown))}</title>"
        style = f'fill="{fill}" stroke="#333333" stroke-width="0.8"'
        body.append(
            f'<circle cx="{_x(place.longitude):.1f}" cy="{_y(place.latitude):.1f}" r="4" {style}>{tip}</circle>'
        )
        west, east, south, north = INSET_BOX
        if west <= place.longitude <= east and south <= place.latitude <= north:
            x, y = inset_project(place.longitude, place.latitude)
            inset.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" {style}>{tip}</circle>')
    west, east, south, north = INSET_BOX
    x0, y0 = inset_project(west, north)
    x1, y1 = inset_project(east, south)
    # The enlarged area's outline on the world, and the inset itself (clipped to its box).
    box = (
        f'x="{_x(west):.1f}" y="{_y(north):.1f}" width="{_x(east) - _x(west):.1f}" height="{_y(south) - _y(north):.1f}"'
    )
    body.append(f'<rect {box} fill="none" stroke="#333333" stroke-width="0.8"/>')
    frame = f'x="{x0:.1f}" y="{y0:.1f}" width="{x1 - x0:.1f}" height="{y1 - y0:.1f}"'
    view = f"{x0:.1f} {y0:.1f} {x1 - x0:.1f} {y1 - y0:.1f}"
    body.append(f'<svg {frame} viewBox="{view}"><rect {frame} fill="#ffffff" stroke="#333333"/>{"".join(inset)}</svg>')
    # The legend: a swatch per class with its range, and one for "no figure".
    legend_parts = [
        f'<text x="10" y="{HEIGHT + 16}" font-size="12" font-weight="bold">{escape(legend["title"])}</text>'
    ]
    low = Decimal(1)
    swatches = [
        (PALETTE[i + len(PALETTE) - len(bounds)], f"{low if i == 0 else bounds[i - 1]}–{bound}")
        for i, bound in enumerate(bounds)
    ]
    swatches.append((NO_VALUE, legend["none"]))
    for index, (fill, text) in enumerate(swatches):
        x = 10 + index * 150
        legend_parts.append(f'<rect x="{x}" y="{HEIGHT + 24}" width="14" height="14" fill="{fill}" stroke="#666666"/>')
        legend_parts.append(f'<text x="{x + 20}" y="{HEIGHT + 35}" font-size="12">{escape(text)}</text>')
    height = HEIGHT + 48
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="{WIDTH}" height="{height}" '
        'role="img" aria-labelledby="map-t map-d">'
        f'<title id="map-t">{escape(title)}</title><desc id="map-d">{escape(description)}</desc>'
        f"{''.join(body)}{''.join(legend_parts)}</svg>"
    )
