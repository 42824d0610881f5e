"""Reading aids, in the built HTML and as a reader uses them in Chromium: the contents of a long page,
each heading's link to itself, headings' fragments (the same in both scripts, old ones still arriving),
and previews of links and citation marks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urljoin

import pytest
from bs4 import BeautifulSoup, NavigableString, Tag
from conftest import MiniSite, Published, Visit, soup
from opencc import OpenCC
from playwright.sync_api import Page, expect

VARIANTS = ["zh-hans", "zh-hant"]
DESKTOP = {"viewport": {"width": 1366, "height": 900}}
PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}
HEADINGS = ":is(h1, h2, h3, h4, h5, h6)"
TEXT_BOXES = ".body p, .body li, .body .heading, .facts div"


def pages(site_dir: Path, variant: str) -> Iterator[tuple[Path, BeautifulSoup]]:
    for path in sorted((site_dir / variant).rglob("index.html")):
        yield path, soup(path)


def text(tag: Tag) -> str:
    """A tag's text, spaces collapsed; within a <template> too (whose strings get_text leaves out)."""
    return " ".join("".join(s for s in tag.descendants if isinstance(s, NavigableString)).split())


def cards(page: BeautifulSoup) -> list[Tag]:
    """The preview cards of a page (CSS selectors do not look into a <template>, nor within it)."""
    return [card for template in page.find_all("template", class_="preview-cards")
            for card in template.find_all("div", class_="preview-card")]


def plain(shown: str) -> str:
    """A note's text as read, less its links back (↩︎) and with spaces collapsed."""
    return " ".join(shown.replace("↩︎", "").replace("↩", "").split())


# -- the built pages ------------------------------------------------------------------------------


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_treaty_lists_its_sections_in_order_with_links_that_arrive(site_dir: Path, variant: str) -> None:
    page = soup(site_dir / variant / "treaty" / "index.html")
    headings = page.select(f".body {HEADINGS}")
    assert len(headings) >= 10
    entries = [(a["href"], text(a)) for a in page.select("nav.toc a")]
    assert entries == [(f"#{h['id']}", text(h)) for h in headings if h.name in ("h2", "h3")] + \
        [("#references", text(page.select_one("#references")))]
    assert page.select_one("nav.toc details summary")  # folds where it is folded (on phones)
    assert page.select_one("nav.toc")["aria-labelledby"] == page.select_one("nav.toc summary")["id"]


SHORT = ["treaty/article-1", "treaty/article-6", "people/zhou-enlai", "documents/supplementary-agreement"]


@pytest.mark.parametrize("path", SHORT)
def test_a_short_page_has_no_contents(site_dir: Path, path: str) -> None:
    """article-6 has four headings, the supplementary agreement five, but neither is long."""
    for variant in VARIANTS:
        assert soup(site_dir / variant / path / "index.html").select("nav.toc") == []


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_heading_has_a_link_to_itself_named_by_the_heading(site_dir: Path, variant: str) -> None:
    checked = 0
    for path, page in pages(site_dir, variant):
        for heading in page.select(f".body {HEADINGS}"):
            link = heading.find_next_sibling("a")
            assert link is not None and "self-link" in link["class"], f"{path}: {heading}"
            assert link["href"] == f"#{heading['id']}"
            assert link["aria-label"].endswith("：" + text(heading)), link
            assert text(link) == ""  # its mark is drawn by CSS, so that search and copy leave it out
            checked += 1
    assert checked > 40


def test_a_heading_has_the_same_fragment_in_both_scripts_and_it_is_not_simplified(site_dir: Path) -> None:
    to_traditional = OpenCC("s2tw")
    compared = 0
    for path, hans in pages(site_dir, "zh-hans"):
        hant = soup(site_dir / "zh-hant" / path.relative_to(site_dir / "zh-hans"))
        ids = [h["id"] for h in hans.select(f".body {HEADINGS}")]
        assert ids == [h["id"] for h in hant.select(f".body {HEADINGS}")], path
        assert all(to_traditional.convert(fragment) == fragment for fragment in ids), ids
        compared += len(ids)
    assert compared > 40
    treaty = soup(site_dir / "zh-hant" / "treaty" / "index.html")
    assert treaty.select_one("#qi-man-shi-xiao").get_text() == "期滿失效"


@pytest.mark.parametrize("variant", VARIANTS)
def test_old_fragments_still_lead_to_their_heading(site_dir: Path, variant: str) -> None:
    treaty = soup(site_dir / variant / "treaty" / "index.html")
    for old, new in [("期满失效", "qi-man-shi-xiao"), ("与1945年条约的关系", "yu-1945-nian-tiao-yue-de-guan-xi")]:
        assert treaty.find(id=old).find(["h2", "h3"])["id"] == new


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_link_to_a_heading_by_its_text_reaches_its_fragment(site_dir: Path, variant: str) -> None:
    """content/treaty/article-5.md writes [[treaty#关系恶化|...]]."""
    link = soup(site_dir / variant / "treaty" / "article-5" / "index.html").select_one('.body a[href^="../#"]')
    assert link["href"] == "../#guan-xi-e-hua"
    assert soup(site_dir / variant / "treaty" / "index.html").find(id="guan-xi-e-hua").name == "h2"


