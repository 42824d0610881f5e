"""Search, in a real browser: the header's box, the search page, a query in either script, and every
page findable by a phrase of its own, on the site served under a subpath."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from conftest import MiniSite, Published, Visit, listed_pieces, open_page, soup
from playwright.sync_api import Browser, Page
from test_accessibility import violations

from docsite.pipeline import build
from docsite.stages.search import search_form
from docsite.text import readings

TREES = ("zh-hans", "zh-hant")
#: Queries and the page (its folder under a tree) that must come first, on both trees.
EXPECTED_FIRST = [("王世杰", "people/wang-shijie/"), ("武汉长江大桥", "projects/wuhan-yangtze-bridge/"),
                  ("武漢長江大橋", "projects/wuhan-yangtze-bridge/"), ("156", "projects/156-projects/"),
                  ("Tu-16", "projects/h-6/")]
CJK = re.compile(r"[\u3400-\u9fff]+")


def search_page(visit: Visit, tree: str, query: str = "", **options: object) -> Page:
    page = visit(f"{tree}/search/", **options)
    if query:
        ask(page, query)
    return page


def shown(page: Page) -> None:
    """Wait until the results shown are those of the query and type in the form (search.js loads
    the pieces a query needs, so results come a moment after the typing)."""
    page.wait_for_function("""() => { const form = document.querySelector('.search-form');
      return form.dataset.shown === form.elements.q.value.trim() + '|' + form.elements.type.value; }""")


def ask(page: Page, query: str) -> None:
    page.locator("#search-query").fill(query)
    shown(page)


def choose(page: Page, kind: str) -> None:
    page.locator("#search-kind").select_option(kind)
    shown(page)


def result_urls(page: Page) -> list[str]:
    """Where the results lead, as absolute URLs, best first."""
    links = page.locator(".search-results .result-title a")
    return [urljoin(page.url, links.nth(i).get_attribute("href") or "") for i in range(links.count())]


@pytest.mark.parametrize("tree", TREES)
@pytest.mark.parametrize(("query", "expected"), EXPECTED_FIRST)
def test_typing_a_query_puts_the_expected_page_first(visit: Visit, published: Published, tree: str, query: str,
                                                     expected: str) -> None:
    page = search_page(visit, tree, query)
    assert result_urls(page)[0] == published.url(f"{tree}/{expected}")
    title, kind = page.locator(".search-results li").first.locator(".result-title a, .kind").all_inner_texts()
    assert title == soup(published.folder / tree / expected / "index.html").h1.get_text()
    assert kind


@pytest.mark.parametrize("tree", TREES)
def test_the_header_box_leads_to_the_results(visit: Visit, published: Published, tree: str) -> None:
    page = visit(f"{tree}/treaty/")
    page.locator(".site-search input").fill("王世傑")
    page.keyboard.press("Enter")
    page.wait_for_url(published.url(f"{tree}/search/") + "?q=*")
    shown(page)
    assert page.locator("#search-query").input_value() == "王世傑"
    assert result_urls(page)[0] == published.url(f"{tree}/people/wang-shijie/")


@pytest.mark.parametrize("tree", TREES)
@pytest.mark.parametrize("pair", [("苏联", "蘇聯"), ("斯大林", "史達林"), ("中苏友好同盟条约", "中蘇友好同盟條約")])
def test_a_query_in_either_script_gives_the_same_results(visit: Visit, tree: str, pair: tuple[str, str]) -> None:
    page = search_page(visit, tree)
    found = []
    for query in pair:
        ask(page, query)
        found.append([*result_urls(page), page.locator(".search-status").inner_text()])
    assert found[0] == found[1] and len(found[0]) > 2


@pytest.mark.parametrize(("tree", "query", "marked"), [("zh-hans", "蘇聯專家", "苏联专家"),
                                                        ("zh-hant", "苏联专家", "蘇聯專家")])
def test_excerpts_are_in_the_pages_script_with_the_match_marked(visit: Visit, tree: str, query: str,
                                                                marked: str) -> None:
    page = search_page(visit, tree, query)
    first = page.locator(".search-results li").first
    assert first.locator(".excerpt mark").first.inner_text() == marked
    assert marked in first.locator(".excerpt").inner_text()
    assert page.locator(".search-index").is_hidden()


@pytest.mark.parametrize("tree", TREES)
def test_a_query_without_results_says_so_and_offers_the_index(visit: Visit, tree: str) -> None:
    page = search_page(visit, tree, "量子计算机")
    assert page.locator(".search-results").is_hidden()
    status = page.locator(".search-status").inner_text()
    assert "量子" in status and ("简体、繁体都可以" in status or "簡體、繁體都可以" in status)
    assert page.locator(".search-index").is_visible()


@pytest.mark.parametrize("tree", TREES)
def test_the_type_filter_keeps_one_type(visit: Visit, tree: str) -> None:
    page = search_page(visit, tree, "周恩来")
    everything = result_urls(page)
    choose(page, "person")
    people = result_urls(page)
    assert people and len(people) < len(everything)
    assert all("/people/" in url for url in people)
    assert "type=person" in page.url
    choose(page, "article")
    ask(page, "王世杰")
    status = page.locator(".search-status").inner_text()  # none among the articles, but some elsewhere
    assert page.locator(".search-results").is_hidden() and re.search(r"\d", status)


@pytest.mark.parametrize("tree", TREES)
def test_navigation_and_footers_are_not_indexed(visit: Visit, published: Published, tree: str) -> None:
    home = soup(published.folder / tree / "index.html")
    page = search_page(visit, tree)
    for text in (home.select_one(".site-footer p").get_text(), home.select_one(".switcher a").get_text()):
        ask(page, text)
        assert result_urls(page) == [], text


def test_the_keyboard_reaches_search_and_results(visit: Visit, published: Published) -> None:
    page = visit("zh-hant/")
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "q":
            break
    page.keyboard.type("武漢長江大橋")
    page.keyboard.press("Enter")
    page.wait_for_url("**/search/?q=*")
    page.keyboard.press("Enter")  # the search page's form: the first result takes the focus
    assert page.evaluate("document.activeElement.closest('.search-results') !== null")
    page.keyboard.press("Enter")
    page.wait_for_url(published.url("zh-hant/projects/wuhan-yangtze-bridge/"))


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("tree", TREES)
def test_axe_finds_no_violation_on_the_search_page_with_results(visit: Visit, tree: str, scheme: str) -> None:
    page = search_page(visit, tree, "苏联专家", color_scheme=scheme)
    page.locator(".search-more button").wait_for(state="attached")
    assert violations(page) == []


def test_without_javascript_the_box_leads_to_an_index_of_every_page(visit: Visit, published: Published) -> None:
    page = visit("zh-hant/people/", javascript=False)
    page.locator(".site-search input").fill("王世杰")
    page.locator(".site-search button").click()
    page.wait_for_url(published.url("zh-hant/search/") + "?q=*")
    assert page.locator(".search-form").is_hidden()
    assert "JavaScript" in page.locator("main").inner_text()
    listed = {urljoin(page.url, href) for href in page.locator(".search-index a").evaluate_all(
        "links => links.map(a => a.getAttribute('href'))")}
    pages = {published.url(p.parent.relative_to(published.folder).as_posix() + "/")
             for p in (published.folder / "zh-hant").rglob("index.html") if p.parent.name != "search"}
    assert listed == pages


def test_search_works_from_a_folder_opened_from_disk(browser: Browser, published: Published) -> None:
    page = open_page(browser, (published.folder / "zh-hans/treaty/index.html").as_uri())
    page.locator(".site-search input").fill("蘇聯")
    page.keyboard.press("Enter")
    page.wait_for_url((published.folder / "zh-hans/search/index.html").as_uri() + "?q=*")
    ask(page, "王世杰")
    page.locator(".search-results a").first.click()
    page.wait_for_url((published.folder / "zh-hans/people/wang-shijie/index.html").as_uri())
    page.context.close()


# -- recall: every page, found by a phrase of its own, typed in either script ---------------------


def phrases(folder: Path) -> dict[str, tuple[dict[str, str], bool]]:
    """For each page (its folder under a tree): a phrase from its body that no other page has, as each
    tree writes it, and True; or its title where it has no body of its own (lists, tags), and False."""
    texts = {tree: {p.parent.relative_to(folder / tree).as_posix(): soup(p) for p in (folder / tree).rglob("index.html")
                    if p.parent.name != "search"} for tree in TREES}
    mains = {pid: search_form(page.main.get_text(" ")) for pid, page in texts["zh-hans"].items()}
    found = {}
    for pid, page in texts["zh-hans"].items():
        body, other = page.select_one(".body"), texts["zh-hant"][pid].select_one(".body")
        hans, hant = (body.get_text(" "), other.get_text(" ")) if body and other else ("", "")
        found[pid] = next((({"zh-hans": window, "zh-hant": hant[at:at + len(window)]}, True)
                             for window in _windows(hans)
                             if not any(search_form(window) in text
                                        for other_id, text in mains.items() if other_id != pid)
                             for at in [search_form(hant).find(search_form(window))] if at >= 0),
                            ({tree: texts[tree][pid].h1.get_text() for tree in TREES}, False))
    return found


def _windows(text: str, size: int = 6) -> list[str]:
    return [run[i:i + size] for run in CJK.findall(text) for i in range(len(run) - size + 1)]


def test_every_page_is_found_by_a_phrase_of_its_own_in_either_script(visit: Visit, published: Published) -> None:
    """A phrase from a page's body puts it first; a title (two pages may share one) among the first three."""
    chosen = phrases(published.folder)
    assert sum(from_body for _, from_body in chosen.values()) > len(chosen) / 2
    assert sum(written["zh-hans"] != written["zh-hant"] for written, _ in chosen.values()) > len(chosen) / 2
    missed = []
    for tree in TREES:
        page = search_page(visit, tree)
        for pid, (written, from_body) in chosen.items():
            for script, query in written.items():
                ask(page, query)
                urls = result_urls(page)
                if published.url(f"{tree}/{'' if pid == '.' else pid + '/'}") not in urls[:1 if from_body else 3]:
                    missed.append(f"{tree}: {pid} by {query} ({script}): {urls[:3]}")
    assert missed == []


