"""The build cache in .cache/: a build that reuses it gives, byte for byte, what a build from
nothing gives, whatever changed in between; and it redoes only the pages a change affects."""

from __future__ import annotations

import dataclasses
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jinja2
import pytest
from bs4 import BeautifulSoup
from conftest import ROOT, MiniSite

from docsite.incremental import buildcache
from docsite.incremental.buildcache import BuildCache
from docsite.incremental.cache import Keys
from docsite.incremental.reads import SEP, Fingerprints, Reading, Reads
from docsite.pipeline import build


def _site(mini: MiniSite) -> MiniSite:
    mini.write("glossary.yaml", "- {zh-hans: 维辛斯基, zh-hant: 維辛斯基}\n")
    mini.write("people/a.md", "---\ntitle: 甲\nsummary: 外交官\n---\n甲的生平[@shen1999]。\n")
    mini.write("people/b.md", "---\ntitle: 乙\n---\n乙认识[[people/a]]和维辛斯基。\n")
    mini.write("people/c.md", "---\ntitle: 丙\n---\n丙。\n")
    mini.write("events/meeting.md", "---\ntitle: 会面\ndate: 1950-02\nrelated: [people/c]\n---\n会面。\n")
    mini.write("people/e.md", "---\ntitle: 戊\n---\n戊听说过[[丙]]。\n")  # a link by title
    return mini


