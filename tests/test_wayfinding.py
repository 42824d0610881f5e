"""Keeping and finding one's place: the switcher keeps the reading position when the address has no
fragment, the 404 page offers the pages whose addresses are closest and a search box, and print
leaves out what only works on a screen (ways back to a note, the switcher, steps along a timeline)."""

from __future__ import annotations

import pytest
from conftest import Published, Visit
from playwright.sync_api import expect

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1366, "height": 768}}

#: The first heading or paragraph of the text in view (the contents box, which follows the reader, is
#: not text): its number among the text's blocks, and its text's length.
IN_VIEW = """() => {
  const blocks = [...document.querySelectorAll('.page :is(h1, h2, h3, p, li):not(.toc *)')];
  const i = blocks.findIndex(b => b.getBoundingClientRect().bottom > 0 && b.getBoundingClientRect().height);
  return [i, blocks[i].textContent.length, Math.round(blocks[i].getBoundingClientRect().top)];
}"""


@pytest.mark.parametrize("screen", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_the_switcher_keeps_the_reading_position_without_a_fragment(visit: Visit, published: Published,
                                                                    screen: dict) -> None:
    page = visit("zh-hans/treaty/", reduced_motion="reduce", **screen)
    page.evaluate("window.scrollTo(0, 1500)")
    page.wait_for_function("readingPlace !== null")  # the reader stopped here, and goes up to the switcher
    index, length, top = page.evaluate(IN_VIEW)
    assert index > 5
    page.locator(".switcher a[data-variant=zh-hant]").click()
    page.wait_for_url(published.url("zh-hant/treaty/"))
    page.wait_for_load_state("load")
    assert page.evaluate("scrollY") > 1000
    there, there_length, there_top = page.evaluate(IN_VIEW)
    assert (there, there_length) == (index, length) and abs(there_top - top) <= 2
    page.locator(".switcher a[data-variant=zh-hans]").click()  # and back again
    page.wait_for_url(published.url("zh-hans/treaty/"))
    page.wait_for_load_state("load")
    assert page.evaluate(IN_VIEW)[0] == index


def test_a_page_opened_anew_starts_at_the_top(visit: Visit, published: Published) -> None:
    """The place is kept for the page the switcher opens, not for the next page opened."""
    page = visit("zh-hans/treaty/", reduced_motion="reduce", **DESKTOP)
    page.evaluate("window.scrollTo(0, 1500)")
    page.locator(".switcher a[data-variant=zh-hant]").click()
    page.wait_for_url(published.url("zh-hant/treaty/"))
    page.goto(published.url("zh-hant/treaty/"))
    assert page.evaluate("scrollY") == 0


def test_404_offers_the_pages_with_the_closest_addresses(visit: Visit, published: Published) -> None:
    page = visit("zh-hant/people/zhou-enlia/")
    closest = page.locator("section[data-variant=zh-hant] .closest a")
    expect(closest.first).to_have_text("周恩來")
    closest.first.click()
    expect(page).to_have_url(published.url("zh-hant/people/zhou-enlai/"))
    moved = visit("zh-hans/persons/zhou-enlai/")  # the right name in the wrong folder
    expect(moved.locator("section[data-variant=zh-hans] .closest a").first).to_have_text("周恩来")
    far = visit("zh-hans/qwertyuiop-asdfghjkl/")
    expect(far.locator("section[data-variant=zh-hans] .closest")).to_be_hidden()


@pytest.mark.parametrize("javascript", [True, False])
def test_404_searches_the_site_and_leads_home(visit: Visit, published: Published, javascript: bool) -> None:
    page = visit("zh-hans/no/such/page/", javascript=javascript)
    section = page.locator("section[data-variant=zh-hans]")
    expect(section.locator("a.choice")).to_have_attribute("href", "zh-hans/")
    section.get_by_role("searchbox").fill("周恩来")
    section.get_by_role("searchbox").press("Enter")
    page.wait_for_url(published.url("zh-hans/search/?q=%E5%91%A8%E6%81%A9%E6%9D%A5"))
    if javascript:
        expect(page.locator(".search-results a").first).to_have_text("周恩来")


def test_print_leaves_out_the_ways_back_the_switcher_and_the_steps(visit: Visit) -> None:
    page = visit("zh-hans/events/treaty-signed/")
    page.emulate_media(media="print")
    for hidden in (".switcher", ".in-timelines .steps", ".cite"):
        expect(page.locator(hidden).first).to_be_hidden()
    expect(page.locator(".in-timelines")).to_be_visible()
    treaty = visit("zh-hant/treaty/")
    treaty.emulate_media(media="print")
    for hidden in (".backref", ".footnote-backref"):
        assert treaty.locator(hidden).count()
        assert treaty.locator(hidden).evaluate_all("links => links.every(a => !a.getClientRects().length)")
    expect(treaty.locator(".references")).to_be_visible()
