"""The command line after an edit keeps its record and memory cheaply: an edit build writes only the
changes since the memory's base, a file of the output changed by hand (even while a build runs) is
still noticed and made again, a damaged memory costs a build from nothing and a warning, not a
wrong site, and the 404 page is made again only when the titles or pages it lists change."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import pytest
from bs4 import BeautifulSoup
from conftest import MiniSite, on_disk
from test_incremental_output import _build, _site

from docsite import cli
from docsite.commands import build as build_command
from docsite.commands.serve import Preview
from docsite.incremental import FOLDER, kept, lastbuild
from docsite.incremental import signatures as signatures_module
from docsite.incremental.signatures import signatures
from docsite.model import page as page_module
from docsite.model.page import Page
from docsite.model.result import BuildResult
from docsite.pipeline import NOT_FOUND, build
from docsite.stages import load, search
from docsite.text import lint


@pytest.fixture(autouse=True)
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written just before a build count as settled (test_lastbuild.py has the rule for those
    that are not), so that each page is loaded again only when its signature changed."""
    monkeypatch.setattr(lastbuild, "RACY_NS", 0)


def _results(monkeypatch: pytest.MonkeyPatch) -> list[BuildResult]:
    """The result of each command-line build from now on, in order."""
    results: list[BuildResult] = []

    def kept_result(*args: Any, **kwargs: Any) -> BuildResult:
        results.append(build(*args, **kwargs))
        return results[-1]

    monkeypatch.setattr(build_command, "build", kept_result)
    return results


