"""The search index after an edit: the preview, and the command line with what it keeps in .cache/,
make again only the pieces whose keys the edited page's old or new text names, and every other
piece keeps its file (its name is its content)."""

from __future__ import annotations

import json
import os
import re
import sqlite3
import zlib
from collections.abc import Callable
from functools import partial
from itertools import accumulate
from pathlib import Path

import pytest
from conftest import MiniSite

from docsite import pipeline
from docsite.commands import build
from docsite.commands.serve import Preview
from docsite.incremental import cache
from docsite.incremental.buildcache import BuildCache
from docsite.stages import search

TREES = ("zh-hans", "zh-hant")


def _listing(out: Path, tree: str) -> dict[str, object]:
    text = (out / tree / "search" / "pieces.js").read_text(encoding="utf-8")
    match = re.fullmatch(r"self\.searchPieces=(\{.*\});\n", text)
    assert match, text
    data: dict[str, object] = json.loads(match.group(1))
    return data


def _names(joined: object) -> list[str]:
    assert isinstance(joined, str)
    return [joined[i:i + 7] for i in range(0, len(joined), 7)]


def _script_data(path: Path) -> object:
    text = path.read_text(encoding="utf-8")
    return json.loads(text[text.index(",") + 1:text.rindex(")")])


def _pages_of(fields: list[list[int]]) -> set[int]:
    """The pages a key's fields list (names, summary, text: each page as the step from the one
    before, then its count, then as many values as the field keeps for it)."""
    pages = set()
    for kind, field in enumerate(fields):
        at, page = 0, -1
        while at < len(field):
            page += field[at]
            pages.add(page)
            count = field[at + 1]
            at += 2 + (3 * count if kind == 0 else count if kind == 1 else 0)
    return pages


def _page_number(out: Path, tree: str, address: str) -> int:
    """The number the index gives the page at ``address`` (its record's place)."""
    listing = _listing(out, tree)
    sizes = listing["n"]
    assert isinstance(sizes, list)
    starts = [0, *accumulate(sizes)]
    for group, start, size in zip(_names(listing["g"]), starts, sizes, strict=False):
        for n in range(size):
            record = _script_data(out / tree / "search" / "index" / f"d{group}-{n}.js")
            assert isinstance(record, list)
            if record[0].endswith(address):
                return start + n
    raise AssertionError(address)


def _pieces(out: Path, tree: str) -> list[str]:
    return _names(_listing(out, tree)["t"])


def _previewing(root: Path) -> Callable[[], None]:
    """Each call builds again in one preview server."""
    return Preview(root, root / "_site", drafts=False, log=lambda message: None).rebuild


def _command_line(root: Path, jobs: int = 1) -> Callable[[], None]:
    """Each call is ``build.py`` run again (``jobs`` processes), with what the last kept in .cache/."""
    def run() -> None:
        assert build.run(root, None, None, False, jobs, False) == 0
    return run


