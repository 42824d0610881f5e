"""One connections panel: the related pages and the pages that link here, merged, each page listed
once with how it is connected; folded on a phone, open beside the text on a desktop, with or
without JavaScript."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MiniSite, Visit, soup
from playwright.sync_api import expect

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 768}}


def listed(page: Path) -> list[tuple[str, str]]:
    """Each connected page's address and how it is connected, as the panel shows them."""
    items = soup(page).select(".connections .link-list > li")
    return [(li.a["href"], li.select_one(".how").get_text()) for li in items]


def test_a_page_both_related_and_linking_here_is_listed_once_saying_both(mini: MiniSite) -> None:
    mini.write("people/a.md", "---\ntitle: 甲\nrelated: [people/b, people/c]\n---\n甲。\n")
    mini.write("people/b.md", "---\ntitle: 乙\n---\n乙见过[[people/a]]。\n")
    mini.write("people/c.md", "---\ntitle: 丙\n---\n丙。\n")
    mini.write("people/d.md", "---\ntitle: 丁\nrelated: [people/a]\n---\n丁。\n")
    assert mini.build().returncode == 0
    assert listed(mini.root / "_site/zh-hans/people/a/index.html") == [
        ("../b/", "相关 · 提及本页"), ("../c/", "相关"), ("../d/", "提及本页")]
    assert listed(mini.root / "_site/zh-hant/people/a/index.html")[2] == ("../d/", "提及本頁")


def test_no_page_of_the_shipped_site_lists_a_connection_twice(site_dir: Path) -> None:
    pages = list(site_dir.glob("zh-*/**/index.html"))
    treaty = [href for href, _ in listed(site_dir / "zh-hans/treaty/index.html")]
    assert len(treaty) > 10 and len(pages) > 200
    for page in pages:
        hrefs = [href for href, _ in listed(page)]
        assert len(hrefs) == len(set(hrefs)), page


@pytest.mark.parametrize("javascript", [True, False])
def test_the_panel_is_folded_on_a_phone_and_open_on_a_desktop(visit: Visit, javascript: bool) -> None:
    phone = visit("zh-hans/treaty/", javascript=javascript, **PHONE)
    first = phone.locator(".connections .link-list a").first
    expect(first).to_be_hidden()
    share = phone.evaluate("document.querySelector('.connections').offsetHeight / document.body.scrollHeight")
    assert share < 0.05
    phone.locator(".connections summary").click()
    expect(first).to_be_visible()
    desktop = visit("zh-hans/treaty/", javascript=javascript, **DESKTOP)
    expect(desktop.locator(".connections .link-list a").first).to_be_in_viewport()
    expect(desktop.locator(".connections summary")).to_be_hidden()
    desktop.mouse.wheel(0, 3000)
    expect(desktop.locator(".connections h2")).to_be_in_viewport()  # it follows the reader down the text
