"""`jalon map-shapes SOURCE.json`: rebuild jalon/web/data/geo/countries.json, the country shapes the map
draws (jalon/web/maps.py), from world-atlas's countries-110m.json (Natural Earth 1:110m, TopoJSON):
each country's rings decoded from the shared arcs, rounded to a tenth of a degree, consecutive repeats
dropped. The provenance is in jalon/web/data/geo/PROVENANCE.md."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jalon.web.maps import SHAPES


def _arcs(topology: dict) -> list[list[tuple[float, float]]]:
    scale_x, scale_y = topology["transform"]["scale"]
    move_x, move_y = topology["transform"]["translate"]
    decoded = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * scale_x + move_x, y * scale_y + move_y))
        decoded.append(points)
    return decoded


def _ring(indices: list[int], arcs) -> list[int]:
    points: list[tuple[float, float]] = []
    for index in indices:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc[1:] if points else arc)
    flat: list[int] = []
    for lon, lat in points:
        point = [round(lon * 10), round(lat * 10)]
        if flat[-2:] != point:
            flat += point
    return flat


class Command(BaseCommand):
    help = "Rebuild the map's country shapes from world-atlas countries-110m.json."

    def add_arguments(self, parser):
        parser.add_argument("source")

    def handle(self, *args, source: str, **options):
        path = Path(source)
        if not path.is_file():
            raise CommandError(f"No file {path}.")
        topology = json.loads(path.read_text(encoding="utf-8"))
        arcs = _arcs(topology)
        shapes: dict[str, list[list[int]]] = {}
        for geometry in topology["objects"]["countries"]["geometries"]:
            if not geometry.get("id"):
                continue  # no ISO code (Kosovo, Northern Cyprus, Somaliland): drawn as land only, never a value
            polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
            rings = [_ring(ring, arcs) for polygon in polygons for ring in polygon]
            shapes[geometry["id"]] = [ring for ring in rings if len(ring) >= 6]
        SHAPES.write_text(json.dumps(shapes, separators=(",", ":"), sort_keys=True), encoding="utf-8")
        self.stdout.write(f"{len(shapes)} countries written to {SHAPES} ({SHAPES.stat().st_size} bytes).")