@pytest.mark.parametrize("builder", [_previewing, _command_line], ids=["preview", "command line"])
def test_a_body_edit_remakes_only_the_pieces_its_keys_are_in(mini: MiniSite, monkeypatch: pytest.MonkeyPatch,
                                                             builder: Callable[[Path], Callable[[], None]]) -> None:
    monkeypatch.setattr(search, "PIECE_BYTES", 256)  # many small pieces, as a large site has
    for i in range(40):
        mini.write(f"topics/t{i:02}.md", f"---\ntitle: 专题{i}\n---\n" + f"第{i}篇：中苏两国签订条约。" * 12 + "\n")
    out = mini.root / "_site"
    rebuild = builder(mini.root)
    rebuild()
    before = {tree: _pieces(out, tree) for tree in TREES}
    old = {tree: [_script_data(out / tree / "search" / "index" / f"t{name}.js") for name in before[tree]]
           for tree in TREES}
    patched: list[str] = []  # the names of the pieces made again, as they were
    patch = search._patched
    monkeypatch.setattr(search, "_patched", lambda piece, *lines: patched.append(piece[1]) or patch(piece, *lines))
    mini.write("topics/t12.md", "---\ntitle: 专题12\n---\n改写过的正文。\n")
    rebuild()
    named_anywhere: set[int] = set()
    for tree in TREES:
        after = _pieces(out, tree)
        assert len(after) == len(before[tree]) > 32
        number = _page_number(out, tree, "topics/t12/")
        new = [_script_data(out / tree / "search" / "index" / f"t{name}.js") for name in after]
        named = set()
        for index, (was, now) in enumerate(zip(old[tree], new, strict=True)):
            assert isinstance(was, dict) and isinstance(now, dict)
            if any(number in _pages_of(fields) for fields in [*was.values(), *now.values()]):
                named.add(index)
        changed = {index for index, (a, b) in enumerate(zip(before[tree], after, strict=True)) if a != b}
        assert changed and changed <= named, (changed, named)
        named_anywhere |= named
        assert len(named) < len(after) // 2  # the test means something: most pieces name no key of the page
        for index in set(range(len(after))) - changed:
            assert (out / tree / "search" / "index" / f"t{after[index]}.js").is_file()
    # made again: the pieces of the page's keys in each tree (two trees may share a piece's content)
    indices = {names.index(name) for names in before.values() for name in patched if name in names}
    assert patched and indices <= named_anywhere


def _search_files(files: dict[str, bytes]) -> dict[str, bytes]:
    """The search pages, their listings, the pieces of their index and the records."""
    return {path: data for path, data in files.items() if path.split("/")[1:2] == ["search"]}


def _folder(out: Path) -> dict[str, bytes]:
    return {path.relative_to(out).as_posix(): path.read_bytes() for path in out.rglob("*") if path.is_file()}


#: A body edit to the topic t12 of ``_topics``: a sentence more.
APPENDED = "---\ntitle: 专题12\n---\n" + "第12篇：中苏两国签订条约。" * 12 + "\n\n又一句：旅顺口。\n"


def _topics(mini: MiniSite, count: int) -> None:
    for i in range(count):
        mini.write(f"topics/t{i:02}.md", f"---\ntitle: 专题{i}\n---\n" + f"第{i}篇：中苏两国签订条约。" * 12 + "\n")


@pytest.mark.parametrize("builder", [_previewing, _command_line, partial(_command_line, jobs=2)],
                         ids=["preview", "command line", "command line, two processes"])
def test_an_edit_build_makes_the_index_a_build_from_nothing_makes(
        mini: MiniSite, monkeypatch: pytest.MonkeyPatch, builder: Callable[[Path], Callable[[], None]]) -> None:
    """After a body edit, a title edit, a page added and a page removed, each in turn, the search
    pages, listings, pieces and records are byte for byte those of a build from nothing (in one
    process; with two, the first build's index is merged by two others, then edited)."""
    monkeypatch.setattr(search, "PIECE_BYTES", 256)
    _topics(mini, 40)
    out = mini.root / "_site"
    rebuild = builder(mini.root)
    rebuild()
    edits = [("topics/t12.md", APPENDED),
             ("topics/t07.md", "---\ntitle: 专题七：长春铁路\n---\n" + "第7篇：中苏两国签订条约。" * 12 + "\n"),
             ("topics/t12.md", "---\ntitle: 专题12\n---\n改写过的正文，只有一句。\n"),
             ("topics/t05-new.md", "---\ntitle: 新专题\n---\n新的一页：大连港。\n"),
             ("topics/t30.md", None)]
    for path, text in edits:
        if text is None:
            (mini.root / "content" / path).unlink()
        else:
            mini.write(path, text)
        rebuild()
        fresh = _search_files(dict(pipeline.build(mini.root).files))
        assert len(fresh) > 100 and _search_files(_folder(out)) == fresh, path