def _edit(path: str, old: str, new: str) -> Callable[[MiniSite], None]:
    def edit(mini: MiniSite) -> None:
        file = mini.root / path
        file.write_text(file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return edit


CHANGES = {
    "a body": _edit("content/people/c.md", "丙。", "丙，修改过。"),
    "a title shown on other pages": _edit("content/people/a.md", "title: 甲", "title: 甲先生"),
    "a title that a link names, now another page's": lambda mini: (
        _edit("content/people/c.md", "title: 丙", "title: 丙先生")(mini),
        mini.write("people/d.md", "---\ntitle: 丙\n---\n另一位丙。\n")),
    "a summary": _edit("content/people/a.md", "外交官", "外交部长"),
    "a link in a body (a backlink elsewhere)": _edit("content/people/c.md", "丙。", "丙见过[[people/a]]。"),
    "a citation in an event's body (the timeline data)":
        _edit("content/events/meeting.md", "会面。", "会面[@shen1999]。"),
    "an event's date (the timelines)": _edit("content/events/meeting.md", "1950-02", "1949-12"),
    "a new page": lambda mini: mini.write("people/d.md", "---\ntitle: 丁\nrelated: [people/a]\n---\n丁。\n"),
    "a page removed (a backlink elsewhere)": lambda mini: (mini.root / "content/people/b.md").unlink(),
    "the last event removed (the site timeline gone from every page's navigation)":
        lambda mini: (mini.root / "content/events/meeting.md").unlink(),
    "the glossary": _edit("content/glossary.yaml", "維辛斯基", "維希斯基"),
    "a glossary entry for words only the templates show (the timeline's downloads)":
        lambda mini: mini.write("glossary.yaml", (mini.root / "content/glossary.yaml").read_text(encoding="utf-8")
                                + "- {zh-hans: 数据, zh-hant: 資料}\n"),
    "a source": _edit("content/sources.yaml", "朝鲜战争研究", "朝鲜战争研究（修订本）"),
    "a template": _edit("templates/base.html", "</body>", "<p>页脚</p></body>"),
    "a static file": _edit("static/style.css", "body {", "body { color: black;"),
    "a download added to static/": lambda mini: (mini.root / "static/treaty.pdf").write_bytes(b"%PDF-1.4\n"),
    "a file of static/ the templates name by its name (the icon)":
        _edit("static/favicon.svg", "<svg ", '<svg data-drawn="2" '),
    "a script of static/ named by its content inside a kept fragment (the timeline's overview)":
        _edit("static/overview.js", "// The timeline's overview", "// The site timeline's overview"),
    "a file of static/ a page links to, put in place":
        lambda mini: (_edit("content/people/c.md", "丙。", "丙的[照片](/static/c.png)。")(mini),
                      (mini.root / "static/c.png").write_bytes((mini.root / "static/favicon.svg").read_bytes())),
    "site.yaml": _edit("site.yaml", "tagline: ", "tagline: 新的副标题："),
}


@pytest.mark.parametrize("preview", [False, True], ids=["command line", "preview server"])
@pytest.mark.parametrize("change", CHANGES)
def test_a_build_from_the_cache_is_the_build_from_nothing(mini: MiniSite, change: str, preview: bool) -> None:
    """From the command line, .cache/ alone; in the preview server, its memory (BuildCache) too."""
    site = _site(mini)
    kept = BuildCache(stored=True, memory=preview)
    assert build(site.root, cache=kept).ok  # fills .cache/ (and the memory)
    CHANGES[change](site)
    cached = build(site.root, cache=kept)
    fresh = build(site.root)
    assert cached.ok and fresh.ok, [d.format() for d in cached.diagnostics.items]
    assert sorted(cached.files) == sorted(fresh.files)
    assert [path for path in fresh.files if cached.files[path] != fresh.files[path]] == []


def test_the_base_url_is_part_of_the_key(mini: MiniSite) -> None:
    site = _site(mini)
    assert build(site.root, base_url="https://a.example/", cache=BuildCache(stored=True)).ok
    cached = build(site.root, base_url="https://b.example/site/", cache=BuildCache(stored=True))
    assert cached.files == build(site.root, base_url="https://b.example/site/").files


def _made(site: MiniSite) -> tuple[list[str], list[str], list[str]]:
    """A build from .cache/: the content pages it made (an id per variant), the generated pages it
    made, and the pages whose script-neutral address it made (with the page's first variant)."""
    result = build(site.root, cache=BuildCache(stored=True))
    assert result.ok, [d.format() for d in result.diagnostics.items]
    made = [name.split(":", 1) for name in result.work.made]
    content = {path.relative_to(site.root / "content").with_suffix("").as_posix().removesuffix("/index")
               for path in (site.root / "content").rglob("*.md")}
    return ([pid for _, pid in made if pid in content], [pid for _, pid in made if pid not in content],
            [pid for code, pid in made if code == "zh-hans"])


def test_an_edit_makes_again_only_the_pages_that_show_it(mini: MiniSite) -> None:
    site = _site(mini)
    assert build(site.root, cache=BuildCache(stored=True)).ok
    made, listed, _ = _made(site)
    assert made == listed == []
    CHANGES["a body"](site)
    made, listed, _ = _made(site)
    assert made == ["people/c", "people/c"] and listed == []
    CHANGES["a title shown on other pages"](site)
    made, listed, neutral = _made(site)
    # the page itself, the page that links to it and the home page, which lists people
    assert sorted(made) == sorted(2 * ["index", "people/a", "people/b"])
    # the neutral address of each (it shows the page's title), not of every page
    assert {"index", "people/a", "people/b"} <= set(neutral) and not {"people/c", "people/e"} & set(neutral)
    # of the generated pages, the list of people, which shows it, and not the timeline
    assert sorted(listed) == 2 * ["people"]
    CHANGES["an event's date (the timelines)"](site)
    made, listed, _ = _made(site)
    assert sorted(made) == sorted(2 * ["events/meeting", "people/c"])  # c's timeline shows the meeting
    assert "timeline" in listed
    site.write("people/c.md", "---\ntitle: 丙\n---\n丙见过[[people/a]]。\n")  # a new backlink
    made, _, _ = _made(site)
    assert sorted(set(made)) == sorted(["people/a", "people/c"])


def test_a_file_of_static_deleted_is_a_mistake_of_the_page_that_links_to_it(mini: MiniSite) -> None:
    """The preview loaded the page before, with the file there: it reads it again, and says its link
    leads to no file, as a build from nothing does (the command line: test_incremental_output.py)."""
    site = _site(mini)
    site.write("people/c.md", "---\ntitle: 丙\n---\n丙的[照片](/static/c.png)。\n")
    (site.root / "static/c.png").write_bytes((site.root / "static/favicon.svg").read_bytes())
    kept = BuildCache(stored=True, memory=True)
    assert build(site.root, cache=kept).ok
    (site.root / "static/c.png").unlink()
    cached, fresh = build(site.root, cache=kept), build(site.root)
    assert [d.format() for d in cached.diagnostics.errors] == [d.format() for d in fresh.diagnostics.errors] == [
        "content/people/c.md:4:8: error: no file static/c.png\n"
        "  hint: the path is relative to this file, or starts with /static/ for static/"]
    assert cached.work.parsed == ["people/c"]


def test_a_period_shows_on_the_site_timeline_from_the_cache(mini: MiniSite) -> None:
    """A period on a page that no event names is drawn on the site timeline's overview: the
    timeline reads it, so its key changes (it was once keyed without it, and went stale)."""
    site = _site(mini)
    kept = BuildCache(stored=True, memory=True)
    for cache in (BuildCache(stored=True), kept):
        assert build(site.root, cache=cache).ok
    site.write("people/e.md", "---\ntitle: 戊\nperiod: 1949/1955\n---\n戊听说过[[丙]]。\n")
    fresh = build(site.root)
    for cache in (BuildCache(stored=True), kept):
        cached = build(site.root, cache=cache)
        for variant in ("zh-hans", "zh-hant"):
            path = f"{variant}/timeline/index.html"
            bars = BeautifulSoup(cached.files[path], "html.parser").select('a[href="../people/e/"]')
            assert bars and cached.files[path] == fresh.files[path]


def test_a_deleted_or_damaged_cache_costs_only_time(mini: MiniSite) -> None:
    site = _site(mini)
    def cached() -> dict[str, bytes]:
        return dict(build(site.root, cache=BuildCache(stored=True)).files)

    first = cached()
    shutil.rmtree(site.root / ".cache")
    assert cached() == first
    (site.root / ".cache" / "output.sqlite").write_bytes(b"not a database" * 100)
    assert cached() == first
    assert cached() == first


def test_templates_compiled_by_another_program_are_not_read(mini: MiniSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """.cache/templates/ holds the compiled templates (Jinja's bytecode cache, which knows a template
    by its source only). How a template compiles depends on the program too (the environment's
    options): one compiled by another version, from the same source, is not read, and goes."""
    site = _site(mini)
    fresh = build(site.root).files
    compiled = site.root / ".cache" / "templates"
    monkeypatch.setattr(buildcache, "program_digest", lambda: b"\x01" * 32)
    assert build(site.root, cache=BuildCache(stored=True)).files == fresh
    older = sorted(compiled.iterdir())
    assert older and all(path.name.startswith("01" * 8) for path in older)
    # The same sources compiled otherwise (without trim_blocks), kept by that program.
    for path in older:
        path.unlink()
    otherwise = jinja2.Environment(loader=jinja2.FileSystemLoader(site.root / "templates"), trim_blocks=False,
                                   bytecode_cache=jinja2.FileSystemBytecodeCache(str(compiled), f"{'01' * 8}-%s.cache"))
    otherwise.filters["t"] = str
    otherwise.get_template("base.html")
    assert build(site.root, cache=BuildCache(stored=True)).files != fresh  # that program reads them
    monkeypatch.setattr(buildcache, "program_digest", lambda: b"\x02" * 32)
    assert build(site.root, cache=BuildCache(stored=True)).files == fresh  # this one does not
    assert not {path.name for path in older} & {path.name for path in compiled.iterdir()}
    assert all(path.name.startswith("02" * 8) for path in compiled.iterdir())


def _stored_keys(root: Path) -> dict[str, str]:
    with sqlite3.connect(root / ".cache" / "output.sqlite") as db:
        return dict(db.execute("SELECT name, key FROM outputs"))


def test_a_build_in_another_process_finds_the_cache_whole(mini: MiniSite) -> None:
    """Keys are the same from one process to the next (whose sets iterate in another order): a
    second command-line build with nothing changed stores nothing anew."""
    site = _site(mini)
    keys = []
    for seed in ("1", "2"):
        # Into a folder of its own: the second build must not find the first one's output up to date.
        done = subprocess.run([sys.executable, str(ROOT / "build.py"), "--out", f"out-{seed}"], cwd=site.root,
                              capture_output=True, text=True, check=False,
                              env={**os.environ, "PYTHONHASHSEED": seed})
        assert done.returncode == 0, done.stderr
        keys.append(_stored_keys(site.root))
    assert keys[0] == keys[1] and len(keys[0]) > 10


@dataclasses.dataclass
class _Inner:
    x: int


@dataclasses.dataclass
class _Outer:
    inner: _Inner | None
    other: int


@dataclasses.dataclass
class _Root:
    outer: _Outer


def test_a_part_that_read_below_a_record_replaced_is_made_again() -> None:
    """A record read field by field and then replaced by a value of another kind changed every path
    under it, though no such path is in the list of changes: a part that read one is not current
    (``Keys.still``), and its key is not made from the digest its reads had before (``Keys.of``)."""
    before = _Root(_Outer(_Inner(1), 0))
    fingerprint = Fingerprints()
    keys = Keys(before, b"stamp", fingerprint)  # type: ignore[arg-type]
    parts: dict[str, tuple[str, ...]] = {}
    for name, read_it in {"deep": lambda site: site.outer.inner.x, "beside": lambda site: site.outer.other,
                          "both": lambda site: (site.outer.other, site.outer.inner.x)}.items():
        read = Reads()
        read_it(Reading(before, read))
        parts[name] = read.sorted()
        keys.of(name, parts[name])
    assert parts["deep"] == (SEP + "outer" + SEP + "inner" + SEP + "x",)
    site = _Root(_Outer(None, 0))
    now = Keys(site, b"stamp", fingerprint, previous=keys)  # type: ignore[arg-type]
    assert (now.still(parts["deep"]), now.still(parts["beside"]), now.still(parts["both"])) == (False, True, False)
    # the keys made again, from the digests of the build before where they hold, are a fresh build's
    fresh = Keys(site, b"stamp", Fingerprints())  # type: ignore[arg-type]
    assert {name: now.of(name, read) for name, read in parts.items()} == \
        {name: fresh.of(name, read) for name, read in parts.items()}
    assert now.of("deep", parts["deep"]) != keys.of("deep", parts["deep"])
    site = _Root(_Outer(_Inner(2), 1))  # and a build after it, which takes over the digests of both
    later = Keys(site, b"stamp", fingerprint, previous=now)  # type: ignore[arg-type]
    fresh = Keys(site, b"stamp", Fingerprints())  # type: ignore[arg-type]
    assert {name: later.of(name, read) for name, read in parts.items()} == \
        {name: fresh.of(name, read) for name, read in parts.items()}


def test_a_page_parsed_again_takes_its_headings_fragments_from_the_cache(mini: MiniSite) -> None:
    """After an edit to a page's text, the build parses it again but takes the fragments of the
    headings it had from .cache/: it loads no pinyin dictionary (a quarter of a second), and the
    fragments are the same."""
    page = mini.write("people/headed.md", "---\ntitle: 甲\nsummary: 一位外交官。\n---\n\n## 条约的签订\n\n生平。\n")
    first = mini.build()
    assert first.returncode == 0, first.stderr
    page.write_text(page.read_text(encoding="utf-8").replace("生平。", "生平，待补。"), encoding="utf-8")
    edited = subprocess.run([sys.executable, "-X", "importtime", str(ROOT / "build.py")], cwd=mini.root,
                            capture_output=True, text=True, timeout=120, check=False)
    assert edited.returncode == 0, edited.stderr
    imported = {line.rpartition("|")[2].strip() for line in edited.stderr.splitlines()
                if line.startswith("import time:")}
    assert "markdown_it.main" in imported  # the page was parsed again
    assert {name for name in imported if name.partition(".")[0] == "pypinyin"} == set()
    assert "生平，待补。" in mini.page("zh-hans", "people/headed").get_text()
    assert [h["id"] for h in mini.page("zh-hant", "people/headed").select("main h2")][:1] == ["tiao-yue-de-qian-ding"]
