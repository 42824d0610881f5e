"""Separator dots on a phone (390 CSS px): a name's dot (安德烈·维辛斯基) stays on its line with the
characters on either side, and a connection's dot (· 相关) never begins a line; the text read and
copied keeps the dot as written."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MiniSite, Visit, open_page, soup
from playwright.sync_api import Browser, Page

from docsite.text.linebreaks import keep_separators

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 3, "is_mobile": True, "has_touch": True}

#: The dots whose line differs from the line of a neighbour (the characters nearest each side, spaces
#: skipped), and the connection labels that begin a line of their own; with every <details> open.
BROKEN = """() => {
  document.querySelectorAll("details").forEach(d => { d.open = true; });
  const DOTS = /[\\u00b7\\u30fb\\u2027\\uff65]/;
  const found = [];
  const rectOf = (node, i) => {
    const range = document.createRange();
    range.setStart(node, i);
    range.setEnd(node, i + 1);
    const rects = range.getClientRects();
    return rects.length && rects[0].width > 0 ? rects[0] : null;
  };
  const apart = (a, b) => a !== null && b !== null && Math.abs(a.top - b.top) > a.height / 2;
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node; (node = walker.nextNode());) {
    if (node.parentElement.closest("script, style, template, title")) continue;
    const text = node.data;
    for (let i = 0; i < text.length; i++) {
      if (!DOTS.test(text[i])) continue;
      const dot = rectOf(node, i);
      if (!dot) continue;
      let before = i - 1; while (before >= 0 && /\\s/.test(text[before])) before--;
      let after = i + 1; while (after < text.length && /\\s/.test(text[after])) after++;
      if ((before >= 0 && apart(dot, rectOf(node, before))) || (after < text.length && apart(dot, rectOf(node, after))))
        found.push(text.trim());
    }
  }
  for (const how of document.querySelectorAll(".link-list .how")) {
    const own = how.getClientRects()[0];
    let previous = how.previousSibling;
    while (previous && !previous.textContent.trim()) previous = previous.previousSibling;
    if (!own || !previous) continue;
    const range = document.createRange();
    range.selectNodeContents(previous);
    const rects = range.getClientRects();
    const last = rects[rects.length - 1];
    if (last && Math.abs(last.top - own.top) > own.height / 2)
      found.push(previous.textContent + " | " + how.textContent);
  }
  return found;
}"""

#: Pages where, at 390 px, a name broke at its dot before the dots were kept with their neighbours.
NAMED = ["people/mao-zedong", "places/wuhan", "treaty-text", "people/vyacheslav-molotov"]


def broken(page: Page) -> list[str]:
    found: list[str] = page.evaluate(BROKEN)
    return found


@pytest.mark.parametrize("variant", ["zh-hans", "zh-hant"])
def test_on_a_phone_no_name_breaks_at_its_dot(visit: Visit, variant: str) -> None:
    for path in NAMED:
        page = visit(f"{variant}/{path}/", **PHONE)
        assert broken(page) == [], path
        assert page.locator(".nobreak").count() > 0, path


@pytest.mark.parametrize("width", [360, 390])
def test_on_a_phone_a_connection_never_begins_a_line_with_its_dot(mini: MiniSite, browser: Browser,
                                                                   width: int) -> None:
    """Titles of every length up to 40 characters: on a phone some of them end their line just where
    a connection's label would begin the next one (at 360 px, 14 of them did)."""
    lengths = range(1, 41)
    related = ", ".join(f"people/p{n}" for n in lengths)
    mini.write("people/a.md", f"---\ntitle: 甲\nrelated: [{related}]\n---\n甲。\n")
    for n in lengths:
        mini.write(f"people/p{n}.md", f"---\ntitle: {'名' * n}\n---\n见[[people/a]]。\n")
    assert mini.build().returncode == 0
    phone = PHONE | {"viewport": {"width": width, "height": 844}}
    page = open_page(browser, (mini.root / "_site/zh-hans/people/a/index.html").as_uri(), **phone)
    try:
        assert page.locator(".link-list .how").count() == len(lengths)
        assert broken(page) == []
    finally:
        page.context.close()


def test_the_dot_and_its_neighbours_are_kept_together_in_the_text_alone(site_dir: Path) -> None:
    """A name reads, and is copied, as written; the title, metadata and JSON-LD are untouched."""
    page = soup(site_dir / "zh-hant/people/andrey-vyshinsky/index.html")
    heading = page.select_one("h1")
    assert heading.get_text() == "安德烈·維辛斯基"
    assert [span.get_text() for span in heading.select("span.nobreak")] == ["烈·維"]
    assert page.title.get_text().startswith("安德烈·維辛斯基 · ")
    assert "nobreak" not in "".join(script.get_text() for script in page.find_all("script"))
    assert all("nobreak" not in str(value) for tag in page.find_all(True) for value in tag.attrs.values()
               if not isinstance(value, list))


def test_dots_are_kept_in_text_only_whatever_the_case_of_the_elements_around_them() -> None:
    """Raw HTML, where a site allows it, may write its elements in capitals: their content is no
    text either, and a comment never is."""
    html = ('<p>安德烈·维辛斯基</p><SCRIPT>var a = "甲·乙";</SCRIPT><!-- 丙·丁 --><Title>戊·己</Title>'
            '<textarea>庚·辛</TEXTAREA><Style>/* 壬·癸 */</style><p title="子·丑">寅 · 卯</p>')
    assert keep_separators(html) == (
        '<p>安德<span class="nobreak">烈·维</span>辛斯基</p><SCRIPT>var a = "甲·乙";</SCRIPT><!-- 丙·丁 -->'
        '<Title>戊·己</Title><textarea>庚·辛</TEXTAREA><Style>/* 壬·癸 */</style>'
        '<p title="子·丑"><span class="nobreak">寅 · 卯</span></p>')
