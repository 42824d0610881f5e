"""Points on the earth: the value of a ``geo`` field, as an editor writes it and as readers see it.

Written as ``{lat: 39.9075, lon: 116.3972}``: named, so that latitude and longitude cannot be
swapped unnoticed (sources differ in the order they give them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from docsite.text.sourcetext import number as written_number

HINT = "write decimal degrees, north and east positive, e.g. {lat: 39.9075, lon: 116.3972}"
_LIMITS = {"lat": 90.0, "lon": 180.0}
_NAMES = {"lat": "latitude", "lon": "longitude"}


@dataclass(frozen=True)
class Point:
    lat: float  # degrees north, -90..90
    lon: float  # degrees east, -180..180


class GeoError(ValueError):
    """A value that is not a point; ``key`` is the part at fault (lat, lon), if one is."""

    def __init__(self, message: str, key: str | None = None):
        super().__init__(message)
        self.key = key


def parse(value: Any) -> Point:
    """A ``geo`` field's value as written in front matter."""
    if not isinstance(value, dict):
        raise GeoError("expected a latitude and a longitude")
    extra = sorted(str(k) for k in value.keys() - _LIMITS.keys())
    if extra:
        raise GeoError(f"unknown part '{extra[0]}'", extra[0])
    degrees = {}
    for key, limit in _LIMITS.items():
        if value.get(key) is None:
            raise GeoError(f"the {_NAMES[key]} ('{key}') is missing")
        number = written_number(value[key])
        if number is None:
            raise GeoError(f"the {_NAMES[key]} '{value[key]}' is not a number of degrees", key)
        if not -limit <= number <= limit:
            raise GeoError(f"the {_NAMES[key]} {value[key]} is outside -{limit:g}..{limit:g}", key)
        degrees[key] = float(number)
    return Point(degrees["lat"], degrees["lon"])


def display(point: Point) -> str:
    """The point as readers see it (in simplified script, converted with the page): 北纬39.9075° 东经116.3972°."""
    lat = ("北纬" if point.lat >= 0 else "南纬") + _degrees(point.lat)
    lon = ("东经" if point.lon >= 0 else "西经") + _degrees(point.lon)
    return f"{lat} {lon}"


def _degrees(value: float) -> str:
    return f"{abs(value):.6f}".rstrip("0").rstrip(".") + "°"
