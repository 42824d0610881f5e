"""axe-core, injected into Chromium, finds no accessibility violation on each kind of page, in both
scripts, in light and dark mode: landmarks, heading order, contrast, lang attributes, link purpose,
target sizes (WCAG 2.2 AA and axe's best practices).

axe-core comes from the npm registry, pinned in tests/axe/package.json; .ci/run installs it with
`npm ci --prefix tests/axe`.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Visit
from playwright.sync_api import Page, expect

AXE = Path(__file__).parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
PAGES = ["", "treaty/", "treaty/article-1/", "events/treaty-signed/", "timeline/", "timeline/?zoom=1950-1960",
         "timelines/treaty-life/", "people/zhou-enlai/", "map/", "places/beijing/"]
#: States of a page that only a reader's action shows: (path, viewport width, what to click first).
STATES = {
    "cite box open": ("treaty/", 1366, ".cite summary"),
    "connections on a phone, open": ("people/zhou-enlai/", 390, ".connections summary"),
    "connections beside the text": ("treaty/", 1366, None),
    "404 with the closest pages": ("people/zhou-enlia/", 1366, None),
}
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


def violations(page: Page) -> list[str]:
    """Each violated rule with the elements that break it."""
    assert AXE.is_file(), "axe-core is not installed: npm ci --prefix tests/axe"
    page.evaluate(AXE.read_text(encoding="utf-8"))  # as devtools run it: the pages' policy refuses inline scripts
    return page.evaluate("rules => axe.run(document, {runOnly: {type: 'tag', values: rules}})"
                          ".then(r => r.violations.map("
                          "v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))",
                          RULES)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("variant", ["zh-hans", "zh-hant"])
@pytest.mark.parametrize("path", PAGES)
def test_axe_finds_no_violation(visit: Visit, path: str, variant: str, scheme: str) -> None:
    assert violations(visit(f"{variant}/{path}", color_scheme=scheme)) == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("variant", ["zh-hans", "zh-hant"])
@pytest.mark.parametrize("state", STATES)
def test_axe_finds_no_violation_in_what_a_reader_opens(visit: Visit, state: str, variant: str, scheme: str) -> None:
    path, width, opener = STATES[state]
    page = visit(f"{variant}/{path}", color_scheme=scheme, viewport={"width": width, "height": 800})
    if opener:
        page.locator(opener).click()
    assert violations(page) == []


def test_axe_finds_what_a_reader_would_miss(visit: Visit) -> None:
    """The check can fail: faint text, a link that says nothing, a skipped heading level."""
    page = visit("zh-hans/treaty/article-1/", color_scheme="dark")
    page.evaluate("""() => {
        const body = document.querySelector('.body');
        body.insertAdjacentHTML('beforeend', '<p>看不清</p><a href="../"></a><h4>跳级</h4>');
        body.querySelector('p:last-of-type').style.color = '#333';  // the pages' policy refuses style attributes
    }""")
    assert {v.split(":")[0] for v in violations(page)} == {"color-contrast", "link-name", "heading-order"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("variant", ["zh-hans", "zh-hant"])
@pytest.mark.parametrize("screen", ["desktop", "phone"])
def test_axe_finds_no_violation_with_the_contents_open_and_a_preview_shown(visit: Visit, variant: str, scheme: str,
                                                                          screen: str) -> None:
    """The treaty's contents (unfolded on a phone) and a link's preview, then a citation's, as a reader opens them."""
    phone = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
    page = visit(f"{variant}/treaty/", color_scheme=scheme, **(phone if screen == "phone" else
                                                                {"viewport": {"width": 1366, "height": 900}}))
    preview = page.get_by_role("tooltip")
    for link in ('.body a[href="../people/mao-zedong/"]', ".body sup.citation a"):
        if screen == "phone":
            page.locator("nav.toc summary").tap()
            page.locator(link).first.tap()
        else:
            page.locator(link).first.hover()
        expect(preview).to_be_visible()
        expect(page.locator("nav.toc a").first).to_be_visible()
        assert violations(page) == []
        page.keyboard.press("Escape")
        if screen == "phone":
            page.locator("nav.toc summary").tap()
