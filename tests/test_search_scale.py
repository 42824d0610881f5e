"""Search at any size, and forgiving, in a real browser: the pieces of the index a query loads, other
names and pinyin, numerals, the nearest names when nothing is found, ranking, and the header's box
with its results as the reader types (keyboard, marks on the page a result opens, accessibility)."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
import test_timeline_overview
from conftest import MiniSite, Published, Visit, soup
from playwright.sync_api import Page
from test_accessibility import violations
from test_search import TREES, ask, result_urls, search_page

from docsite.pipeline import build
from docsite.stages import search
from docsite.text import fragments, searchtext

#: Queries of the issue and the page that must come first, in either tree: other names (aliases,
#: names in other languages), pinyin, Latin words, numerals written either way, short names.
FIRST = [("中长铁路", "documents/changchun-railway-agreement/"), ("中長鐵路", "documents/changchun-railway-agreement/"),
         ("长春铁路", "documents/changchun-railway-agreement/"),
         ("chang chun tie lu", "documents/changchun-railway-agreement/"), ("旅大", "places/lushun/"),
         ("Port Arthur", "places/lushun/"), ("lushun", "places/lushun/"), ("Stalin", "people/joseph-stalin/"),
         ("斯大林", "people/joseph-stalin/"), ("史達林", "people/joseph-stalin/"), ("zhou enlai", "people/zhou-enlai/"),
         ("zhouenlai", "people/zhou-enlai/"), ("Mao", "people/mao-zedong/"), ("treaty", "treaty/"),
         ("第5条", "treaty/article-5/"), ("第五條", "treaty/article-5/"), ("第五条", "treaty/article-5/"),
         ("轰-6", "projects/h-6/"), ("H-6", "projects/h-6/")]
#: One character off: the page of the nearest name, and that name in each tree's script.
NEAREST = [("周恩莱", "people/zhou-enlai/", {"zh-hans": "周恩来", "zh-hant": "周恩來"}),
           ("斯达林", "people/joseph-stalin/", {"zh-hans": "斯大林", "zh-hant": "斯大林"}),
           ("stalim", "people/joseph-stalin/", {"zh-hans": "stalin", "zh-hant": "stalin"})]


errors = test_timeline_overview.errors  # the fixture: JavaScript errors of the pages a test watches, none by the end
watch = test_timeline_overview.watch


def header_results(page: Page, query: str) -> list[str]:
    """Type ``query`` in the header's box; the addresses of the results shown under it."""
    box = page.locator(".site-search input")
    box.fill(query)
    page.wait_for_function("q => document.querySelector('.site-search').dataset.shown === q", arg=query.strip())
    links = page.locator(".site-search .search-results .result-title a")
    return [urljoin(page.url, links.nth(i).get_attribute("href") or "") for i in range(links.count())]


@pytest.mark.parametrize("tree", TREES)
def test_each_query_puts_its_page_first(visit: Visit, published: Published, tree: str, errors: list[str]) -> None:
    page = watch(search_page(visit, tree), errors)
    wrong = []
    for query, expected in FIRST:
        ask(page, query)
        found = result_urls(page)
        if found[:1] != [published.url(f"{tree}/{expected}")]:
            wrong.append(f"{query}: {found[:3]}")
    assert wrong == []


@pytest.mark.parametrize("tree", TREES)
def test_a_query_one_character_off_finds_the_nearest_name(visit: Visit, published: Published, tree: str,
                                                         errors: list[str]) -> None:
    page = watch(search_page(visit, tree), errors)
    for query, expected, name in NEAREST:
        ask(page, query)
        assert result_urls(page)[:1] == [published.url(f"{tree}/{expected}")], query
        status = page.locator(".search-status").inner_text()
        assert query in status and name[tree] in status  # "did you mean"


@pytest.mark.parametrize("tree", TREES)
def test_latin_queries_match_whole_words(visit: Visit, published: Published, tree: str) -> None:
    """Stalin is not found in the pinyin of 康斯坦丁·西林 (kang si tan ding xi lin: "sta" and "lin" apart)."""
    page = search_page(visit, tree, "Stalin")
    assert published.url(f"{tree}/people/konstantin-silin/") not in result_urls(page)
    ask(page, "Konstantin")  # his own name in Latin letters finds him
    assert result_urls(page)[:1] == [published.url(f"{tree}/people/konstantin-silin/")]