def test_an_index_merged_by_processes_is_the_index_merged_alone(mini: MiniSite,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """An index made whole is sorted and cut by the build's processes, into the same pieces."""
    monkeypatch.setattr(search, "PIECE_BYTES", 256)
    _topics(mini, 40)
    alone, shared = pipeline.build(mini.root, jobs=1), pipeline.build(mini.root, jobs=2)
    assert alone.work.indexers == {os.getpid()} and len(shared.work.indexers - {os.getpid()}) >= 2
    assert len(_search_files(alone.files)) > 100 and _search_files(shared.files) == _search_files(alone.files)


class _Counted:
    """zlib as the search stage sees it, counting what it decompresses: a page's lines or record."""

    def __init__(self) -> None:
        self.decompressed = 0

    def __getattr__(self, name: str) -> object:
        return getattr(zlib, name)

    def decompress(self, data: bytes) -> bytes:
        self.decompressed += 1
        return zlib.decompress(data)


@pytest.mark.parametrize("builder", [_previewing, _command_line], ids=["preview", "command line"])
def test_a_body_edit_reads_the_edited_pages_not_every_page(
        mini: MiniSite, monkeypatch: pytest.MonkeyPatch, builder: Callable[[Path], Callable[[], None]]) -> None:
    """A body edit merges no page's lines but the edited page's into the index, and reads the
    entries of the edited page and of its group of records only, not every page's."""
    monkeypatch.setattr(search, "PIECE_BYTES", 256)
    _topics(mini, 120)
    rebuild = builder(mini.root)
    rebuild()
    counted, spilled = _Counted(), []
    monkeypatch.setattr(search, "zlib", counted)
    add = search._Spill.add
    monkeypatch.setattr(search._Spill, "add",
                        lambda spill, part, lines: spilled.append(part) or add(spill, part, lines))
    mini.write("topics/t12.md", APPENDED)
    rebuild()
    assert spilled == []  # no merge of every page's lines
    assert 0 < counted.decompressed < 120  # fewer than one variant's pages


def test_an_edit_build_whose_cache_fails_after_recalling_makes_the_entries_again(
        mini: MiniSite, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """The store gives up (a disk error) when the index asks it for the entries of the pages it
    recalled: the build makes those pages' entries again, says the cache failed, exits 0 with no
    traceback, and its index is a build from nothing's."""
    monkeypatch.setattr(search, "PIECE_BYTES", 256)
    _topics(mini, 12)
    out = mini.root / "_site"
    rebuild = _command_line(mini.root)
    rebuild()
    mini.write("topics/t07.md", "---\ntitle: 专题七：长春铁路\n---\n" + "第7篇：中苏两国签订条约。" * 12 + "\n")

    def failing(self: cache.Store, name: str, key: str) -> None:
        with self._giving_up():
            raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(cache.Store, "indexed", failing)
    capsys.readouterr()
    rebuild()
    said = capsys.readouterr()
    assert "Traceback" not in said.err and "cannot be used (disk I/O error)" in said.err, said.err
    fresh = _search_files(dict(pipeline.build(mini.root).files))
    assert len(fresh) > 30 and _search_files(_folder(out)) == fresh


def test_a_cold_build_with_a_store_holds_no_entry_it_can_ask_for(mini: MiniSite,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A build from nothing that keeps its parts in .cache/ does not hold each page's search entry
    until the index is made (a tenth of a 10,000-page build's memory): the index reads them back
    from the store, and is the index a build without a store makes."""
    for n in range(3):
        mini.write(f"people/p{n}.md", f"---\ntitle: 人物{n}\n---\n第{n}个人在莫斯科签订了条约。\n")
    held: list[object] = []
    indexed = pipeline._indexed

    def watched(stage: object, units: list[pipeline.Unit], names: dict[pipeline.Unit, str],
                entries: dict[pipeline.Unit, search.IndexedPage | None], recall: cache.Recall) -> search.Pages:
        held.extend(entries[unit] for unit in units)
        return indexed(stage, units, names, entries, recall)  # type: ignore[arg-type]

    monkeypatch.setattr(pipeline, "_indexed", watched)
    stored = pipeline.build(mini.root, cache=BuildCache(stored=True))
    assert stored.ok and held and not any(held)
    held.clear()
    plain = pipeline.build(mini.root)
    assert plain.ok and all(held)  # without a store, the build holds them
    assert {path: data for path, data in stored.files.items() if "search" in path} == \
        {path: data for path, data in plain.files.items() if "search" in path}
