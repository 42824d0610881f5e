"""The timelines' overview: its geometry as built (a broken axis, marks a hit area apart, groups,
a view per era), and what a reader does with it in Chromium: tap or click every mark to reach its
entry, read a label on hover, focus and tap, walk the marks with the keyboard, zoom into an era and
link to it, read it on a phone, and use it without JavaScript."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import ROOT, Published, Visit, soup
from playwright.sync_api import Locator, Page, expect
from test_accessibility import violations
from test_browser import PHONE

from docsite.diagnostics import Diagnostics
from docsite.pipeline import load_site
from docsite.stages import overview

DESKTOP = {"viewport": {"width": 1366, "height": 900}}
SITE = "timeline/"
NAMED = ["timelines/treaty-life/", "timelines/relations/", "timelines/aid-projects/"]
TIMELINES = [SITE, *NAMED]


def percent(value: str) -> float:
    return float(value.removesuffix("%"))


def entries(page: BeautifulSoup) -> list[str]:
    """The anchors of the entries listed on a timeline page."""
    return [li["id"] for li in page.select("ol.timeline > li")]


def reached(page: BeautifulSoup, view: Tag) -> list[str]:
    """The entries a view's marks lead to: a mark's own, or, for a group, those its list links to."""
    found = []
    for mark in view.select("a.mark"):
        if mark.get("aria-controls"):
            found += [a["href"][1:] for a in page.find(id=mark["aria-controls"]).select("a")]
        elif mark["href"].startswith("#"):
            found.append(mark["href"][1:])
    return found


def placed(view: Tag) -> list[tuple[float, float]]:
    """(x in axis units, y in px) of the view's event marks and groups, in order."""
    return [(percent(svg["x"]), float(svg["y"])) for svg in view.select("a.point > svg, a.group > svg")]


# -- the geometry, as built -------------------------------------------------------------------------


@pytest.mark.parametrize("variant", ["zh-hans", "zh-hant"])
@pytest.mark.parametrize("path", TIMELINES)
def test_every_entry_is_reached_from_each_overview_exactly_once(site_dir: Path, variant: str, path: str) -> None:
    page = soup(site_dir / variant / path / "index.html")
    views = page.select(".overview-view")
    assert views, "no overview"
    assert sorted(reached(page, views[0])) == sorted(entries(page))  # the whole view: every entry, once
    ids = {tag["id"] for tag in page.select("[id]")}
    for view in views:
        assert all(anchor in ids for anchor in reached(page, view))
        assert len(reached(page, view)) == len(set(reached(page, view)))


@pytest.mark.parametrize("path", TIMELINES)
def test_marks_stand_a_hit_area_apart(site_dir: Path, path: str) -> None:
    """On the narrowest chart: 24 px between two marks of a lane, 12 between neighbours, none cut by the edges."""
    page = soup(site_dir / "zh-hans" / path / "index.html")
    assert page.select(".overview-view")
    for view in page.select(".overview-view"):
        marks = placed(view)
        assert [x for x, _ in marks] == sorted(x for x, _ in marks)
        for lane in {y for _, y in marks}:
            xs = [x for x, y in marks if y == lane]
            assert all(b - a >= overview.HIT - 0.01 for a, b in itertools.pairwise(xs)), (view["id"], xs)
        neighbours = list(itertools.pairwise(marks))
        assert all(b[0] - a[0] >= overview.HIT / overview.LANES - 0.01 and a[1] != b[1] for a, b in neighbours)
        assert all(overview.PAD - 0.01 <= x <= 100 - overview.PAD + 0.01 for x, _ in marks)
        for short in view.select("a.bar > svg"):  # a bar shorter than a hit area gets one
            assert short.select_one(".hit")["width"] == "24"