def test_a_page_cannot_take_the_search_pages_address(mini: MiniSite) -> None:
    mini.add_type("lookup", pattern="search", label="检索")
    mini.write("search.md", "---\ntitle: 检索\n---\n")
    result = mini.build()
    assert result.returncode == 1
    assert "content/search.md:1: error: the page id 'search' is the address of the search page" in result.stderr


# -- the index in pieces ------------------------------------------------------------------------


def groups(root: Path) -> dict[str, list[str]]:
    """zh-hant's groups of page records by name, each with the addresses of its pages."""
    result = build(root)
    assert result.ok, "\n".join(d.format() for d in result.diagnostics.items)
    made: dict[str, list[str]] = {}
    for path, data in sorted(result.files.items()):
        if match := re.fullmatch(r"zh-hant/search/index/d(\w{7})-(\d+)\.js", path):
            record = re.fullmatch(r"searchPiece\(document\.currentScript,(.*)\);\n", data.decode("utf-8"), re.DOTALL)
            assert record, path
            made.setdefault(match.group(1), []).append(json.loads(record.group(1))[0])
    listed = listed_pieces(result.files["zh-hant/search/pieces.js"].decode("utf-8"))
    assert sorted(f"index/d{name}-{n}.js" for name, urls in made.items() for n in range(len(urls))) == \
        sorted(name for name in listed if name.startswith("index/d"))
    return made


