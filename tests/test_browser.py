"""The site as a reader uses it, in Debian's Chromium: links that go somewhere and come back, the
switcher, articles in order, timeline anchors, the keyboard alone, a phone's screen, dark mode,
print, reduced motion, and each script set in its own fonts.

The chooser, the switcher's memory, 404.html and the folder opened from disk are in test_publish.py.
"""

from __future__ import annotations

import re
import shutil
from urllib.parse import unquote, urljoin

import pytest
from conftest import Published, Visit, open_page
from playwright.sync_api import Browser, Page, expect

ARTICLES = ["第一条", "第二条", "第三条", "第四条", "第五条", "第六条"]
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}


def fragment(url: str) -> re.Pattern[str]:
    return re.compile(re.escape(url) + "$")


def luminance(page: Page, selector: str, prop: str) -> float:
    """Relative luminance (0 black, 1 white) of a computed colour, as WCAG defines it."""
    rgb = page.eval_on_selector(selector, f"e => getComputedStyle(e).{prop}")
    channels = [int(c) / 255 for c in re.findall(r"\d+", rgb)[:3]]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def is_dark(page: Page) -> bool:
    """Light text on a dark page (else dark text on a light one)."""
    return luminance(page, "body", "backgroundColor") < 0.1 and luminance(page, "body", "color") > 0.6


# -- links that go and come back ------------------------------------------------------------------


@pytest.mark.parametrize(("path", "link"), [("zh-hans/treaty/", "sup.citation a"),
                                           ("zh-hant/treaty/", "sup.footnote-ref a"),
                                            ("zh-hant/people/zhou-enlai/", "sup.citation a")])
def test_a_note_mark_leads_to_its_note_and_the_note_back_to_the_mark(visit: Visit, published: Published, path: str,
                                                                   link: str) -> None:
    page = visit(path)
    mark = page.locator(link).first
    note = page.locator(mark.get_attribute("href"))
    expect(note).not_to_be_in_viewport()
    mark.click()
    expect(page).to_have_url(fragment(published.url(path) + mark.get_attribute("href")))
    expect(note).to_be_in_viewport()
    assert page.eval_on_selector(":target", "e => getComputedStyle(e).backgroundColor") != "rgba(0, 0, 0, 0)"  # marked
    expect(mark).not_to_be_in_viewport()
    note.locator(f'a[href="#{mark.get_attribute("id")}"]').click()
    expect(page).to_have_url(fragment(f'{published.url(path)}#{mark.get_attribute("id")}'))
    expect(mark).to_be_in_viewport()


def test_the_switcher_keeps_a_place_reached_within_the_page(visit: Visit, published: Published) -> None:
    page = visit("zh-hans/treaty/")
    page.locator("sup.citation a").first.click()
    expect(page).to_have_url(fragment(published.url("zh-hans/treaty/#ref-1")))
    page.locator(".switcher a[data-variant=zh-hant]").click()
    expect(page).to_have_url(fragment(published.url("zh-hant/treaty/#ref-1")))
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hant")
    expect(page.locator("#ref-1")).to_be_in_viewport()


def test_articles_lead_from_the_first_to_the_last_and_back(visit: Visit, published: Published) -> None:
    page = visit("zh-hans/treaty/article-1/")
    expect(page.locator(".prev-next a[rel=prev]")).to_have_count(0)
    titles = [page.locator("h1").inner_text()]
    while page.locator(".prev-next a[rel=next]").count():
        page.locator(".prev-next a[rel=next]").click()
        page.wait_for_url(published.url(f"zh-hans/treaty/article-{len(titles) + 1}/"))
        titles.append(page.locator("h1").inner_text())
    assert titles == ARTICLES
    page.locator(".prev-next a[rel=prev]").click()
    page.wait_for_url(published.url("zh-hans/treaty/article-5/"))
    expect(page.locator("h1")).to_have_text("第五条")


def test_a_timeline_anchor_shows_its_entry_below_the_sticky_year(visit: Visit, published: Published) -> None:
    page = visit("zh-hant/people/zhou-enlai/")
    link = page.locator(".page-timeline a.on-timeline").nth(2)
    anchor = link.get_attribute("href").partition("#")[2]
    link.click()
    expect(page).to_have_url(fragment(published.url(f"zh-hant/timeline/#{anchor}")))
    entry = page.locator(f"#{anchor}")
    expect(entry).to_be_in_viewport()
    year = entry.locator("xpath=ancestor::section[1]/h2").bounding_box()
    assert year and year["y"] + year["height"] <= entry.bounding_box()["y"] + 1  # not covered by its year
    # The entry's event page lists the timelines it is on: back to the same anchor.
    entry.locator(".what a").first.click()
    page.locator(".in-timelines li").first.locator("a").first.click()
    expect(page).to_have_url(fragment(published.url(f"zh-hant/timeline/#{anchor}")))
    expect(entry).to_be_in_viewport()


# -- keyboard, phone ------------------------------------------------------------------------------