def test_groups_show_their_count_and_list_their_events_in_the_readers_script(site_dir: Path) -> None:
    page = soup(site_dir / "zh-hant" / SITE / "index.html")
    groups = page.select("#overview-all a.group")
    assert groups
    for group in groups:
        listed = page.find(id=group["aria-controls"])
        links = listed.select("a")
        assert group.select_one("text").get_text() == str(len(links)) and len(links) >= 2
        assert group["href"] == links[0]["href"]  # without JavaScript, to the first of them
        assert group.title.get_text().startswith(f"{len(links)}件事件：")
        for link in links:
            entry = page.find(id=link["href"][1:])
            assert link.select_one(".when").get_text() == entry.select_one(".when").get_text()
            when = link.select_one(".when").get_text()
            assert link.get_text().removeprefix(when) == entry.select_one(".what a").get_text()
    drawn = page.select_one(".overview").get_text()
    assert "中苏" not in drawn and "中蘇同盟" in drawn


def test_empty_years_are_cut_out_of_the_axis(site_dir: Path) -> None:
    """Before, 1980-1999 took 40 % of the axis for one event; now the years after the treaty's end take little."""
    svg = soup(site_dir / "zh-hans" / SITE / "index.html").select_one("#overview-all svg")
    treaty = next(a for a in svg.select("a.bar") if a["href"] == "../treaty/")
    end = percent(treaty.select_one(".shape")["x"]) + percent(treaty.select_one(".shape")["width"])
    assert 100 - end < 15
    cuts = svg.select("rect.cut")
    assert len(cuts) >= 3 and all(percent(c["width"]) < 4 for c in cuts)
    years = [int(t.get_text()) for t in svg.select(".axis text")]
    assert years == sorted(years) and 1979 in years and not {1970, 1975, 1985} & set(years)


def test_the_axis_draws_busy_years_at_scale_and_squeezes_empty_runs() -> None:
    ax = overview.axis([dt.date(1950, 3, 1), dt.date(1951, 6, 1), dt.date(1990, 1, 1)],
                       dt.date(1950, 1, 1), dt.date(1991, 1, 1))
    year = ax.x(dt.date(1951, 1, 1)) - ax.x(dt.date(1950, 1, 1))
    assert [p.cut for p in ax.pieces] == [False, True, False]
    assert ax.x(dt.date(1990, 1, 1)) - ax.x(dt.date(1952, 1, 1)) == pytest.approx(overview.CUT_YEARS * year, abs=0.05)
    assert ax.x(dt.date(1950, 1, 1)) == overview.PAD and ax.x(dt.date(1991, 1, 1)) == 100 - overview.PAD
    short = overview.axis([dt.date(1950, 1, 1), dt.date(1953, 1, 1)], dt.date(1950, 1, 1), dt.date(1954, 1, 1))
    assert [p.cut for p in short.pieces] == [False]  # two empty years stay at scale


def test_marks_closer_than_a_hit_area_merge_until_none_are() -> None:
    gap = overview.HIT / overview.LANES
    marks = overview.grouped([(10.0, "a"), (10.5, "b"), (10.9, "c"), (10 + gap, "d"), (50.0, "e")])
    assert [m.ids for m in marks] == [("a", "b", "c", "d"), ("e",)]
    assert [m.lane for m in marks] == [0, 1]
    assert marks[0].x == pytest.approx(10 + gap / 2)
    assert [m.ids for m in overview.grouped([(10.0, "a"), (10 + gap, "b")])] == [("a",), ("b",)]


def test_bars_take_rows_where_neither_they_nor_their_labels_meet() -> None:
    def item(pid: str, em: float) -> overview.Item:
        return overview.Item(pid, dt.date(1950, 1, 1), dt.date(1951, 1, 1), True, True, em)
    long, short, late, edge = item("long", 4), item("short", 6), item("late", 6), item("edge", 6)
    bars = overview.stacked([(long, 10.0, 60.0), (short, 20.0, 20.5), (late, 62.0, 70.0), (edge, 97.0, 98.0)])
    assert [(b.id, b.row, b.place) for b in bars] == [
        ("long", 0, "inside"), ("short", 1, "after"), ("late", 0, "after"), ("edge", 1, "before")]
    # "edge" would meet the label of "late" on the first row


