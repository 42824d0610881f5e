"""Maps: each place's locator, the places an event names, and the map of every place, drawn at build time
from Natural Earth's outlines; read from the generated HTML, then used in Chromium with a mouse, a
keyboard and a phone's touch screen."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
import shapely
import yaml
from bs4 import BeautifulSoup, Tag
from conftest import ROOT, MiniSite, Published, Visit, soup
from playwright.sync_api import Locator, Page, expect
from test_accessibility import violations

PLACES = sorted(p.stem for p in (ROOT / "content" / "places").glob("*.md"))
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 900}}


def front_matter(relative: str) -> dict:
    text = (ROOT / "content" / relative).read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---\n")[1])


def point(place: str) -> tuple[float, float]:
    geo = front_matter(f"places/{place}.md")["geo"]
    return geo["lat"], geo["lon"]


def page_of(site_dir: Path, variant: str, pid: str) -> BeautifulSoup:
    return soup(site_dir / variant / pid / "index.html")


def view_box(svg: Tag) -> tuple[float, float]:
    _, _, width, height = map(float, svg["viewbox"].split())
    return width, height


def land(svg: Tag) -> shapely.Geometry:
    """The land a map fills, from its SVG path (each M...Z a ring; a ring within a ring is a lake, land here)."""
    rings = [[tuple(map(float, pair)) for pair in re.findall(r"(-?[\d.]+) (-?[\d.]+)", ring)]
             for ring in svg.select_one("path.land")["d"].split("M")[1:]]
    return shapely.union_all([shapely.Polygon(r).buffer(0) for r in rings if len(r) >= 3])


# -- each place's map ------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["zh-hans", "zh-hant"])
@pytest.mark.parametrize("place", PLACES)
def test_a_place_page_shows_where_the_place_is(site_dir: Path, variant: str, place: str) -> None:
    """An SVG map with a text alternative naming the place and its coordinates, the mark in the middle
    (the map is centred on it) and on land, labelled with the page's title in the page's script."""
    page = page_of(site_dir, variant, f"places/{place}")
    title = page.h1.get_text()
    svg = page.select_one("figure.locator svg")
    assert svg["role"] == "img"
    alternative = page.find(id=svg["aria-labelledby"]).get_text()
    lat, lon = point(place)
    north, east = ("北緯", "東經") if variant == "zh-hant" else ("北纬", "东经")
    assert f"{title}，{north}{lat}° {east}{lon}°" in alternative
    width, height = view_box(svg)
    (mark,) = svg.select(".mark")
    x, y = float(mark.circle["cx"]), float(mark.circle["cy"])
    assert (x, y) == (width / 2, height / 2)
    assert land(svg).distance(shapely.Point(x, y)) < 2  # a coastal city's point may lie just off the coast
    assert mark.find("text").get_text() == title


@pytest.mark.parametrize(("variant", "title"), [("zh-hans", "哈尔滨"), ("zh-hant", "哈爾濱")])
def test_labels_are_in_the_page_script(site_dir: Path, variant: str, title: str) -> None:
    assert page_of(site_dir, variant, "places/harbin").select_one("figure.locator .mark text").get_text() == title
    atlas = page_of(site_dir, variant, "map")
    assert title in [label.get_text() for label in atlas.select(".atlas-marks .label")]


def test_the_projection_keeps_shapes_near_the_middle_of_a_map(site_dir: Path) -> None:
    """Moscow and Beijing on the event page that names both: a degree east is the cosine of the map's
    middle latitude times a degree north, on the map as on the earth."""
    svg = page_of(site_dir, "zh-hans", "events/treaty-published").select_one("figure.locator svg")
    marks = {m.find("text").get_text(): (float(m.circle["cx"]), float(m.circle["cy"])) for m in svg.select(".mark")}
    (mx, my), (bx, by) = marks["莫斯科"], marks["北京"]
    (mlat, mlon), (blat, blon) = point("moscow"), point("beijing")
    east, north = (bx - mx) / (blon - mlon), (by - my) / (mlat - blat)  # map units per degree
    assert east > 0 and north > 0
    assert east / north == pytest.approx(math.cos(math.radians((mlat + blat) / 2)), rel=0.01)


# -- the places an event names --------------------------------------------------------------------


EVENTS = sorted(p.stem for p in (ROOT / "content" / "events").glob("*.md"))


@pytest.mark.parametrize("event", EVENTS)
def test_an_event_shows_the_places_it_names(site_dir: Path, event: str) -> None:
    named = [pid for pid in front_matter(f"events/{event}.md").get("related", []) if pid.startswith("places/")]
    page = page_of(site_dir, "zh-hant", f"events/{event}")
    figure = page.select_one("figure.locator")
    if not named:
        assert figure is None
        return
    links = [a["href"] for a in figure.select("figcaption .place a")]
    assert links == [f"../../{pid}/" for pid in named]
    assert len(figure.select("svg .mark")) == len(named)
    assert figure.select_one("a.atlas-link")["href"] == "../../map/"


def test_most_shipped_events_show_a_map(site_dir: Path) -> None:
    assert sum(page_of(site_dir, "zh-hans", f"events/{e}").select_one("figure.locator") is not None
               for e in EVENTS) >= 10


# -- the map of every place -----------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["zh-hans", "zh-hant"])
def test_the_map_page_lists_every_place(site_dir: Path, variant: str) -> None:
    page = page_of(site_dir, variant, "map")
    marks = page.select(".atlas-marks > li")
    assert sorted(li.a["href"] for li in marks) == sorted(f"../places/{place}/" for place in PLACES)
    for li in marks:
        target = page_of(site_dir, variant, li.a["href"].replace("../", "").rstrip("/"))
        assert li.select_one(".label").get_text() == target.h1.get_text()
    lons = [point(li.a["href"].split("/")[-2])[1] for li in marks]
    assert lons == sorted(lons)  # west to east: the order a keyboard walks them in
    listing = page_of(site_dir, variant, "places")
    assert listing.select_one(".atlas-link a")["href"] == "../map/"


def test_the_map_page_puts_each_place_where_the_projection_does(site_dir: Path) -> None:
    """The marks' places (percent of the map) are linear in longitude and in latitude, with a degree
    east the cosine of the middle latitude times a degree north, as on the locators."""
    page = page_of(site_dir, "zh-hans", "map")
    width, height = view_box(page.select_one(".atlas svg"))
    rows = [(point(li.a["href"].split("/")[-2]), float(li["data-x"]) * width / 100, float(li["data-y"]) * height / 100)
            for li in page.select(".atlas-marks > li")]
    (lat0, lon0), x0, y0 = rows[0]
    (_, lon1), x1, _ = max(rows, key=lambda r: r[0][1] - lon0)
    east = (x1 - x0) / (lon1 - lon0)
    (lat2, _), _, y2 = max(rows, key=lambda r: abs(r[0][0] - lat0))
    north = (y0 - y2) / (lat2 - lat0)
    for (lat, lon), x, y in rows:
        assert x == pytest.approx(x0 + (lon - lon0) * east, abs=0.15)
        assert y == pytest.approx(y0 - (lat - lat0) * north, abs=0.15)
    middle = lat0 + (y0 - height / 2) / north
    assert east / north == pytest.approx(math.cos(math.radians(middle)), rel=0.002)
    dots = page.select(".atlas svg circle.dot")
    assert [(float(c["cx"]), float(c["cy"])) for c in dots] == [(round(x, 1), round(y, 1)) for _, x, y in rows]


def test_the_map_page_comes_with_the_first_coordinates(mini: MiniSite) -> None:
    mini.write("places/beijing.md", "---\ntitle: 北京\n---\n")
    assert mini.build().returncode == 0
    assert not (mini.root / "_site" / "zh-hans" / "map").exists()
    assert mini.page("zh-hans", "places").select_one(".atlas-link") is None
    assert mini.page("zh-hans", "places/beijing").select_one("figure.locator") is None
    mini.write("places/beijing.md", "---\ntitle: 北京\ngeo: {lat: 39.9075, lon: 116.39723}\n---\n")
    assert mini.build().returncode == 0
    assert [a["href"] for a in mini.page("zh-hans", "map").select(".atlas-marks a")] == ["../places/beijing/"]
    assert mini.page("zh-hans", "places").select_one(".atlas-link a")["href"] == "../map/"
    assert mini.page("zh-hans", "places/beijing").select_one("figure.locator") is not None


def test_places_of_names_a_type(mini: MiniSite) -> None:
    config = mini.root / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("places_of: [event]", "places_of: [events]"),
                      encoding="utf-8")
    result = mini.build()
    assert result.returncode == 1
    assert re.search(r"site\.yaml:\d+: error: maps\.places_of: no page type is called 'events'", result.stderr)


# -- in a browser -----------------------------------------------------------------------------------


def opened(visit: Visit, variant: str, device: dict, errors: list[str]) -> Page:
    page = visit(f"{variant}/map/", **device)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.wait_for_selector(".atlas-live")
    return page


def press(target: Locator, touch: bool) -> None:
    if touch:
        target.tap()
    else:
        target.click()


@pytest.mark.parametrize("variant", ["zh-hans", "zh-hant"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_every_mark_reaches_its_place(visit: Visit, published: Published, variant: str, device: str) -> None:
    """A mark is pressed (tapped on a phone), or its group opened and the place pressed in the list."""
    touch = device == "phone"
    errors: list[str] = []
    page = opened(visit, variant, PHONE if touch else DESKTOP, errors)
    groups = page.locator(".atlas-group")
    assert groups.count() >= 1 and page.locator(".atlas-marks > li:not([hidden]):not(.atlas-group)").count() >= 1
    for place in PLACES:
        href = f"../places/{place}/"
        mark = page.locator(f'.atlas-marks > li:not([hidden]) > a[href="{href}"]')
        if not mark.count():
            group = page.locator(".atlas-group").filter(has=page.locator(f'a[href="{href}"]'))
            press(group.locator("button"), touch)
            expect(group.locator("button")).to_have_attribute("aria-expanded", "true")
            mark = group.locator(f'ul a[href="{href}"]')
        expect(mark).to_be_visible()
        press(mark, touch)
        expect(page).to_have_url(published.url(f"{variant}/places/{place}/"))
        page.go_back()
        page.wait_for_selector(".atlas-live")
    assert errors == []


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_marks_are_fair_targets_apart_with_labels_large_enough(visit: Visit, device: str) -> None:
    """Every mark and group is at least 24 x 24 px, nothing covers another's dot, labels are 12 px or more."""
    errors: list[str] = []
    page = opened(visit, "zh-hans", PHONE if device == "phone" else DESKTOP, errors)
    targets = page.locator(".atlas-marks > li:not([hidden]) > a, .atlas-group > button")
    assert targets.count() >= 5
    for target in targets.all():
        target.scroll_into_view_if_needed()
        box = target.bounding_box()
        assert box is not None and box["width"] >= 24 and box["height"] >= 24
        # The dot is the target's first 24 px: whatever is drawn there belongs to this mark.
        flipped = "atlas-flip" in (target.locator("xpath=..").get_attribute("class") or "")
        x = box["x"] + (box["width"] - 12 if flipped else 12)
        assert target.evaluate("(t, [x, y]) => t.contains(document.elementFromPoint(x, y))",
                               [x, box["y"] + box["height"] / 2])
        size = target.locator(".label").evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
        assert size >= 12
    assert errors == []


