"""The `geo` field kind: coordinates checked where they are written, shown in the page's script, and
stated to machines as schema.org GeoCoordinates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, MiniSite, soup
from test_errors import assert_fails

PLACE = "---\ntitle: 北京\n{geo}\n---\n正文\n"

# (the geo lines as written, the error expected on stderr as a regex)
BAD = {
    "latitude out of range": ("geo: {lat: 95, lon: 116.4}",
                              r"places/beijing\.md:3:7: error: 'geo': the latitude 95 is outside -90\.\.90"),
    "longitude out of range": ("geo:\n  lat: 39.9\n  lon: -181",
                               r"places/beijing\.md:5:3: error: 'geo': the longitude -181 is outside -180\.\.180"),
    "not a number": ("geo: {lat: 北纬39.9, lon: 116.4}",
                     r"places/beijing\.md:3:7: error: 'geo': the latitude '北纬39.9' is not a number of degrees"),
    "a pair without names": ("geo: [39.9, 116.4]",
                             r"places/beijing\.md:3:6: error: 'geo': expected a latitude and a longitude"),
    "missing longitude": ("geo: {lat: 39.9}",
                          r"places/beijing\.md:3:6: error: 'geo': the longitude \('lon'\) is missing"),
    "unknown part": ("geo: {lat: 39.9, lng: 116.4}", r"places/beijing\.md:3:18: error: 'geo': unknown part 'lng'"),
    "true is no number": ("geo: {lat: true, lon: 116.4}",
                          r"places/beijing\.md:3:7: error: 'geo': the latitude 'True' is not a number of degrees"),
}


@pytest.mark.parametrize("case", BAD)
def test_bad_coordinates_are_errors_at_their_line(mini: MiniSite, case: str) -> None:
    lines, expected = BAD[case]
    mini.write("places/beijing.md", PLACE.format(geo=lines))
    stderr = assert_fails(mini, expected)
    assert stderr.count(": error: ") == 1
    assert "{lat: 39.9075, lon: 116.3972}" in stderr  # the hint shows how to write it


def entity(page: BeautifulSoup) -> dict:
    graph = json.loads(page.find("script", type="application/ld+json").string)["@graph"]
    return next(node for node in graph if node.get("@id", "").endswith("#entity"))


@pytest.mark.parametrize("variant, shown", [("zh-hans", "北纬39.9075° 东经116.3972°"),
                                             ("zh-hant", "北緯39.9075° 東經116.3972°")])
def test_coordinates_shown_and_stated_as_geocoordinates(mini: MiniSite, variant: str, shown: str) -> None:
    mini.write("places/beijing.md", PLACE.format(geo="geo: {lat: 39.9075, lon: 116.3972}"))
    mini.write("places/quito.md", "---\ntitle: 基多\ngeo: {lat: -0.22985, lon: -78.52495}\n---\n")
    result = mini.build()
    assert result.returncode == 0, result.stderr
    page = mini.page(variant, "places/beijing")
    facts = {div.dt.get_text(): div.dd.get_text() for div in page.select(".facts > div")}
    assert facts["座標" if variant == "zh-hant" else "坐标"] == shown
    assert entity(page)["geo"] == {"@type": "GeoCoordinates", "latitude": 39.9075, "longitude": 116.3972}
    south_west = mini.page(variant, "places/quito").select_one(".facts dd").get_text()
    assert south_west == ("南緯0.22985° 西經78.52495°" if variant == "zh-hant" else "南纬0.22985° 西经78.52495°")


PLACES = sorted(p.stem for p in (ROOT / "content" / "places").glob("*.md"))


@pytest.mark.parametrize("variant", ["zh-hans", "zh-hant"])
@pytest.mark.parametrize("place", PLACES)
def test_every_shipped_place_has_sourced_coordinates(site_dir: Path, variant: str, place: str) -> None:
    """Its coordinates in the facts and as GeoCoordinates, and a reference with an address to check them at."""
    page = soup(site_dir / variant / "places" / place / "index.html")
    point = entity(page)["geo"]
    assert point["@type"] == "GeoCoordinates"
    assert -90 <= point["latitude"] <= 90 and -180 <= point["longitude"] <= 180
    label, north, east = ("座標", "北緯", "東經") if variant == "zh-hant" else ("坐标", "北纬", "东经")
    facts = {div.dt.get_text(): div.dd.get_text() for div in page.select(".facts > div")}
    assert facts[label] == f"{north}{point['latitude']}° {east}{point['longitude']}°"
    checked = [a["href"] for a in page.select(".references a[rel=external]")]
    assert any(url.startswith(("https://www.geonames.org/", "https://en.wikipedia.org/wiki/")) for url in checked)