def test_each_era_of_site_yaml_gets_a_zoomed_view_of_its_entries(site_dir: Path) -> None:
    page = soup(site_dir / "zh-hant" / SITE / "index.html")
    buttons = page.select(".overview-zoom button")
    assert [(b["aria-controls"], b.get_text()) for b in buttons] == [
        ("overview-all", "全部1945—1990"), ("overview-1950-1960", "中蘇同盟1950—1960"),
        ("overview-1960-1980", "分歧公開化至條約期滿1960—1980")]
    events = json.loads((site_dir / "zh-hant" / SITE / "events.json").read_text(encoding="utf-8"))["events"]
    for key, first, last in [("1950-1960", "1950-02-14", "1960-07-16"), ("1960-1980", "1960-07-16", "1980-04-11")]:
        view = page.select_one(f"#overview-{key}")
        assert view.has_attr("hidden")
        starting = {e["anchor"] for e in events if first <= e["earliest"] <= last}
        lasting = {e["anchor"] for e in events if "/" in e["date"] and e["earliest"] < first <= e["latest"]}
        assert starting and sorted(reached(page, view)) == sorted(starting | lasting)  # and spans begun before, cut


@pytest.mark.parametrize("path", NAMED)
def test_a_named_timeline_draws_its_own_entries_and_the_periods_it_concerns(site_dir: Path, path: str) -> None:
    page = soup(site_dir / "zh-hans" / path / "index.html")
    whole = page.select_one("#overview-all")
    site = soup(site_dir / "zh-hans" / SITE / "index.html")
    assert len(entries(page)) < len(entries(site))
    assert sorted(reached(page, whole)) == sorted(entries(page))
    periods = sorted(a["href"] for a in whole.select("a.bar") if not a["href"].startswith("#"))
    site_data = load_site(ROOT, Diagnostics(ROOT))
    concerning = [site_data.target(ref) for ref in site_data.pages[path.strip("/")].fields["concerning"]]
    assert periods == sorted(f"../../{pid}/" for pid in concerning if "period" in site_data.pages[pid].fields)


# -- in the browser ---------------------------------------------------------------------------------


@pytest.fixture
def errors() -> Iterator[list[str]]:
    """JavaScript errors of the pages a test opens (with ``watch``): none by the end."""
    found: list[str] = []
    yield found
    assert found == []


def watch(page: Page, errors: list[str]) -> Page:
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    return page


def shown(page: Page) -> Locator:
    return page.locator(".overview-view:not([hidden]) a.mark")


def hit(mark: Locator) -> Locator:
    return mark.locator(".hit").last


def in_view(page: Page, anchor: str) -> None:
    expect(page).to_have_url(re.compile(f"#{re.escape(anchor)}$"))
    expect(page.locator(f'[id="{anchor}"]')).to_be_in_viewport()


def label(page: Page) -> Locator:
    return page.locator(".overview-label")


def title(mark: Locator) -> str:
    return " ".join(mark.locator("title").first.text_content().split())


@pytest.mark.parametrize("path", TIMELINES)
def test_tapping_every_mark_on_a_phone_reaches_its_entry(visit: Visit, errors: list[str], path: str) -> None:
    """A first tap labels a mark, a second goes to its entry; a group lists its events, each a tap away.
    (Jumps without the glide, so that the test waits for no animation.)"""
    page = watch(visit(f"zh-hant/{path}", reduced_motion="reduce", **PHONE), errors)
    expected = sorted(page.eval_on_selector_all("ol.timeline > li", "lis => lis.map(li => li.id)"))
    done = []
    for i in range(shown(page).count()):
        mark = shown(page).nth(i)
        href = mark.get_attribute("href")
        if mark.get_attribute("aria-controls"):
            members = page.locator(f'#{mark.get_attribute("aria-controls")} a')
            for j in range(members.count()):
                if not members.nth(j).is_visible():  # open, and left open by a jump to an entry
                    hit(mark).tap()
                expect(members.nth(j)).to_be_visible()
                anchor = members.nth(j).get_attribute("href")[1:]
                members.nth(j).tap()
                in_view(page, anchor)
                done.append(anchor)
        elif href.startswith("#"):
            hit(mark).tap()
            expect(label(page)).to_be_visible()
            expect(label(page)).to_have_text(title(mark))
            hit(mark).tap()
            in_view(page, href[1:])
            done.append(href[1:])
    assert sorted(done) == expected