def test_the_keyboard_walks_the_marks_and_opens_a_group(visit: Visit) -> None:
    """Tab reaches every mark and group from west to east, each showing its label; Enter opens a group,
    Tab enters its list, Escape closes it and returns to it."""
    errors: list[str] = []
    page = opened(visit, "zh-hant", DESKTOP, errors)
    visible = page.locator(".atlas-marks > li:not([hidden]) > a, .atlas-group > button")
    page.locator("h1").evaluate("h1 => { h1.tabIndex = -1; h1.focus(); }")
    for i in range(visible.count()):
        target = visible.nth(i)
        page.keyboard.press("Tab")
        expect(target).to_be_focused()
        expect(target.locator(".label")).to_be_visible()
        if target.evaluate("e => e.tagName") == "BUTTON":
            page.keyboard.press("Enter")
            expect(target).to_have_attribute("aria-expanded", "true")
            page.keyboard.press("Tab")
            expect(target.locator("xpath=../ul//a").first).to_be_focused()
            page.keyboard.press("Escape")
            expect(target).to_be_focused()
            expect(target).to_have_attribute("aria-expanded", "false")
    assert errors == []


def test_without_javascript_the_map_page_lists_every_place(visit: Visit) -> None:
    page = visit("zh-hans/map/", javascript=False)
    links = page.locator(".atlas-marks a")
    assert links.count() == len(PLACES)
    for link in links.all():
        expect(link).to_be_visible()


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_with_a_group_open(visit: Visit, scheme: str) -> None:
    page = visit("zh-hans/map/", color_scheme=scheme, **PHONE)
    page.wait_for_selector(".atlas-live")
    page.locator(".atlas-group > button").first.tap()
    assert violations(page) == []
