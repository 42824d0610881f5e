"""A command-line build with nothing changed since the last one says that the output is up to date
and writes nothing; a change to what the site is made from, to the options, to the program or to
the output folder builds again, and gives what a build from nothing gives."""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import MiniSite, on_disk

from docsite import cli
from docsite.incremental import lastbuild, program
from docsite.incremental.signatures import signatures
from docsite.pipeline import build


def _site(mini: MiniSite) -> MiniSite:
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲认识[[people/b]]。\n")
    mini.write("people/b.md", "---\ntitle: 乙\n---\n乙。\n")
    return mini


def _build(mini: MiniSite, capsys: pytest.CaptureFixture[str], *args: str) -> str:
    """Build from the command line (in this process); what it printed."""
    assert cli.main(["build", "--root", str(mini.root), "--jobs", "1", *args]) == 0
    return capsys.readouterr().out



@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written just before a build count as settled (test_a_file_saved_again_within_... has
    the rule), so that a change made within a second of a build is seen by its signature."""
    monkeypatch.setattr(lastbuild, "RACY_NS", 0)


@pytest.mark.usefixtures("settled")
def test_nothing_changed_nothing_written(mini: MiniSite, capsys: pytest.CaptureFixture[str]) -> None:
    site = _site(mini)
    out = site.root / "_site"
    first = _build(site, capsys)
    assert first.startswith(f"built {out}: ")
    written = signatures(out), out.stat().st_ino
    again = _build(site, capsys)
    assert again.startswith(f"{out} is up to date: ")
    assert again.split(": ", 1)[1].split(";")[0] == first.split(": ", 1)[1].split(";")[0]  # the pages per variant
    assert (signatures(out), out.stat().st_ino) == written  # not a file touched, not the folder replaced


@pytest.mark.usefixtures("settled")
@pytest.mark.parametrize("save", ["touched", "with CRLF line ends"])
def test_a_page_saved_again_unchanged_is_up_to_date(mini: MiniSite, capsys: pytest.CaptureFixture[str],
                                                    save: str) -> None:
    """An editor's save with nothing changed, a checkout that writes a file again: a new signature,
    the same text (line ends are read as one), and nothing to build. The record takes the new
    signature; a change after it still builds."""
    site = _site(mini)
    out = site.root / "_site"
    _build(site, capsys)
    written = signatures(out), out.stat().st_ino
    page = site.root / "content/people/b.md"
    if save == "touched":
        os.utime(page, ns=(page.stat().st_atime_ns, page.stat().st_mtime_ns + 10**9))
    else:
        page.write_bytes(page.read_bytes().replace(b"\n", b"\r\n"))
    assert _build(site, capsys).startswith(f"{out} is up to date: ")
    assert (signatures(out), out.stat().st_ino) == written
    record = lastbuild.recorded(site.root)
    assert record is not None and record["inputs"][str(page)] == signatures(page)[str(page)]
    assert _build(site, capsys).startswith(f"{out} is up to date: ")
    _edit("content/people/b.md", "乙。", "丙。")(site)
    assert _build(site, capsys).startswith(f"built {out}: ")
    assert on_disk(out) == dict(build(site.root).files)


def _edit(path: str, old: str, new: str) -> Callable[[MiniSite], None]:
    def edit(mini: MiniSite) -> None:
        file = mini.root / path
        file.write_text(file.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return edit


def _add(path: Path) -> None:
    path.parent.mkdir()
    path.write_text("x")


def _in_folder(path: Path) -> None:
    path.unlink()
    _add(path / "index.html")


CHANGES: dict[str, Callable[[MiniSite], object]] = {
    "a page's text, at the same size": _edit("content/people/b.md", "乙。", "丙。"),
    "a new page": lambda mini: mini.write("people/c.md", "---\ntitle: 丙\n---\n丙。\n"),
    "a page removed": lambda mini: (mini.root / "content/people/a.md").unlink(),
    "a template": _edit("templates/base.html", "</body>", "<p>页脚</p></body>"),
    "a static file": _edit("static/style.css", "body {", "body { color: black;"),
    "site.yaml": _edit("site.yaml", "tagline: ", "tagline: 新的副标题："),
    "a page of the output edited": lambda mini: (mini.root / "_site/zh-hant/people/b/index.html").write_text("x"),
    "a page of the output removed": lambda mini: (mini.root / "_site/zh-hans/index.html").unlink(),
    "a file added to the output": lambda mini: (mini.root / "_site/zh-hans/extra.txt").write_text("x"),
    "a file added in a new folder of the output": lambda mini: _add(mini.root / "_site/zh-hant/people/c/extra.txt"),
    "a page of the output replaced by a folder": lambda mini: _in_folder(mini.root / "_site/zh-hans/index.html"),
    "the program": lambda mini: setattr(program, "digest", lambda: b"another version"),
}
OPTIONS = {"another base URL": ["--base-url", "https://example.org/treaty/"], "drafts": ["--drafts"]}


@pytest.mark.usefixtures("settled")
@pytest.mark.parametrize("change", [*CHANGES, *OPTIONS])
def test_any_change_builds_again(mini: MiniSite, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch, change: str) -> None:
    site = _site(mini)
    out = site.root / "_site"
    _build(site, capsys)
    monkeypatch.setattr(program, "digest", program.digest)  # undone after the test, if the change replaces it
    CHANGES.get(change, lambda mini: None)(site)
    args = OPTIONS.get(change, [])
    assert _build(site, capsys, *args).startswith(f"built {out}: ")
    fresh = build(site.root, base_url=args[1] if "--base-url" in args else None, drafts="--drafts" in args)
    assert on_disk(out) == dict(fresh.files)


@pytest.mark.usefixtures("settled")
def test_another_output_folder_builds_there(mini: MiniSite, capsys: pytest.CaptureFixture[str]) -> None:
    site = _site(mini)
    _build(site, capsys)
    other = site.root / "other"
    assert _build(site, capsys, "--out", str(other)).startswith(f"built {other}: ")
    assert on_disk(other) == on_disk(site.root / "_site")


def test_a_build_right_after_a_save_is_up_to_date_when_nothing_changed_since(
        mini: MiniSite, capsys: pytest.CaptureFixture[str]) -> None:
    """The files were written less than a second before the first build (within a tick of the file
    system's clock): their content is looked at again, not the whole site built again."""
    site = _site(mini)
    _build(site, capsys)
    assert _build(site, capsys).startswith(f"{site.root / '_site'} is up to date: ")


def test_a_file_saved_again_within_the_same_tick_builds(mini: MiniSite, capsys: pytest.CaptureFixture[str],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """On a file system whose clock ticks once in 100 s, a save just after the build keeps the file's
    signature (same size, same times): its content tells."""
    tick = 100 * 10**9

    def coarse(root: Path) -> dict[str, tuple[int, ...]]:
        return {path: (mtime // tick * tick, ctime // tick * tick, size, ino)
                for path, (mtime, ctime, size, ino) in lastbuild_inputs(root).items()}

    lastbuild_inputs = lastbuild.inputs
    monkeypatch.setattr(lastbuild, "inputs", coarse)
    monkeypatch.setattr(lastbuild, "RACY_NS", tick)
    site = _site(mini)
    _build(site, capsys)
    page = site.root / "content/people/b.md"
    times = page.stat()
    page.write_text(page.read_text("utf-8").replace("乙。", "丙。"), "utf-8")  # the same size
    os.utime(page, ns=(times.st_atime_ns, times.st_mtime_ns))
    assert _build(site, capsys).startswith("built ")
    assert "丙" in (site.root / "_site/zh-hans/people/b/index.html").read_text("utf-8")
    assert _build(site, capsys).startswith(f"{site.root / '_site'} is up to date: ")


@pytest.mark.usefixtures("settled")
@pytest.mark.parametrize("record", [b"{not json", b"\xff\xfe", json.dumps({"version": 0}).encode(), b"[]"])
def test_a_damaged_record_builds(mini: MiniSite, capsys: pytest.CaptureFixture[str], record: bytes) -> None:
    site = _site(mini)
    _build(site, capsys)
    (site.root / ".cache" / lastbuild.NAME).write_bytes(record)
    assert _build(site, capsys).startswith("built ")
    assert _build(site, capsys).startswith(f"{site.root / '_site'} is up to date: ")  # a good record again


@pytest.mark.usefixtures("settled")
def test_a_record_that_cannot_be_kept_costs_only_time(mini: MiniSite, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    site = _site(mini)
    _build(site, capsys)
    CHANGES["a page's text, at the same size"](site)

    def disk_full(*args: object, **kwargs: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    with monkeypatch.context() as patched:
        patched.setattr(lastbuild, "json", SimpleNamespace(loads=json.loads, dump=disk_full))
        assert _build(site, capsys).startswith("built ")  # the site is written all the same
    assert _build(site, capsys).startswith("built ")  # the last record is not this output's
    assert _build(site, capsys).startswith(f"{site.root / '_site'} is up to date: ")


@pytest.mark.usefixtures("settled")
def test_an_output_found_as_built_is_not_listed(mini: MiniSite, capsys: pytest.CaptureFixture[str],
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """A build that finds the site up to date stats the files and folders the record names and
    lists no folder of the output (the record's folders tell that no file came or went), after a
    build from nothing as after one that updated the output in place."""
    site = _site(mini)
    out = site.root / "_site"
    _build(site, capsys)
    CHANGES["a new page"](site)
    assert _build(site, capsys).startswith(f"built {out}: ")  # in place: new folders, a changed listing
    listed: list[str] = []
    scandir = os.scandir

    def listing(path: str) -> object:
        listed.append(str(path))
        return scandir(path)

    monkeypatch.setattr(os, "scandir", listing)
    assert _build(site, capsys).startswith(f"{out} is up to date: ")
    assert not [path for path in listed if Path(path).is_relative_to(out)]
    (out / "zh-hant/people/c/extra.txt").write_text("x")
    assert _build(site, capsys).startswith(f"built {out}: ")  # a file in a folder the in-place build made
    assert not (out / "zh-hant/people/c/extra.txt").exists()