def test_clicking_every_mark_on_a_desktop_reaches_its_entry(visit: Visit, errors: list[str]) -> None:
    page = watch(visit(f"zh-hans/{SITE}", reduced_motion="reduce", **DESKTOP), errors)
    done = []
    for i in range(shown(page).count()):
        mark = shown(page).nth(i)
        if mark.get_attribute("aria-controls"):
            members = page.locator(f'#{mark.get_attribute("aria-controls")} a')
            for j in range(members.count()):
                if not members.nth(j).is_visible():
                    hit(mark).click()
                anchor = members.nth(j).get_attribute("href")[1:]
                members.nth(j).click()
                in_view(page, anchor)
                done.append(anchor)
        elif mark.get_attribute("href").startswith("#"):
            hit(mark).click()
            in_view(page, mark.get_attribute("href")[1:])
            done.append(mark.get_attribute("href")[1:])
    assert sorted(done) == sorted(page.eval_on_selector_all("ol.timeline > li", "lis => lis.map(li => li.id)"))


def covered(page: Page) -> list[str]:
    """The marks of the view shown that are smaller than 24x24 px, or that another element covers
    at their centre (document.elementFromPoint there is not the mark)."""
    return page.evaluate("""() => {
        const bad = [];
        for (const mark of document.querySelectorAll('.overview-view:not([hidden]) a.mark')) {
            const hits = mark.querySelectorAll('.hit'), hit = hits[hits.length - 1];
            hit.scrollIntoView({block: 'center', inline: 'center', behavior: 'instant'});
            const r = hit.getBoundingClientRect();
            const found = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
            if (Math.round(r.width) < 24 || Math.round(r.height) < 24 || !found || found.closest('a.mark') !== mark)
                bad.push(mark.getAttribute('href') + ' ' + r.width + 'x' + r.height);
        }
        return bad;
    }""")


@pytest.mark.parametrize("device", [PHONE, DESKTOP], ids=["phone", "desktop"])
@pytest.mark.parametrize("path", TIMELINES)
def test_no_mark_is_covered_or_smaller_than_a_hit_area(visit: Visit, errors: list[str], path: str,
                                                       device: dict[str, object]) -> None:
    page = watch(visit(f"zh-hant/{path}", **device), errors)
    zooms = page.locator(".overview-zoom button")
    for i in range(max(zooms.count(), 1)):
        if zooms.count():
            zooms.nth(i).click()
        assert shown(page).count() > 0
        assert covered(page) == []


def test_a_label_shows_on_hover_and_on_keyboard_focus(visit: Visit, errors: list[str]) -> None:
    page = watch(visit(f"zh-hans/{SITE}", **DESKTOP), errors)
    expect(label(page)).to_be_hidden()
    expect(page.locator(".overview-hint")).to_be_visible()
    mark = shown(page).nth(3)
    hit(mark).hover()
    expect(label(page)).to_be_visible()
    expect(label(page)).to_have_text(title(mark))
    page.locator(".overview-zoom button").last.focus()
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == shown(page).first.get_attribute("href")
    expect(label(page)).to_have_text(title(shown(page).first))
    ring = page.evaluate("(s => [s.outlineStyle, s.outlineWidth])(getComputedStyle(document.activeElement))")
    assert ring[0] != "none" and float(ring[1].removesuffix("px")) >= 2  # the focused mark is outlined