def focused(page: Page) -> dict:
    """What has the focus, once the scroll to it (smooth, unless reduced motion is asked for) has come
    to rest, as a reader sees it before pressing Tab again: where it is, whether it is on screen, and
    its focus ring."""
    on_screen = """() => { const r = document.activeElement.getBoundingClientRect();
        return r.width > 0 && r.height > 0 && r.top >= 0 && r.left >= 0
            && r.bottom <= innerHeight && r.right <= innerWidth; }"""
    page.evaluate(f"""async () => {{  // on screen, and the page still for three frames in a row
        const end = performance.now() + 15000;  // a smooth scroll takes longer on a busy machine
        let last = NaN, still = 0;
        while (!(still >= 3 && ({on_screen})()) && performance.now() < end) {{
            await new Promise(requestAnimationFrame);
            still = scrollY === last ? still + 1 : 0;
            last = scrollY;
        }}
    }}""")
    return page.evaluate(f"""() => {{
        const e = document.activeElement, s = getComputedStyle(e), r = e.getBoundingClientRect();
        return {{text: e.textContent.trim() || e.title, in_main: !!e.closest("main"), className: String(e.className),
                 on_screen: ({on_screen})(), ring: s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2,
                 where: [r.top, r.bottom, r.left, r.right, innerHeight, innerWidth, scrollY]}};
    }}""")


def test_the_keyboard_alone_reaches_everything_with_a_visible_focus(visit: Visit, published: Published) -> None:
    page = visit("zh-hans/treaty/article-2/")
    page.keyboard.press("Tab")
    first = focused(page)
    assert (first["className"], first["text"], first["on_screen"], first["ring"]) == (
        "skip-link", "跳到正文", True, True)
    page.keyboard.press("Enter")
    expect(page).to_have_url(fragment(published.url("zh-hans/treaty/article-2/#main")))
    page.keyboard.press("Tab")
    assert focused(page)["in_main"]  # the skip link skipped the header

    page.goto(published.url("zh-hans/treaty/article-2/"))
    stops = []
    while not stops or stops[-1]["text"] != "下一条第三条":
        assert len(stops) < 200, "Tab never reached the next article"
        page.keyboard.press("Tab")
        stops.append(focused(page))
    assert [s for s in stops if not (s["on_screen"] and s["ring"])] == []
    assert {"繁體中文", "深色模式", "时间线", "[1]"} <= {s["text"] for s in stops}  # switcher, navigation, content
    page.keyboard.press("Enter")
    page.wait_for_url(published.url("zh-hans/treaty/article-3/"))