def test_a_heading_may_be_linked_in_either_script_and_a_missing_one_is_named(mini: MiniSite) -> None:
    mini.write("people/a.md", "---\ntitle: 甲\n---\n## 生平 {#life}\n\n## 关系恶化\n")
    mini.write("people/b.md", "---\ntitle: 乙\n---\n"
                              "见[[people/a#關係惡化]]、[[people/a#关系恶化]]、[[people/a#life]]。\n")
    result = mini.build()
    assert result.returncode == 0, result.stderr
    assert [a["href"] for a in mini.page("zh-hant", "people/b").select(".body a")] == [
        "../a/#guan-xi-e-hua", "../a/#guan-xi-e-hua", "../a/#life"]
    mini.write("people/b.md", "---\ntitle: 乙\n---\n见[[people/a#生年]]\n")
    result = mini.build()
    assert result.returncode == 1
    assert "people/b.md:4:2: error: 'people/a' has no heading with the anchor '生年'" in result.stderr
    assert "anchors of that page: 生平 (#life), 关系恶化 (#guan-xi-e-hua)" in result.stderr


def test_the_site_sets_which_pages_are_long(mini: MiniSite) -> None:
    mini.write("people/a.md", "---\ntitle: 甲\n---\n## 生平\n\n生于北京。\n\n## 事迹\n\n签约。\n")
    assert mini.build().returncode == 0
    assert mini.page("zh-hans", "people/a").select("nav.toc") == []
    config = mini.root / "site.yaml"
    shipped, lowered = "contents: {min_length: 1200, min_headings: 3}", "contents: {min_length: 5, min_headings: 2}"
    config.write_text(config.read_text(encoding="utf-8").replace(shipped, lowered), encoding="utf-8")
    assert mini.build().returncode == 0
    assert [text(a) for a in mini.page("zh-hant", "people/a").select("nav.toc a")] == ["生平", "事蹟"]


def test_a_bad_contents_setting_is_named_with_its_line(mini: MiniSite) -> None:
    config = mini.root / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("min_headings: 3}", "min_headings: 三}"),
                      encoding="utf-8")
    line = config.read_text(encoding="utf-8").splitlines().index("contents: {min_length: 1200, min_headings: 三}") + 1
    result = mini.build()
    assert result.returncode == 1
    assert f"site.yaml:{line}: error: contents.min_headings must be a whole number, 0 or more" in result.stderr
    assert "Traceback" not in result.stderr


def _facts(page: BeautifulSoup) -> dict[str, str]:
    return {text(div.dt): text(div.dd) for div in page.select(".facts div")}


@pytest.mark.parametrize("variant", VARIANTS)
def test_each_preview_shows_its_pages_title_kind_date_and_summary(site_dir: Path, variant: str) -> None:
    """Every card of every page, against the page it leads to."""
    found = 0
    for path, page in pages(site_dir, variant):
        for card in cards(page):
            target = soup((path.parent / card["data-href"] / "index.html").resolve())
            assert text(card.find(class_="preview-title")) == text(target.h1)
            kind = card.find(class_="preview-kind")
            assert kind.contents[0] == text(target.select_one(".page-header .kind"))
            summary = card.find(class_="preview-summary")
            assert (text(summary) if summary else None) == (text(target.select_one(".page-header .summary"))
                                                            if target.select_one(".page-header .summary") else None)
            date, facts = card.find(class_="preview-date"), _facts(target)
            own = facts.get("日期") or facts.get("时期") or facts.get("時期")
            if own:
                assert text(date) == own
            elif date:
                assert all(f"{label}：{value}" in text(date) for label, value in facts.items() if label in text(date))
            found += 1
    assert found > 100


@pytest.mark.parametrize("variant", VARIANTS)
def test_every_link_in_the_treatys_text_and_facts_has_a_preview(site_dir: Path, variant: str) -> None:
    path = site_dir / variant / "treaty" / "index.html"
    page = soup(path)
    previewed = {unquote(urljoin("/x/treaty/", card["data-href"])) for card in cards(page)}
    links = [a for a in page.select(".body a[href], .facts a[href]")
             if not a["href"].startswith("#") and a.get("rel") != ["external"]]
    assert len(links) > 30
    assert {unquote(urljoin("/x/treaty/", a["href"])).partition("#")[0] for a in links} == previewed


