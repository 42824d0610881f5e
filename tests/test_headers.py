"""The Content-Security-Policy, in every page's <meta> and in _headers with the other headers static
hosts honour: the site works under it in a real browser, and a script smuggled into a page does not run."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from conftest import Published, soup
from playwright.sync_api import Browser, ConsoleMessage, Page, Route
from test_serve import Running, server  # noqa: F401  (the preview server, a fixture)

from docsite.stages import policy

#: Pages with every kind of script the site runs: the theme and the navigation on all, the treaty's
#: contents and previews, the timeline's overview, the map, the search.
PAGES = ["zh-hans/", "zh-hant/treaty/", "zh-hans/timeline/", "zh-hant/map/", "zh-hans/search/?q=王世杰", "",
         "zh-hans/no-such-page/"]


def _meta_policy(page: BeautifulSoup) -> str:
    metas = page.select('meta[http-equiv="Content-Security-Policy"]')
    assert len(metas) == 1
    return str(metas[0]["content"])


def _inline_scripts(page: BeautifulSoup) -> list[str]:
    """The scripts of a page that run and are written in it (not data: JSON-LD, the search index)."""
    return [s.string or "" for s in page.select("script:not([src])")
            if s.get("type") in (None, "", "text/javascript", "module")]


def test_every_page_allows_exactly_its_inline_scripts_by_their_hash(site_dir: Path) -> None:
    pages = sorted(site_dir.rglob("*.html"))
    assert len(pages) > 200
    for path in pages:
        page = soup(path)
        csp = _meta_policy(page)
        head = page.head
        assert head is not None and head.find(True, recursive=False).name == "meta"  # the charset, then the policy
        assert head.select("meta")[1].get("http-equiv") == "Content-Security-Policy", path
        assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp and "frame-ancestors" not in csp
        assert "script-src 'self' 'sha256-" in csp and "object-src 'none'" in csp and "base-uri 'self'" in csp
        allowed = set(re.findall(r"'sha256-[A-Za-z0-9+/=]+'", csp))
        scripts = _inline_scripts(page)
        assert scripts, path  # the colour scheme, at least
        for script in scripts:
            assert policy.script_hash(script) in allowed, (path, script[:80])
        assert not page.select("[style]") and not page.select("style")  # style-src 'self': no inline styles


def test_headers_file_sends_the_policy_and_the_other_security_headers(published: Published) -> None:
    headers = (published.folder / "_headers").read_text(encoding="utf-8")
    block = re.search(r"^/treaty-1950/\*\n((?:  .*\n)+)", headers, re.MULTILINE)
    assert block, headers
    sent = dict(line.strip().split(": ", 1) for line in block.group(1).splitlines())
    meta = _meta_policy(soup(published.folder / "zh-hans" / "index.html"))
    assert sent == {"Content-Security-Policy": meta + "; frame-ancestors 'none'", "X-Content-Type-Options": "nosniff",
                    "Referrer-Policy": "strict-origin-when-cross-origin"}


def _watched(browser: Browser, url: str, route: str = "", inject: str = "", strip_policy: bool = False
             ) -> tuple[Page, list[str]]:
    """``url`` opened in Chromium, with the policy's violations the console reports and the page's
    exceptions, as they come; ``inject`` (HTML) is put before </body> of the page at ``route``,
    with or without its policy."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    problems: list[str] = []

    def console(message: ConsoleMessage) -> None:
        if "Content Security Policy" in message.text:
            problems.append(message.text)

    page.on("console", console)
    page.on("pageerror", lambda error: problems.append(str(error)))
    if inject:
        def altered(request: Route) -> None:
            response = request.fetch()
            body = response.text().replace("</body>", inject + "</body>")
            if strip_policy:
                body = re.sub(r"<meta[^>]*Content-Security-Policy[^>]*>", "", body)
            request.fulfill(response=response, body=body)

        page.route(route, altered)
    page.goto(url)
    page.wait_for_load_state("load")
    return page, problems


@pytest.fixture
def pages(browser: Browser) -> Iterator[list[Page]]:
    opened: list[Page] = []
    yield opened
    for page in opened:
        page.context.close()


@pytest.mark.parametrize("path", PAGES)
def test_the_pages_run_under_the_policy_without_a_violation(browser: Browser, published: Published,
                                                            pages: list[Page], path: str) -> None:
    page, problems = _watched(browser, published.url(path))
    pages.append(page)
    page.wait_for_timeout(300)  # the deferred scripts, and the search index's pieces
    assert problems == [], problems
    if path.startswith("zh-hans/search/"):
        assert page.locator(".search-results a").count() > 0  # the search ran, its index loaded


def test_the_theme_toggle_and_its_inline_script_work_under_the_policy(browser: Browser, published: Published,
                                                                       pages: list[Page]) -> None:
    page, problems = _watched(browser, published.url("zh-hant/treaty/"))
    pages.append(page)
    before = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    page.locator(".theme-toggle").click()
    wanted = "light" if before else "dark"
    assert page.evaluate("document.documentElement.dataset.theme") == wanted
    page.reload()
    page.wait_for_load_state("load")
    # The inline script in <head> (allowed by its hash) applied the choice before the first paint.
    assert page.evaluate("document.documentElement.dataset.theme") == wanted
    assert problems == [], problems


def test_search_works_under_the_policy(browser: Browser, published: Published, pages: list[Page]) -> None:
    page, problems = _watched(browser, published.url("zh-hant/search/"))
    pages.append(page)
    page.locator("#search-query").fill("王世杰")
    assert page.locator(".search-results a").first.get_attribute("href")
    assert problems == [], problems


SMUGGLED = ('<script>document.documentElement.dataset.smuggled = "script"</script>'
            '<img src="nothing.png" alt="" onerror="document.documentElement.dataset.handler = \'ran\'">')


@pytest.mark.parametrize("strip_policy", [False, True])
def test_a_script_smuggled_into_a_page_is_blocked(browser: Browser, published: Published, pages: list[Page],
                                                  strip_policy: bool) -> None:
    """With the policy, an inline script and an event handler added to the page do not run, and
    the browser says why; without it (the control), they do."""
    url = published.url("zh-hans/people/zhou-enlai/")
    page, problems = _watched(browser, url, url, SMUGGLED, strip_policy)
    pages.append(page)
    page.wait_for_timeout(300)
    ran = page.evaluate("[document.documentElement.dataset.smuggled, document.documentElement.dataset.handler]")
    if strip_policy:
        assert ran == ["script", "ran"]
        return
    assert ran == [None, None]
    assert sum("Content Security Policy" in problem for problem in problems) >= 2, problems
    page.evaluate("() => { const s = document.createElement('script'); "
                  "s.textContent = 'document.documentElement.dataset.added = 1'; document.body.append(s); }")
    assert page.evaluate("document.documentElement.dataset.added") is None


def test_the_preview_servers_reload_script_is_allowed(server: Running) -> None:  # noqa: F811
    """``build.py serve`` adds its reload scripts to each page as files of its own address, which
    the policy's 'self' lets run; every inline script of the page is one the policy allows by hash."""
    status, text = server.page("/zh-hans/people/zhou-enlai/")
    assert status == 200
    page = BeautifulSoup(text, "html.parser")
    csp = _meta_policy(page)
    assert "script-src 'self' " in csp
    sources = [script["src"] for script in page.select("script[src]")]
    assert any(src.startswith("/livereload.js") for src in sources)
    assert all(not urlsplit(src).scheme and not urlsplit(src).netloc for src in sources)  # all of this address
    for script in _inline_scripts(page):
        assert policy.script_hash(script) in csp