def _edit(mini: MiniSite, path: str, old: str, new: str) -> None:
    page = mini.root / "content" / path
    page.write_text(page.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")



def _fresh(mini: MiniSite) -> dict[str, bytes]:
    """What a build from nothing gives."""
    return dict(build(mini.root).files)


def test_an_edit_build_writes_the_changes_not_the_memory_whole(mini: MiniSite,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    site = _site(mini)
    folder = site.root / FOLDER
    monkeypatch.setattr(kept, "REWRITE", 1)  # a site this small: one edit changes a good share of it
    assert _build(site) == 0
    base = (folder / kept.BASE).stat()
    results = _results(monkeypatch)
    for text in ("乙的生平，后来去了莫斯科。", "乙的生平，后来回到北京。"):
        _edit(site, "people/b.md", "乙的生平", text.removesuffix("。"))
        assert _build(site) == 0
        assert results[-1].work.parsed == ["people/b"]  # the others from the memory, the edit before's included
    now = (folder / kept.BASE).stat()
    assert (now.st_ino, now.st_mtime_ns) == (base.st_ino, base.st_mtime_ns)  # the base as the first build left it
    assert on_disk(site.root / "_site") == _fresh(site)


def test_pages_written_just_before_a_build_are_parsed_again_only_if_changed(
        mini: MiniSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Pages written within the tick of the file system's clock before a build (a clone, a copy, a
    pull just before it) may change again without their signatures telling: the next build
    compares their content, as git does, and parses only the page whose text changed."""
    monkeypatch.setattr(lastbuild, "RACY_NS", 10**15)  # every file is within the tick
    site = _site(mini)
    assert _build(site) == 0
    results = _results(monkeypatch)
    _edit(site, "people/b.md", "乙的生平", "乙的一生")  # the same size
    assert _build(site) == 0
    assert results[-1].work.parsed == ["people/b"]
    assert on_disk(site.root / "_site") == _fresh(site)


def test_a_page_saved_again_with_the_same_text_is_not_parsed_again(mini: MiniSite,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """In a build for another page's edit, a file whose signature changed but not its text (saved
    again by an editor that writes CRLF line ends, touched, checked out again) is taken as the page
    it was."""
    site = _site(mini)
    assert _build(site) == 0
    results = _results(monkeypatch)
    page = site.root / "content/people/b.md"
    page.write_bytes(page.read_bytes().replace(b"\n", b"\r\n"))
    _edit(site, "places/moscow.md", "莫斯科。", "莫斯科，苏联首都。")
    assert _build(site) == 0
    assert results[-1].work.parsed == ["places/moscow"]
    assert on_disk(site.root / "_site") == _fresh(site)


def test_changes_beyond_a_share_of_the_base_write_a_new_base(mini: MiniSite, monkeypatch: pytest.MonkeyPatch) -> None:
    site = _site(mini)
    assert _build(site) == 0
    monkeypatch.setattr(kept, "REWRITE", 0)  # any change is too many
    base = (site.root / FOLDER / kept.BASE).stat().st_ino
    _edit(site, "people/b.md", "乙的生平", "乙的一生")
    assert _build(site) == 0
    assert (site.root / FOLDER / kept.BASE).stat().st_ino != base
    results = _results(monkeypatch)
    _edit(site, "places/moscow.md", "莫斯科。", "莫斯科，苏联的首都。")
    assert _build(site) == 0
    assert results[-1].work.parsed == ["places/moscow"]  # read from the new base
    assert on_disk(site.root / "_site") == _fresh(site)


@pytest.mark.parametrize("damage", ["base truncated", "changes truncated", "base overwritten",
                                    "changes of another base"])
def test_a_damaged_memory_builds_from_nothing_and_says_so(mini: MiniSite, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str], damage: str) -> None:
    site = _site(mini)
    folder = site.root / FOLDER
    assert _build(site) == 0
    _edit(site, "people/b.md", "乙的生平", "乙的一生")
    assert _build(site) == 0  # an edit build: the changes name the base
    if damage == "changes of another base":
        first = (folder / kept.BASE).read_bytes()
        with monkeypatch.context() as patched:
            patched.setattr(kept, "REWRITE", 0)
            _edit(site, "people/b.md", "乙的一生", "乙的生平")
            assert _build(site) == 0  # a new base
        (folder / kept.BASE).write_bytes(first)  # the base before: the changes name another
    else:
        name = kept.BASE if damage.startswith("base") else kept.CHANGES
        data = (folder / name).read_bytes()
        (folder / name).write_bytes(data[:len(data) // 2] if damage.endswith("truncated") else b"\x80\x05garbage")
    capsys.readouterr()
    results = _results(monkeypatch)
    _edit(site, "places/moscow.md", "莫斯科。", "莫斯科，苏联的首都。")
    assert _build(site) == 0
    err = capsys.readouterr().err
    if damage == "changes of another base":
        assert "cannot be read" not in err  # a pair that does not agree is no memory, not damage
    else:
        assert "warning:" in err and "cannot be read" in err and "building without what the last build kept" in err
    assert sorted(results[-1].work.parsed) == ["index", "people/a", "people/b", "places/moscow"]
    assert on_disk(site.root / "_site") == _fresh(site)
    results.clear()
    _edit(site, "people/a.md", "甲认识", "甲早就认识")
    assert _build(site) == 0
    assert results[-1].work.parsed == ["people/a"]  # kept again


@pytest.mark.parametrize("jobs", ["1", "2"], ids=["looked at here", "looked at by another process"])
def test_a_file_of_the_output_changed_by_hand_after_an_edit_build_is_made_again(mini: MiniSite, jobs: str) -> None:
    """With more than one job, another process stats the output while the build loads its memory."""
    site = _site(mini)
    out = site.root / "_site"

    def edit_build() -> None:
        assert cli.main(["build", "--root", str(site.root), "--jobs", jobs]) == 0

    assert _build(site) == 0
    _edit(site, "people/b.md", "乙的生平", "乙的一生")
    edit_build()  # in place: the record taken from the update
    (out / "zh-hant/places/moscow/index.html").write_text("x", encoding="utf-8")
    (out / "zh-hans/people/a/index.html").unlink()
    _edit(site, "people/b.md", "乙的一生", "乙的生平")
    edit_build()
    assert on_disk(out) == _fresh(site)


def test_a_file_of_the_output_changed_while_a_build_runs_is_made_again_by_the_next(
        mini: MiniSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """The record keeps what the build found of the files it left alone, not what is there when it
    ends: a change made meanwhile (by hand, another program) is seen by the next build."""
    site = _site(mini)
    out = site.root / "_site"
    assert _build(site) == 0

    def meddled(*args: Any, **kwargs: Any) -> BuildResult:
        result = build(*args, **kwargs)
        (out / "zh-hant/places/moscow/index.html").write_text("x", encoding="utf-8")  # as the build ends
        return result

    with monkeypatch.context() as patched:
        patched.setattr(build_command, "build", meddled)
        _edit(site, "people/b.md", "乙的生平", "乙的一生")
        assert _build(site) == 0
    assert _build(site) == 0
    assert on_disk(out) == _fresh(site)


def _not_found(mini: MiniSite) -> dict[str, Any]:
    """The addresses and titles the 404 page offers (the file it names)."""
    out = mini.root / "_site"
    page = BeautifulSoup((out / "404.html").read_text(encoding="utf-8"), "html.parser")
    named = [value for tag in page.find_all(True) for name, value in tag.attrs.items()
             if isinstance(value, str) and value.startswith("addresses.") and value.endswith(".json")]
    assert len(set(named)) == 1
    listing: dict[str, Any] = json.loads((out / named[0]).read_text(encoding="utf-8"))
    return listing


EDITS: dict[str, tuple[Callable[[MiniSite], object], bool]] = {
    "a body": (lambda mini: _edit(mini, "people/b.md", "乙的生平", "乙的一生"), False),
    "a title": (lambda mini: _edit(mini, "people/b.md", "title: 乙", "title: 乙丙"), True),
    "a new page": (lambda mini: mini.write("places/beijing.md", "---\ntitle: 北京\n---\n北京。\n"), True),
    "a page removed": (lambda mini: (mini.root / "content/places/moscow.md").unlink(), True),
}


@pytest.mark.parametrize("edit", EDITS)
def test_the_404_page_is_made_again_only_when_what_it_lists_changes(mini: MiniSite, monkeypatch: pytest.MonkeyPatch,
                                                                   edit: str) -> None:
    """A body is not on the 404 page: an edit to one leaves it as it was, taken from the memory; a
    page's front matter (where its title is) or the pages themselves make it again."""
    site = _site(mini)
    assert _build(site) == 0
    results = _results(monkeypatch)
    change, remade = EDITS[edit]
    change(site)
    assert _build(site) == 0
    assert results[-1].work.whole == ([NOT_FOUND] if remade else [])
    assert on_disk(site.root / "_site") == _fresh(site)
    listing = _not_found(site)
    if edit == "a title":
        assert "乙丙" in listing["titles"]["zh-hans"] and "乙丙" in listing["titles"]["zh-hant"]
    assert ("places/beijing/" in listing["paths"]) == (edit == "a new page")
    assert ("places/moscow/" in listing["paths"]) == (edit != "a page removed")
    assert _build(site) == 0  # nothing changed since: up to date
    assert len(results) == 1


def test_the_404_page_is_kept_by_the_preview_too(mini: MiniSite) -> None:
    """The preview server's memory keeps it between builds in one process."""
    from docsite.incremental.buildcache import BuildCache
    site = _site(mini)
    memory = BuildCache(stored=True, memory=True)
    assert build(site.root, cache=memory).work.whole == [NOT_FOUND]
    _edit(site, "people/b.md", "乙的生平", "乙的一生")
    again = build(site.root, cache=memory)
    assert again.ok and again.work.whole == []
    _edit(site, "people/b.md", "title: 乙", "title: 乙丙")
    retitled = build(site.root, cache=memory)
    assert retitled.work.whole == [NOT_FOUND]
    assert dict(retitled.files) == _fresh(site)


def test_a_no_change_build_after_an_edit_build_is_up_to_date(mini: MiniSite,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    site = _site(mini)
    assert _build(site) == 0
    _edit(site, "people/b.md", "乙的生平", "乙的一生")
    assert _build(site) == 0
    written = signatures(site.root / "_site")
    capsys.readouterr()
    assert _build(site) == 0
    assert capsys.readouterr().out.startswith(f"{site.root / '_site'} is up to date: ")
    assert signatures(site.root / "_site") == written
    os.utime(site.root / "_site/zh-hans/index.html", ns=(0, 0))  # touched: it may hold anything
    assert _build(site) == 0
    assert capsys.readouterr().out.startswith("built ")


def _preview(site: MiniSite) -> Preview:
    preview = Preview(site.root, site.root / FOLDER / "serve", drafts=False, log=lambda message: None)
    preview.rebuild()
    assert preview.result is not None and preview.result.ok, preview.errors
    return preview


def test_the_preview_starts_from_what_the_command_line_kept(mini: MiniSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """Its first build parses, lints, makes and indexes only what changed since the last build from
    the command line: at 10,000 pages, seconds instead of a build from nothing."""
    site = _site(mini)
    assert _build(site) == 0
    _edit(site, "people/b.md", "乙的生平", "乙的一生")
    linted: list[str] = []
    lint_page = lint._lint_page
    monkeypatch.setattr(lint, "_lint_page", lambda page, *rest: linted.append(page.id) or lint_page(page, *rest))
    indexes: list[object] = []
    edited = search._edited
    monkeypatch.setattr(search, "_edited", lambda *args: indexes.append(edited(*args)) or indexes[-1])
    preview = _preview(site)
    assert preview.result is not None
    assert preview.result.work.parsed == linted == ["people/b"]
    assert len(indexes) == 2 and None not in indexes  # each variant's index edited, not merged again
    assert sorted(preview.result.work.made) == ["zh-hans:people/b", "zh-hant:people/b"]
    assert on_disk(site.root / FOLDER / "serve") == _fresh(site)
    _edit(site, "people/b.md", "title: 乙", "title: 乙丙")  # and goes on as a preview does
    preview.rebuild(preview.changes([str(site.root / "content/people/b.md")]))
    assert preview.result.ok and on_disk(site.root / FOLDER / "serve") == _fresh(site)


def test_the_preview_loads_again_a_page_saved_within_the_tick_of_the_last_build(
        mini: MiniSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a file system whose clock ticks once in 100 s, a page saved again just after the command
    line's build keeps its signature: the preview takes its content, not what that build kept."""
    tick = 100 * 10**9
    exact = signatures_module.signature

    def coarse(stat: os.stat_result) -> tuple[int, int, int, int]:
        mtime, ctime, size, ino = exact(stat)
        return mtime // tick * tick, ctime // tick * tick, size, ino

    monkeypatch.setattr(signatures_module, "signature", coarse)
    monkeypatch.setattr(load, "signature", coarse)
    monkeypatch.setattr(lastbuild, "RACY_NS", tick)
    site = _site(mini)
    assert _build(site) == 0
    page = site.root / "content/people/b.md"
    times = page.stat()
    page.write_text(page.read_text("utf-8").replace("乙的", "丙的"), "utf-8")  # the same size
    os.utime(page, ns=(times.st_atime_ns, times.st_mtime_ns))
    _preview(site)
    assert on_disk(site.root / FOLDER / "serve") == _fresh(site)


def test_an_edit_build_unpacks_only_the_records_its_parts_read(mini: MiniSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """.cache/ gives every page back to the build after an edit with its fields, headings and markup
    packed (see Page.__getstate__): that build unpacks those of the pages it looks at only, not
    every page's to look at its day, draft, title, archetype's placeholders or place on the map.
    Here: the edited page as it was (compared with the new, for resolving), the page linking to it
    (its backlinks show it) and the home (which shows the edited page's first lines), both made
    again, and the first place, which tells that the site has a map."""
    site = _site(mini)
    site.write("people/c.md", "---\ntitle: 丙\nsummary: 翻译\n---\n丙的生平。\n")
    site.write("places/harbin.md", "---\ntitle: 哈尔滨\ngeo: {lat: 45.75, lon: 126.63}\n---\n哈尔滨。\n")
    assert _build(site) == 0
    unpacked: list[str] = []
    unpack = page_module._Shelved.__get__

    def noted(shelved: page_module._Shelved, page: Page | None, owner: type | None = None) -> Any:
        if page is not None and "shelved" in page.__dict__:
            unpacked.append(page.id)
        return unpack(shelved, page, owner)

    monkeypatch.setattr(page_module._Shelved, "__get__", noted)
    _edit(site, "people/b.md", "乙的生平", "乙的一生")
    assert _build(site) == 0
    assert set(unpacked) == {"people/b", "people/a", "index", "places/harbin"}
    assert on_disk(site.root / "_site") == _fresh(site)


def test_the_tables_resolving_makes_are_kept_in_the_base_until_an_edit_changes_them(
        mini: MiniSite, monkeypatch: pytest.MonkeyPatch) -> None:
    """The tables resolving makes of the pages (backlinks, titles, citations, the chronology...) are
    kept in the memory's base with the pages: the changes an edit to a body writes name them (the
    build after takes them over), and one an edit to a title changes is written with the changes."""
    site = _site(mini)
    folder = site.root / FOLDER
    monkeypatch.setattr(kept, "REWRITE", 1)  # a site this small: one edit changes a good share of it

    def kept_now() -> tuple[kept.Memory, kept.Base]:
        record = lastbuild.recorded(site.root)
        assert record is not None
        found = kept.restore(folder, record["token"])
        assert found is not None
        return found

    assert _build(site) == 0
    _edit(site, "people/b.md", "乙的生平", "乙的一生")
    assert _build(site) == 0
    memory, base = kept_now()
    tables = kept.site_tables(memory.keys)
    assert {"backlinks", "titles", "cited", "chronology"} <= tables.keys()
    assert [name for name, table in tables.items() if table is not base.tables["site"][name]] == []
    _edit(site, "people/b.md", "title: 乙", "title: 乙丙")
    assert _build(site) == 0
    memory, base = kept_now()
    assert memory.keys is not None
    assert memory.keys.site.titles is not base.tables["site"]["titles"]
    assert memory.keys.site.titles["乙丙"] == ["people/b"] and "乙" not in memory.keys.site.titles
    assert on_disk(site.root / "_site") == _fresh(site)