# -- in the browser -------------------------------------------------------------------------------


@pytest.fixture
def watched(visit: Visit) -> Iterator[Visit]:
    """``visit``, failing the test on any JavaScript error of the pages it opened."""
    errors: list[str] = []

    def go(path: str, **context: object) -> Page:
        page = visit(path, **context)
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
        return page

    yield go
    assert errors == []


def boxes(page: Page) -> list[list[float]]:
    return page.eval_on_selector_all(TEXT_BOXES, "els => els.map(e => { const r = e.getBoundingClientRect();"
                                     " return [r.x, r.y + scrollY, r.width, r.height]; })")


@pytest.mark.parametrize("variant", VARIANTS)
def test_on_a_wide_screen_the_contents_stay_beside_the_text_and_follow_the_reading(watched: Visit,
                                                                                   variant: str) -> None:
    page = watched(f"{variant}/treaty/", **DESKTOP)
    toc, body = page.locator("nav.toc"), page.locator(".body")
    links = toc.locator("a")
    expect(links.first).to_be_visible()
    assert toc.bounding_box()["x"] >= body.bounding_box()["x"] + body.bounding_box()["width"]
    page.mouse.wheel(0, 4000)
    expect(links.nth(6)).to_be_in_viewport()
    expect(toc.locator("a[aria-current]")).to_have_count(1)
    target = links.nth(7)
    fragment = target.get_attribute("href")
    target.click()
    expect(page).to_have_url(re.compile(re.escape(fragment) + "$"))
    expect(page.locator(fragment)).to_be_in_viewport()
    expect(target).to_have_attribute("aria-current", "location")
    expect(toc.locator("a[aria-current]")).to_have_count(1)


@pytest.mark.parametrize("variant", VARIANTS)
def test_on_a_phone_the_contents_are_folded_at_the_top_and_open_on_a_tap(watched: Visit, variant: str) -> None:
    page = watched(f"{variant}/treaty/", **PHONE)
    summary, first = page.locator("nav.toc summary"), page.locator("nav.toc a").first
    expect(summary).to_be_in_viewport()
    expect(first).to_be_hidden()
    assert summary.bounding_box()["y"] < page.locator(".body").bounding_box()["y"]
    summary.tap()
    expect(first).to_be_visible()
    link = page.locator("nav.toc a").nth(3)
    fragment = link.get_attribute("href")
    link.tap()
    expect(page.locator(fragment)).to_be_in_viewport()
    summary.scroll_into_view_if_needed()
    summary.tap()
    expect(first).to_be_hidden()


def test_without_javascript_the_contents_fold_and_unfold_too(visit: Visit) -> None:
    page = visit("zh-hant/treaty/", javascript=False, **PHONE)
    expect(page.locator("nav.toc a").first).to_be_hidden()
    page.locator("nav.toc summary").tap()
    expect(page.locator("nav.toc a").first).to_be_visible()


def test_a_headings_link_to_itself_shows_on_hover_and_focus(watched: Visit, published: Published) -> None:
    page = watched("zh-hans/treaty/", **DESKTOP)
    heading = page.locator(".body h2").nth(2)
    link = page.locator(".body .heading").nth(2).locator("a.self-link")
    assert link.evaluate("a => getComputedStyle(a).opacity") == "0"
    heading.hover()
    expect(link).to_have_css("opacity", "1")
    box = link.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24
    page.mouse.move(0, 0)
    expect(link).to_have_css("opacity", "0")
    page.locator(".body a.self-link").nth(1).focus()
    for _ in range(60):  # the keyboard's way there
        page.keyboard.press("Tab")
        if link.evaluate("a => a === document.activeElement"):
            break
    expect(link).to_be_focused()
    expect(link).to_have_css("opacity", "1")
    page.keyboard.press("Enter")
    expect(page).to_have_url(published.url(f"zh-hans/treaty/#{heading.get_attribute('id')}"))


def test_the_switcher_and_an_old_link_keep_a_section(watched: Visit, published: Published) -> None:
    page = watched("zh-hans/treaty/#qi-man-shi-xiao", **DESKTOP)
    page.locator(".switcher a[data-variant=zh-hant]").click()
    expect(page).to_have_url(published.url("zh-hant/treaty/#qi-man-shi-xiao"))
    expect(page.locator("#qi-man-shi-xiao")).to_have_text("期滿失效")
    expect(page.locator("#qi-man-shi-xiao")).to_be_in_viewport()
    old = watched("zh-hant/treaty/#期满失效", **DESKTOP)
    expect(old.locator("#qi-man-shi-xiao")).to_be_in_viewport()


def _expected_card(published: Published, variant: str, path: str) -> tuple[str, str, str]:
    target = soup(published.folder / variant / path / "index.html")
    header = target.select_one(".page-header")
    return text(target.h1), text(header.select_one(".kind")), text(header.select_one(".summary"))