def test_the_keyboard_walks_the_marks_from_one_tab_stop(visit: Visit, errors: list[str], published: Published) -> None:
    page = watch(visit(f"zh-hant/{SITE}", **DESKTOP), errors)
    marks = shown(page)
    count = marks.count()
    stops = page.eval_on_selector_all(".overview-view:not([hidden]) a.mark",
                                      "ms => ms.filter(m => m.tabIndex === 0).length")
    assert stops == 1
    page.locator(".overview-zoom button").last.focus()
    page.keyboard.press("Tab")
    walked = [page.evaluate("document.activeElement.getAttribute('href')")]
    for _ in range(count - 1):
        page.keyboard.press("ArrowRight")
        walked.append(page.evaluate("document.activeElement.getAttribute('href')"))
        expect(label(page)).to_have_text(title(marks.nth(len(walked) - 1)))
    assert walked == [marks.nth(i).get_attribute("href") for i in range(count)]
    page.keyboard.press("ArrowRight")  # the last stays
    assert page.evaluate("document.activeElement.getAttribute('href')") == walked[-1]
    page.keyboard.press("Home")
    assert page.evaluate("document.activeElement.getAttribute('href')") == walked[0]
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")
    assert page.evaluate("document.activeElement.getAttribute('href')") == walked[-2]
    page.keyboard.press("Shift+Tab")  # one tab stop: back to the zoom
    assert page.evaluate("document.activeElement.tagName") == "BUTTON"
    page.keyboard.press("Tab")  # and into the chart where it was left
    assert page.evaluate("document.activeElement.getAttribute('href')") == walked[-2]

    group = page.locator(".overview-view:not([hidden]) a.group").first
    group.focus()
    page.keyboard.press("Enter")
    listed = page.locator(f'#{group.get_attribute("aria-controls")}')
    expect(listed).to_be_visible()
    expect(group).to_have_attribute("aria-expanded", "true")
    assert page.evaluate("document.activeElement.closest('.overview-group') !== null")
    page.keyboard.press("Escape")
    expect(listed).to_be_hidden()
    assert page.evaluate("document.activeElement.getAttribute('href')") == group.get_attribute("href")

    point = page.locator(".overview-view:not([hidden]) a.point").nth(2)
    point.focus()
    page.keyboard.press("Enter")
    in_view(page, point.get_attribute("href")[1:])


def test_a_zoomed_view_is_kept_in_the_address(visit: Visit, errors: list[str], published: Published) -> None:
    page = watch(visit(f"zh-hans/{SITE}", **DESKTOP), errors)
    whole = shown(page).count()
    page.locator(".overview-zoom button", has_text="中苏同盟").click()
    expect(page).to_have_url(published.url(f"zh-hans/{SITE}?zoom=1950-1960"))
    expect(page.locator("#overview-1950-1960")).to_be_visible()
    expect(page.locator("#overview-all")).to_be_hidden()
    expect(page.locator(".overview-zoom button", has_text="中苏同盟")).to_have_attribute("aria-pressed", "true")
    assert shown(page).count() != whole
    mark = page.locator("#overview-1950-1960 a.point").first
    hit(mark).click()  # an entry reached keeps the zoom
    expect(page).to_have_url(published.url(f"zh-hans/{SITE}?zoom=1950-1960{mark.get_attribute('href')}"))
    page.reload()
    expect(page.locator("#overview-1950-1960")).to_be_visible()
    expect(page.locator("#overview-all")).to_be_hidden()
    expect(page.locator(".overview-zoom button", has_text="中苏同盟")).to_have_attribute("aria-pressed", "true")
    assert page.locator("#overview-1950-1960 a.mark.current").count() == 1  # the entry reached is marked
    linked = watch(visit(f"zh-hant/{SITE}?zoom=1960-1980", **DESKTOP), errors)
    expect(linked.locator("#overview-1960-1980")).to_be_visible()
    expect(linked.locator(".overview-zoom button[aria-pressed=true]")).to_contain_text("分歧公開化至條約期滿")
    page.go_back()
    page.go_back()
    expect(page).to_have_url(published.url(f"zh-hans/{SITE}"))
    expect(page.locator("#overview-all")).to_be_visible()