def test_an_edit_changes_one_group_of_records(mini: MiniSite) -> None:
    """Every page's record is in one group; a body edit, a new page and a removed page each change
    one group (groups end after pages chosen by their id, not by position)."""
    for i in range(80):
        body = f"第{i}篇：中苏两国签订条约，互相援助。" * 12
        mini.write(f"topics/t{i:02}.md", f"---\ntitle: 专题{i}\n---\n{body}\n")
    before = groups(mini.root)
    listed = [url for urls in before.values() for url in urls]
    assert len(before) > 4 and len(listed) == len(set(listed)) and "../topics/t42/" in listed

    def changed(after: dict[str, list[str]]) -> tuple[int, int]:
        return len(before.keys() - after.keys()), len(after.keys() - before.keys())

    mini.write("topics/t42.md", "---\ntitle: 专题42\n---\n改写过的正文。\n")
    assert changed(groups(mini.root)) == (1, 1)
    mini.write("topics/t42.md", "---\ntitle: 专题42\n---\n" + "第42篇：中苏两国签订条约，互相援助。" * 12 + "\n")
    assert groups(mini.root) == before
    mini.write("topics/t05-new.md", "---\ntitle: 专题5（续）\n---\n新的一页。\n")
    assert changed(after := groups(mini.root)) == (1, 1)
    assert "../topics/t05-new/" in [url for urls in after.values() for url in urls]
    (mini.root / "content/topics/t05-new.md").unlink()
    assert groups(mini.root) == before
    (mini.root / "content/topics/t17.md").unlink()  # its group, joined to the next if it ended one
    gone, new = changed(groups(mini.root))
    assert gone in (1, 2) and new == 1


def test_the_shipped_pinyin_of_characters_is_the_installed_pypinyins() -> None:
    """search.js reads a query that found nothing with the characters' pinyin, shipped in the package
    (``python -m docsite.text.readings`` makes it); a pypinyin that reads a character otherwise fails here."""
    table = readings.shipped()
    assert table == readings.from_pypinyin()
    assert (table["周"], table["恩"], table["来"], table["吕"]) == ("zhou", "en", "lai", "lü")
    assert len(table) > 26_000
