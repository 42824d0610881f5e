"""Maps drawn at build time: the land and the borders around a set of points, as SVG path data.

The outlines are Natural Earth's, at 1:50m, from naturalearth.json beside this file (made by
naturalearth/make.mjs out of the npm package world-atlas). A map is a plate carrée whose east-west
scale is the cosine of its middle latitude, so the shapes of the region it shows keep their
proportions; shapely clips the outlines to the map and simplifies them to what its size can show.
Nothing here knows about scripts: every variant draws the same map and labels it in its own script.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from docsite.model.fields import GeoKind
from docsite.model.geo import Point
from docsite.model.page import Page

DATA = Path(__file__).with_name("naturalearth.json")
WIDTH = 480  # a map's width in its own units: its SVG scales to its box, at most 1:1 (see style.css)
MARGIN = 0.2  # room around the points, as a share of the span they cover
SPAN = 16.0  # degrees of latitude a map shows at least: a locator's region around a single point
DETAIL = 0.7  # the simplification's tolerance, in map units: finer than that does not show


@dataclass(frozen=True)
class Frame:
    """The part of the earth a map shows, in degrees, and its height in map units (its width is WIDTH)."""

    west: float
    south: float
    east: float
    north: float
    height: float

    def project(self, point: Point) -> tuple[float, float]:
        """Where a point falls on the map, in map units from its top left corner."""
        x = (point.lon - self.west) / (self.east - self.west) * WIDTH
        y = (self.north - point.lat) / (self.north - self.south) * self.height
        return round(x, 1), round(y, 1)


@dataclass(frozen=True)
class Drawing:
    """A map of some pages' points: its frame, its outlines as SVG path data, and each page's place on it."""

    frame: Frame
    land: str
    borders: str
    marks: tuple[tuple[str, float, float], ...]  # page id, x, y


def point_of(page: Page) -> Point | None:
    """The page's point: the value of its type's first ``geo`` field, if it has one."""
    located = (f.name for f in page.type.fields if isinstance(f.kind, GeoKind) and f.name in page.fields)
    return next((page.fields[name] for name in located), None)


def draw(points: Mapping[str, Point], aspect: float) -> Drawing:
    """A map ``aspect`` times as wide as it is tall that shows every point (by page id), in the given order."""
    frame = frame_of(tuple(points.values()), aspect)
    land, borders = outlines(frame)
    return Drawing(frame, land, borders, tuple((pid, *frame.project(p)) for pid, p in points.items()))


def frame_of(points: Sequence[Point], aspect: float) -> Frame:
    """The smallest frame of the given ``aspect`` that shows ``points`` with a margin, at least SPAN tall."""
    south, north = min(p.lat for p in points), max(p.lat for p in points)
    west, east = min(p.lon for p in points), max(p.lon for p in points)
    middle = (south + north) / 2
    shrink = math.cos(math.radians(middle))  # a degree of longitude, in degrees of latitude, there
    tall = max(SPAN, (north - south) * (1 + 2 * MARGIN), (east - west) * shrink * (1 + 2 * MARGIN) / aspect)
    wide = min(360.0, tall * aspect / shrink)
    tall = min(tall, 180.0)
    centre_lat = min(max(middle, -90 + tall / 2), 90 - tall / 2)  # kept on the earth
    centre_lon = min(max((west + east) / 2, -180 + wide / 2), 180 - wide / 2)
    return Frame(round(centre_lon - wide / 2, 4), round(centre_lat - tall / 2, 4), round(centre_lon + wide / 2, 4),
                 round(centre_lat + tall / 2, 4), round(WIDTH / aspect, 1))


@lru_cache(maxsize=512)
def outlines(frame: Frame) -> tuple[str, str]:
    """The land (filled) and the borders between countries (stroked) inside ``frame``, as SVG path data."""
    # shapely (and numpy) are imported where a map is drawn, not with this module: a build after an
    # edit seldom draws one, and importing them was a fifth of its start.
    import shapely

    land, borders = _world()
    box = (frame.west, frame.south, frame.east, frame.north)
    scale = (WIDTH / (frame.east - frame.west), -frame.height / (frame.north - frame.south))

    def projected(geometry: Any) -> Any:
        return shapely.transform(geometry, lambda xy: (xy - (frame.west, frame.north)) * scale)

    shapes = shapely.simplify(projected(shapely.clip_by_rect(land, *box)), DETAIL, preserve_topology=True)
    lines = projected(shapely.clip_by_rect(borders, *box)).simplify(DETAIL)
    rings = shapely.get_rings(shapely.get_parts(shapes))
    return _path(rings, closed=True), _path(shapely.get_parts(lines), closed=False)


def _path(lines: Any, closed: bool) -> str:
    """SVG path data for lines (rings when ``closed``), to a tenth of a unit."""
    import shapely

    out = []
    for line in lines:
        coords = shapely.get_coordinates(line)
        if len(coords) < (4 if closed else 2):
            continue
        points = " ".join(f"{_number(x)} {_number(y)}" for x, y in (coords[:-1] if closed else coords))
        out.append(f"M{points}{'Z' if closed else ''}")
    return "".join(out)


def _number(value: float) -> str:
    return f"{value:.1f}".removesuffix(".0")


@cache
def _world() -> tuple[Any, Any]:
    """Natural Earth's land and borders (the file's two features, in that order), read once per process."""
    import shapely

    land, borders = shapely.get_parts(shapely.from_geojson(DATA.read_text(encoding="utf-8")))
    islands = shapely.get_parts(land)
    broken = ~shapely.is_valid(islands)  # a few islands, a few hundred metres across, cross themselves
    islands[broken] = shapely.make_valid(islands[broken])
    return islands, borders