@pytest.mark.parametrize("tree", TREES)
def test_a_page_about_the_entity_comes_before_pages_that_mention_it(visit: Visit, published: Published,
                                                                    tree: str) -> None:
    """轰-6 is in the titles of events too: the project, which has it as a name of its own, is first;
    the pages whose title holds the name come before those whose text does."""
    page = search_page(visit, tree, "轰-6")
    found = result_urls(page)
    assert found[0] == published.url(f"{tree}/projects/h-6/")
    titles = page.locator(".search-results .result-title a").all_inner_texts()
    in_title = [("轰-6" in t or "轟-6" in t) for t in titles]
    assert in_title[:3] == [True, True, True] and in_title == sorted(in_title, reverse=True)


# -- the pieces a query loads --------------------------------------------------------------------


def listing(published: Published, tree: str) -> dict[str, object]:
    text = (published.folder / tree / "search/pieces.js").read_text(encoding="utf-8")
    data: dict[str, object] = json.loads(text.removeprefix("self.searchPieces=").removesuffix(";\n"))
    return data


def key_piece(data: dict[str, object], key: str) -> str:
    """The name of the piece that holds ``key`` (as docsite/text/searchtext.py places it)."""
    names = str(data["t"])
    at = 7 * searchtext.bucket(key, len(names) // 7)
    return names[at:at + 7]


@pytest.mark.parametrize("tree", TREES)
def test_a_query_loads_the_pieces_of_its_keys_and_the_records_it_shows(visit: Visit, published: Published,
                                                                       tree: str) -> None:
    data = listing(published, tree)
    pieces = len(str(data["t"])) // 7
    assert pieces >= 8  # the browser tests' index is cut small (conftest.SEARCH_PIECE_BYTES)
    page = search_page(visit, tree)
    loaded: list[str] = []
    page.on("request", lambda request: loaded.append(request.url.rpartition("/search/index/")[2])
            if "/search/index/" in request.url else None)
    ask(page, "苏联")  # one key: its piece only, and the records shown
    key = searchtext.bigram(*searchtext.tokens(searchtext.fold("苏联")))
    assert [name for name in loaded if name[0] in "tp"] == [f"t{key_piece(data, key)}.js"]
    records = [name for name in loaded if name.startswith("d")]
    assert 0 < len(records) <= 20 == page.locator(".search-results li").count()
    loaded.clear()
    ask(page, "武汉长江")  # three keys: their pieces, and the records that say where they stand side by side
    keys = searchtext.keys(searchtext.tokens(searchtext.fold("武汉长江")))
    expected = {f"t{key_piece(data, key)}.js" for key in keys}
    assert {name for name in loaded if name[0] == "t"} == expected and len(expected) < pieces
    assert all(name.startswith(("t", "d")) for name in loaded)


def test_the_search_script_loads_when_the_box_is_first_used(visit: Visit, errors: list[str]) -> None:
    """Nothing of search is loaded with a page: its script and index come when the reader uses the box."""
    page = visit("zh-hans/treaty/")
    scripts: list[str] = []
    page.on("request", lambda request: scripts.append(request.url) if "search" in request.url else None)
    watch(page, errors)
    page.wait_for_timeout(200)
    assert scripts == [] and page.evaluate("!self.searchStarted")
    page.locator(".site-search input").focus()
    page.wait_for_function("self.searchStarted === true")
    assert any(re.search(r"/static/search\.\w+\.js$", url) for url in scripts)


# -- the header's box ------------------------------------------------------------------------------


@pytest.mark.parametrize("tree", TREES)
def test_the_header_box_shows_results_as_the_reader_types(visit: Visit, published: Published, tree: str,
                                                          errors: list[str]) -> None:
    page = watch(visit(f"{tree}/people/"), errors)
    assert header_results(page, "zhou enlai")[0] == published.url(f"{tree}/people/zhou-enlai/")
    assert page.locator(".site-search .search-popup").is_visible()
    assert 0 < page.locator(".site-search .search-results li").count() <= 8
    assert header_results(page, "中長鐵路")[0] == published.url(f"{tree}/documents/changchun-railway-agreement/")


def test_the_keyboard_walks_the_header_results(visit: Visit, published: Published, errors: list[str]) -> None:
    """"/" focuses the box; the arrow keys go down the results and back up to the box; Escape closes
    them; Enter on a result opens it, and the page it opens marks what matched."""
    page = watch(visit("zh-hant/treaty/article-1/"), errors)
    page.locator("h1").click()
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "site-search"
    found = header_results(page, "武汉长江大桥")
    assert len(found) > 1
    titles = page.locator(".site-search .search-results .result-title a")
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == titles.nth(0).inner_text()
    page.keyboard.press("ArrowDown")
    assert page.evaluate("document.activeElement.textContent") == titles.nth(1).inner_text()
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.id") == "site-search"
    page.keyboard.press("Escape")
    assert page.locator(".site-search .search-popup").is_hidden()
    assert page.evaluate("document.activeElement.id") == "site-search"
    page.keyboard.type(" ")  # typing again shows them again
    page.wait_for_function("document.querySelector('.site-search').dataset.shown === '武汉长江大桥'")
    assert page.locator(".site-search .search-popup").is_visible()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    page.wait_for_url(found[0])
    page.wait_for_selector("mark.search-hit")
    assert set(page.locator("mark.search-hit").all_inner_texts()) == {"武漢長江大橋"}


def test_enter_in_the_header_box_opens_every_result(visit: Visit, published: Published) -> None:
    page = visit("zh-hans/places/")
    header_results(page, "苏联")
    page.keyboard.press("Enter")
    page.wait_for_url(published.url("zh-hans/search/") + "?q=*")
    page.wait_for_function("document.querySelector('.search-form').dataset.shown === '苏联|'")
    assert page.locator(".search-results li").count() == 20  # a page of them; more on request


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("tree", TREES)
def test_axe_finds_no_violation_with_the_header_results_open(visit: Visit, tree: str, scheme: str) -> None:
    page = visit(f"{tree}/treaty/", color_scheme=scheme)
    header_results(page, "周恩来")
    assert page.locator(".site-search .search-popup").is_visible()
    assert violations(page) == []


def test_axe_finds_no_violation_on_a_suggestion(visit: Visit) -> None:
    page = visit("zh-hant/people/")
    header_results(page, "周恩莱")
    assert "周恩來" in page.locator(".site-search .search-status").inner_text()
    assert violations(page) == []


@pytest.mark.parametrize(("tree", "name"), [("zh-hans", "搜索"), ("zh-hant", "搜尋")])
def test_the_search_page_has_one_box_and_the_navigation_names_it(published: Published, tree: str, name: str) -> None:
    search = soup(published.folder / tree / "search/index.html")
    assert search.select(".site-search") == [] and len(search.select("input[type=search]")) == 1
    nav = soup(published.folder / tree / "treaty/index.html").select(".site-nav a")
    assert [a["href"] for a in nav if a.get_text() == name] == ["../search/"]
    assert "全部页面" not in [a.get_text() for a in nav] and "全部頁面" not in [a.get_text() for a in nav]


# -- the aliases field -------------------------------------------------------------------------------


def test_aliases_are_found_like_the_title_in_either_script(mini: MiniSite) -> None:
    aliases = "[中长铁路, Chinese Changchun Railway]"
    mini.write("topics/railway.md", f"---\ntitle: 中国长春铁路\naliases: {aliases}\n---\n正文。\n")
    assert mini.build().returncode == 0
    for tree in TREES:
        listing = (mini.root / "_site" / tree / "search/pieces.js").read_text(encoding="utf-8")
        data = json.loads(listing.removeprefix("self.searchPieces=").removesuffix(";\n"))
        names = str(data["t"])
        for key in ("中长", "铁路", "changchun", "zhong"):  # the alias, its pinyin, the Latin name
            folded = searchtext.fold(key)
            toks = searchtext.tokens(folded)
            key = searchtext.bigram(*toks) if len(toks) == 2 else toks[0]
            at = 7 * searchtext.bucket(key, len(names) // 7)
            piece = (mini.root / "_site" / tree / f"search/index/t{names[at:at + 7]}.js").read_text(encoding="utf-8")
            postings = json.loads(piece.removeprefix("searchPiece(document.currentScript,").removesuffix(");\n"))
            assert postings[key][0], key  # found among the page's names


@pytest.mark.parametrize(("value", "line"), [("{zh: 中长铁路}", "expected a list of names"),
                                             ("[中长铁路, '']", "expected a list of names")])
def test_a_wrong_aliases_value_is_reported_at_its_line(mini: MiniSite, value: str, line: str) -> None:
    mini.write("topics/railway.md", f"---\ntitle: 中国长春铁路\naliases: {value}\n---\n正文。\n")
    result = mini.build()
    assert result.returncode == 1
    assert f"content/topics/railway.md:3:10: error: 'aliases': {line}" in result.stderr


def test_numerals_fold_to_the_number_they_write() -> None:
    fold = searchtext.fold
    assert searchtext.tokens(fold("第5条")) == searchtext.tokens(fold("第五條")) == ["第", "5", "条"]
    assert searchtext.tokens(fold("一百五十六项")) == searchtext.tokens(fold("156項"))
    assert searchtext.tokens(fold("一九五〇年")) == ["1950", "年"]
    assert searchtext.tokens(fold("二十万")) == ["200000"]


def test_pinyin_lines_are_tone_less_with_and_without_spaces() -> None:
    assert searchtext.pinyin_lines("旅顺口") == ["lü shun kou", "lüshunkou", "lv shun kou", "lvshunkou"]
    assert [searchtext.tokens(searchtext.fold(line)) for line in searchtext.pinyin_lines("周恩来")][:2] == \
        [["zhou", "en", "lai"], ["zhouenlai"]]
    assert searchtext.pinyin_lines("Port Arthur") == []


@pytest.mark.parametrize(("simplified", "traditional", "reading"), [
    ("中国长春铁路", "中國長春鐵路", "zhong guo chang chun tie lu"), ("重庆", "重慶", "chong qing"),
    ("银行行长", "銀行行長", "yin hang hang zhang"), ("乾隆", "乾隆", "qian long")])
def test_a_name_reads_the_same_in_either_script(simplified: str, traditional: str, reading: str) -> None:
    """Polyphonic characters read in their words in traditional script too (pypinyin's words are
    simplified: alone, 長 reads zhang, 重 zhong, 行 xing), so that a traditional tree finds 長春 by
    chang chun; and the heading of either script has that fragment."""
    assert searchtext.pinyin_lines(traditional)[0] == searchtext.pinyin_lines(simplified)[0] == reading
    assert fragments.slug(traditional) == fragments.slug(simplified) == reading.replace(" ", "-")


def test_the_search_script_stays_small() -> None:
    """It is loaded when the box is first used, not with the page; still, a phone downloads it."""
    script = Path(__file__).resolve().parent.parent / "static/search.js"
    assert len(gzip.compress(script.read_bytes())) < 10 * 1024


def test_every_key_is_in_the_piece_the_listing_names_for_it(mini: MiniSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pieces are found by their place in the listing, empty ones too (two empty pieces are one file)."""
    monkeypatch.setattr(search, "PIECE_BYTES", 1)  # more pieces than keys
    mini.write("topics/railway.md", "---\ntitle: 中国长春铁路\naliases: [中长铁路]\n---\n一九五〇年的协定。\n")
    result = build(mini.root)
    assert result.ok
    listing = result.files["zh-hans/search/pieces.js"].decode("utf-8")
    names = str(json.loads(listing.removeprefix("self.searchPieces=").removesuffix(";\n"))["t"])
    count = len(names) // 7
    assert count > len({names[i:i + 7] for i in range(0, len(names), 7)})  # some pieces alike (empty)
    for path, data in result.files.items():
        if match := re.fullmatch(r"zh-hans/search/index/t(\w{7})\.js", path):
            text = data.decode("utf-8").removeprefix("searchPiece(document.currentScript,").removesuffix(");\n")
            for key in json.loads(text):
                at = 7 * searchtext.bucket(key, count)
                assert names[at:at + 7] == match.group(1), key