def test_on_a_phone_the_header_fits_and_every_link_is_a_fair_target(visit: Visit, published: Published) -> None:
    page = visit("zh-hant/treaty/article-3/", **PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing to scroll sideways
    title, switcher, toggle = (page.locator(s).bounding_box() for s in (".site-title", ".switcher", ".theme-toggle"))
    assert abs(title["y"] + title["height"] / 2 - toggle["y"] - toggle["height"] / 2) < 8  # one line
    assert title["x"] + title["width"] <= switcher["x"] and switcher["x"] + switcher["width"] <= toggle["x"]
    boxes = [page.locator(".site-nav a").nth(i).bounding_box() for i in range(page.locator(".site-nav a").count())]
    assert len(boxes) == 9
    for i, box in enumerate(boxes):
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390
        assert box["width"] >= 24 and box["height"] >= 24  # WCAG 2.5.8, target size (minimum)
        assert not any(_overlap(box, other) for other in boxes[i + 1:])
    page.locator(".site-nav a", has_text="時間線").tap()
    page.wait_for_url(published.url("zh-hant/timeline/"))


def _overlap(a: dict, b: dict) -> bool:
    return a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"] and a["y"] < b["y"] + b["height"] \
        and b["y"] < a["y"] + a["height"]


@pytest.mark.parametrize("path", ["zh-hans/", "zh-hans/treaty/", "zh-hant/timeline/", "zh-hant/events/treaty-signed/",
                                  "zh-hans/people/zhou-enlai/"])
def test_on_a_phone_no_page_scrolls_sideways(visit: Visit, path: str) -> None:
    page = visit(path, **PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_content_stays_put_when_the_page_grows_taller_than_the_window(browser: Browser, published: Published) -> None:
    """A desktop's classic scrollbar appears as a long page loads; the content must not move sideways
    then (a layout shift). The same page in a window it overflows and in one it fits in."""
    executable = shutil.which("chromium")
    with_scrollbars = browser.browser_type.launch(executable_path=executable, ignore_default_args=["--hide-scrollbars"])
    try:
        edges = []
        for height in (600, 40000):
            page = open_page(with_scrollbars, published.url("zh-hans/treaty/"),
                             viewport={"width": 1280, "height": height})
            edges.append([page.locator(s).bounding_box()["x"] for s in ("main", ".site-title", ".theme-toggle")])
        overflowing, fitting = edges
        assert overflowing == fitting
    finally:
        with_scrollbars.close()


# -- dark mode, print, motion ---------------------------------------------------------------------


@pytest.mark.parametrize("javascript", [True, False])
def test_dark_mode_follows_the_system(visit: Visit, javascript: bool) -> None:
    assert not is_dark(visit("zh-hans/", color_scheme="light", javascript=javascript))
    assert is_dark(visit("zh-hans/", color_scheme="dark", javascript=javascript))


def test_the_dark_mode_switch_is_remembered_until_it_agrees_with_the_system(visit: Visit, published: Published) -> None:
    page = visit("zh-hans/treaty/", color_scheme="light")
    toggle = page.get_by_role("button", name="深色模式")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.click()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    assert is_dark(page)
    page.route(re.compile(r"/site\.\w+\.js$"), lambda route: route.abort())  # applied before site.js runs
    page.goto(published.url("zh-hant/people/mao-zedong/"))
    assert is_dark(page)
    page.unroute(re.compile(r"/site\.\w+\.js$"))
    page.reload()
    toggle.click()  # back to light, which the system prefers: the choice is forgotten
    assert not is_dark(page)
    page.emulate_media(color_scheme="dark")
    page.reload()
    assert is_dark(page)
    expect(toggle).to_have_attribute("aria-pressed", "true")


def test_without_javascript_there_is_no_dead_dark_mode_switch(visit: Visit) -> None:
    expect(visit("zh-hans/", javascript=False).locator(".theme-toggle")).to_be_hidden()


@pytest.mark.parametrize("path", ["zh-hans/treaty/", "zh-hant/treaty/article-6/"])
def test_print_is_the_text_with_its_notes_and_the_addresses_of_its_links(visit: Visit, published: Published,
                                                                          path: str) -> None:
    page = visit(path, color_scheme="dark")
    assert page.pdf().startswith(b"%PDF")  # printing runs site.js's beforeprint
    page.emulate_media(media="print")
    for hidden in (".site-header", ".breadcrumbs", ".prev-next", ".connections", ".site-footer"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator(".references")).to_be_visible()
    assert luminance(page, "body", "color") == 0 and not is_dark(page)  # black on paper, whatever the screen
    after = page.eval_on_selector_all(".page a", "links => links.map(a => [a.getAttribute('href'), "
                                      "getComputedStyle(a, '::after').content])")
    printed = [(href, content) for href, content in after if content not in ("none", "normal")]
    assert printed
    for href, content in printed:
        assert content == f'"（{unquote(urljoin(published.url(path), href))}）"'
    assert not [href for href, _ in printed if href.startswith("#")]  # notes are on the page already
    assert len({content for _, content in printed}) == len(printed)  # each address once


@pytest.mark.parametrize(("motion", "scrolling", "animation"), [("reduce", "auto", "none"),
                                                                ("no-preference", "smooth", "arrive")])
def test_motion_only_for_readers_who_have_not_asked_for_less(visit: Visit, motion: str, scrolling: str,
                                                             animation: str) -> None:
    page = visit("zh-hans/treaty/#references", reduced_motion=motion)
    assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == scrolling
    assert page.eval_on_selector(":target", "e => getComputedStyle(e).animationName") == animation


# -- typography -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("variant", "script"), [("zh-hans", "SC"), ("zh-hant", "TC")])
def test_each_script_is_set_in_fonts_made_for_it(visit: Visit, variant: str, script: str) -> None:
    """The fonts Chromium really used (fonts-noto-cjk here): simplified or traditional glyph forms."""
    page = visit(f"{variant}/treaty/")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument")["root"]["nodeId"]

    def fonts(selector: str) -> list[str]:
        node = cdp.send("DOM.querySelector", {"nodeId": root, "selector": selector})["nodeId"]
        return [f["familyName"] for f in cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]]

    assert fonts(".body p") == [f"Noto Sans CJK {script}"]
    assert fonts("h1") == [f"Noto Serif CJK {script}"]


LINES = """() => [...document.querySelectorAll(".page p, .page li")].map(block => {
    // Each line of a block as the characters laid out on it, read from their boxes.
    const lines = [], walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT), range = document.createRange();
    let top = null;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.length; i++) {
            range.setStart(node, i); range.setEnd(node, i + 1);
            const box = range.getClientRects()[0];
            if (!box || !node.data[i].trim()) continue;
            if (top === null || box.top > top + box.height / 2) { lines.push(""); top = box.top; }
            lines[lines.length - 1] += node.data[i];
        }
    }
    return lines;
})"""


@pytest.mark.parametrize("path", ["zh-hans/treaty/", "zh-hant/treaty/", "zh-hant/events/treaty-signed/"])
def test_lines_break_as_chinese_typesetting_wants(visit: Visit, path: str) -> None:
    """On a phone: no line starts with closing punctuation, and no paragraph ends on a lone character."""
    blocks = [lines for lines in visit(path, **PHONE).evaluate(LINES) if len(lines) > 1]
    assert blocks
    assert [line for lines in blocks for line in lines if line[0] in "，。、；：？！）》」』”"] == []
    assert [lines[-2:] for lines in blocks if len(lines[-1].strip("，。、；：？！）》」』”")) < 2] == []
