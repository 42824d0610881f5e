"""The layout holds on every kind of page at the widths readers use, from a small phone to a wide
desktop, in Debian's Chromium: the title is in the first screen, nothing but a chart's own box
scrolls sideways, and where the text and its aside stand side by side, neither column is left empty
for a screen beside the other's content, and no two parts (the contents that follow the reader
included) lie over each other at any point of the scroll.

One browser, one tab per width, each tab going through every kind of page.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import Published
from playwright.sync_api import Browser, Page

#: A page of each kind, in simplified script; the 404 page is any address the site does not have.
KINDS = {
    "home": "zh-hans/", "treaty": "zh-hans/treaty/", "article": "zh-hans/treaty/article-1/",
    "document": "zh-hans/documents/changchun-railway-agreement/", "event": "zh-hans/events/treaty-signed/",
    "person": "zh-hans/people/zhou-enlai/", "place": "zh-hans/places/moscow/",
    "project": "zh-hans/projects/156-projects/", "topic": "zh-hans/topics/sino-soviet-split/",
    "site timeline": "zh-hans/timeline/", "named timeline": "zh-hans/timelines/treaty-life/",
    "list": "zh-hans/people/", "tag": "zh-hans/tags/sino-soviet-relations/", "search": "zh-hans/search/",
    "map": "zh-hans/map/", "404": "zh-hans/no-such-page/",
}
#: Widths with the window heights usual at each: small and common phones, a tablet upright and on
#: its side, a common laptop, a desktop.
SCREENS = {360: 740, 390: 844, 768: 1024, 1024: 768, 1366: 768, 1920: 1080}

#: The page as laid out: where the (visible) h1 ends, how far the document scrolls sideways and what
#: sticks out, and each position of the window, scrolled through the page a quarter screen at a
#: time, where a column of main's parts standing side by side shows nothing while the window is
#: wholly within main's content; and at each of those positions, the pairs of parts (the floated contents
#: among them) that lie over each other, neither holding the other.
MEASURE = """() => {
  const root = document.documentElement, height = innerHeight;
  const h1 = [...document.querySelectorAll('h1')].find(h => h.getClientRects().length);
  const h1Bottom = h1 ? h1.getBoundingClientRect().bottom + scrollY : null;
  const clipped = e => { for (let a = e.parentElement; a && a !== document.body; a = a.parentElement)
    if (getComputedStyle(a).overflowX !== 'visible') return true; return false; };
  const sticking = [...document.body.querySelectorAll('*')].filter(e => {
    const r = e.getBoundingClientRect();
    return r.width && r.right > root.clientWidth + 1 && r.left < root.clientWidth && !clipped(e);
  }).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : ''));
  const parts = [...document.querySelectorAll('main > *')].filter(e => !e.matches('.breadcrumbs')
    && e.getClientRects().length && getComputedStyle(e).position !== 'absolute');
  const columns = [];
  for (const part of parts) {
    const r = part.getBoundingClientRect();
    const column = columns.find(c => c.some(p => { const q = p.getBoundingClientRect();
      return q.left < r.right && r.left < q.right; }));
    if (column) column.push(part); else columns.push([part]);
  }
  const empty = [], overlaps = [];
  const placed = [...parts, ...document.querySelectorAll('main .toc')].filter(e => e.getClientRects().length);
  const name = e => e.tagName.toLowerCase() + '.' + e.classList[0];
  for (let y = 0; y <= root.scrollHeight - height; y += height / 4) {
    window.scrollTo({top: y, behavior: 'instant'});
    placed.forEach((a, i) => placed.slice(i + 1).forEach(b => {
      if (a.contains(b) || b.contains(a)) return;
      const p = a.getBoundingClientRect(), q = b.getBoundingClientRect();
      if (p.left < q.right - 1 && q.left < p.right - 1 && p.top < q.bottom - 1 && q.top < p.bottom - 1)
        overlaps.push([Math.round(scrollY), name(a), name(b)]);
    }));
  }
  window.scrollTo({top: 0, behavior: 'instant'});
  if (columns.length > 1) {
    for (let y = 0; y <= root.scrollHeight - height; y += height / 4) {
      window.scrollTo({top: y, behavior: 'instant'});
      const boxes = parts.map(p => p.getBoundingClientRect());
      const top = Math.min(...boxes.map(b => b.top)), bottom = Math.max(...boxes.map(b => b.bottom));
      if (top > 0 || bottom < height) continue;
      const shown = columns.map(c => c.some(p => { const b = p.getBoundingClientRect();
        return b.bottom > 0 && b.top < height; }));
      if (shown.includes(false)) empty.push([Math.round(scrollY), shown.map(s => s ? 'content' : 'empty').join(' | ')]);
    }
    window.scrollTo({top: 0, behavior: 'instant'});
  }
  return {h1Bottom, scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, sticking, columns: columns.length,
          empty, overlaps};
}"""


@pytest.fixture(scope="module")
def tabs(browser: Browser) -> Iterator[dict[int, Page]]:
    """A tab for each width, opened when first asked for and reused for every kind of page."""
    class Tabs(dict[int, Page]):
        def __missing__(self, width: int) -> Page:
            phone = width < 600
            context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": SCREENS[width]},
                                          is_mobile=phone, has_touch=phone)
            self[width] = context.new_page()
            return self[width]

    opened = Tabs()
    yield opened
    for page in opened.values():
        page.context.close()


def measure(tabs: dict[int, Page], published: Published, width: int, kind: str) -> dict:
    page = tabs[width]
    page.goto(published.url(KINDS[kind]))
    page.wait_for_load_state("load")
    return page.evaluate(MEASURE)


@pytest.mark.parametrize("width", SCREENS)
@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_of_page_holds_its_layout_at_every_width(tabs: dict[int, Page], published: Published, kind: str,
                                                            width: int) -> None:
    found = measure(tabs, published, width, kind)
    height = SCREENS[width]
    assert found["h1Bottom"] is not None and found["h1Bottom"] <= height, \
        f"the title ends at y = {found['h1Bottom']}, below the first screen ({height} px)"
    assert found["scrollWidth"] <= found["clientWidth"], \
        f"the page scrolls sideways ({found['scrollWidth']} > {found['clientWidth']} px): {found['sticking']}"
    assert found["overlaps"] == [], f"parts lie over each other (scrollY, parts): {found['overlaps'][:5]}"
    assert found["empty"] == [], f"a column is empty for a screen beside content (scrollY, columns): {found['empty']}"