def small_text(page: Page) -> list[str]:
    """Every piece of text shown smaller than 12 CSS px (SVG text at the size it is drawn)."""
    return page.evaluate("""() => {
        const small = [], walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const node = walker.currentNode, element = node.parentElement;
            if (!node.textContent.trim() || !element || element.closest('title, script, style')) continue;
            const range = document.createRange();
            range.selectNodeContents(node);
            if (!range.getClientRects().length) continue;
            let size = parseFloat(getComputedStyle(element).fontSize);
            const ctm = element.closest('svg') && element.getScreenCTM ? element.getScreenCTM() : null;
            if (ctm) size *= Math.hypot(ctm.a, ctm.b);
            if (size < 12) small.push(size.toFixed(1) + 'px ' + node.textContent.trim().slice(0, 20));
        }
        return small;
    }""")


@pytest.mark.parametrize("variant", ["zh-hans", "zh-hant"])
@pytest.mark.parametrize("path", TIMELINES)
def test_on_a_phone_the_chart_scrolls_in_its_box_with_a_cue_and_no_text_is_small(visit: Visit, errors: list[str],
                                                                                  variant: str, path: str) -> None:
    page = watch(visit(f"{variant}/{path}?zoom=1950-1960", **PHONE), errors)
    for zoom in ("", "1950-1960"):
        if zoom:
            page.locator(f'.overview-zoom button[aria-controls="overview-{zoom}"]').click()
        assert small_text(page) == []
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page does not scroll sideways
        box = page.locator(".overview-view:not([hidden])")
        assert box.evaluate("e => e.scrollWidth > e.clientWidth && getComputedStyle(e).overflowX === 'auto'")
        expect(page.locator(".overview-swipe")).to_be_visible()


def test_on_a_wide_screen_the_chart_fits_without_a_cue(visit: Visit, errors: list[str]) -> None:
    page = watch(visit(f"zh-hans/{SITE}", **DESKTOP), errors)
    assert page.locator("#overview-all").evaluate("e => e.scrollWidth <= e.clientWidth")
    expect(page.locator(".overview-swipe")).to_be_hidden()
    assert small_text(page) == []


@pytest.mark.parametrize("path", [SITE, NAMED[0]])
def test_without_javascript_the_whole_chart_links_every_mark_to_its_entry(visit: Visit, path: str) -> None:
    page = visit(f"zh-hans/{path}", javascript=False, **DESKTOP)
    expect(page.locator(".overview-zoom")).to_be_hidden()
    expect(page.locator(".overview-readout")).to_be_hidden()
    expect(page.locator("#overview-all")).to_be_visible()
    assert covered(page) == []
    for i in (0, 1, shown(page).count() - 1):
        mark = shown(page).nth(i)
        href = mark.get_attribute("href")
        if not href.startswith("#"):
            continue
        hit(mark).click()
        in_view(page, href[1:])


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violation_with_a_group_open_and_a_label_shown(visit: Visit, errors: list[str],
                                                                   scheme: str) -> None:
    page = watch(visit(f"zh-hant/{SITE}?zoom=1950-1960", color_scheme=scheme, **PHONE), errors)
    hit(page.locator("#overview-1950-1960 a.group").first).tap()
    hit(page.locator("#overview-1950-1960 a.point").first).tap()
    expect(label(page)).to_be_visible()
    expect(page.locator(".overview-group:not([hidden])")).to_have_count(1)
    assert violations(page) == []