@pytest.mark.parametrize("variant", VARIANTS)
def test_hovering_a_link_previews_its_page_over_the_text(watched: Visit, published: Published, variant: str) -> None:
    page = watched(f"{variant}/treaty/", **DESKTOP)
    link = page.locator('.body a[href="../people/mao-zedong/"]').first
    before = boxes(page)
    link.hover()
    preview = page.get_by_role("tooltip")
    expect(preview).to_be_visible()
    title, kind, summary = _expected_card(published, variant, "people/mao-zedong")
    expect(preview.locator(".preview-title")).to_have_text(title)
    expect(preview.locator(".preview-kind")).to_have_text(re.compile("^" + re.escape(kind)))  # then its dates
    expect(preview.locator(".preview-summary")).to_have_text(summary)
    expect(link).to_have_attribute("aria-describedby", preview.get_attribute("id"))
    assert boxes(page) == before  # nothing moved
    box, line = preview.bounding_box(), link.bounding_box()
    assert box["y"] >= line["y"] + line["height"] or box["y"] + box["height"] <= line["y"]  # the link stays visible
    page.keyboard.press("Escape")
    expect(preview).to_be_hidden()
    expect(link).not_to_have_attribute("aria-describedby", re.compile("."))
    page.locator(".body sup.citation a").first.hover()  # another link, then away: it closes by itself
    expect(preview).to_be_visible()
    page.mouse.move(1300, 890)
    expect(preview).to_be_hidden()


def test_an_event_link_previews_its_date(watched: Visit, published: Published) -> None:
    page = watched("zh-hant/treaty/article-6/", **DESKTOP)
    page.locator('.body a[href="../../events/nonrenewal-decision/"]').hover()
    date = _facts(soup(published.folder / "zh-hant" / "events" / "nonrenewal-decision" / "index.html"))["日期"]
    expect(page.get_by_role("tooltip").locator(".preview-date")).to_have_text(date)


@pytest.mark.parametrize("variant", VARIANTS)
def test_focusing_a_citation_mark_previews_its_reference(watched: Visit, variant: str) -> None:
    page = watched(f"{variant}/treaty/", **DESKTOP)
    marks = page.locator(".body sup.citation a")
    marks.nth(2).focus()
    page.keyboard.press("Tab")  # from one mark to the next, as a keyboard does
    mark = marks.nth(3)
    expect(mark).to_be_focused()
    preview = page.get_by_role("tooltip")
    expect(preview).to_be_visible()
    reference = page.locator(mark.get_attribute("href"))
    assert plain(preview.inner_text()) == plain(reference.inner_text())
    expect(mark).to_have_attribute("aria-describedby", preview.get_attribute("id"))
    page.keyboard.press("Escape")
    expect(preview).to_be_hidden()
    expect(mark).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(preview).to_be_visible()
    page.locator(".body sup.footnote-ref a").first.focus()
    expect(preview).to_have_text(plain(page.locator(".footnotes li").first.inner_text()))


@pytest.mark.parametrize("variant", VARIANTS)
def test_on_a_phone_a_tap_previews_and_a_second_tap_closes(watched: Visit, published: Published, variant: str) -> None:
    page = watched(f"{variant}/treaty/", **PHONE)
    url = page.url
    link = page.locator('.body a[href="../people/zhou-enlai/"]').first
    link.scroll_into_view_if_needed()
    before = boxes(page)
    link.tap()
    preview = page.get_by_role("tooltip")
    expect(preview).to_be_visible()
    expect(preview.locator(".preview-title")).to_have_text(_expected_card(published, variant, "people/zhou-enlai")[0])
    assert page.url == url
    assert boxes(page) == before
    box = preview.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    link.tap()
    expect(preview).to_be_hidden()
    assert page.url == url
    mark = page.locator(".body sup.citation a").first
    mark.tap()
    expect(preview).to_contain_text(page.locator(mark.get_attribute("href")).locator(".ref-number").inner_text())
    page.locator("h1").tap()  # elsewhere
    expect(preview).to_be_hidden()
    link.tap()
    preview.locator(".preview-title a").tap()  # the preview's title leads to the page
    expect(page).to_have_url(published.url(f"{variant}/people/zhou-enlai/"))


def test_without_javascript_links_are_plain_links(visit: Visit, published: Published) -> None:
    page = visit("zh-hans/treaty/", javascript=False, **DESKTOP)
    page.locator('.body a[href="../people/mao-zedong/"]').first.hover()
    page.wait_for_timeout(500)
    expect(page.get_by_role("tooltip")).to_have_count(0)
    page.locator('.body a[href="../people/mao-zedong/"]').first.click()
    expect(page).to_have_url(published.url("zh-hans/people/mao-zedong/"))
