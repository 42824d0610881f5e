"""The command line after an edit: it loads only the files that changed, writes only the output files
whose bytes changed (the others keep their inode and modification time), and gives what a build from
nothing gives; a failed edit build leaves the previous output whole and untouched; an update killed
while moving its files in is finished by the next build."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from conftest import MiniSite, soup

from docsite import cli
from docsite.commands import build as build_command
from docsite.incremental import lastbuild
from docsite.incremental.signatures import signatures
from docsite.model.result import BuildResult
from docsite.pipeline import build
from docsite.stages import write
from docsite.text import lint


@pytest.fixture(autouse=True)
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written just before a build count as settled (test_lastbuild.py has the rule for those that
    are not), so that each page is loaded again only when its signature changed."""
    monkeypatch.setattr(lastbuild, "RACY_NS", 0)


def _site(mini: MiniSite) -> MiniSite:
    mini.write("people/a.md", "---\ntitle: 甲\nsummary: 外交官\n---\n甲认识[[people/b]]。\n")
    mini.write("people/b.md", "---\ntitle: 乙\n---\n乙的生平。\n")
    mini.write("places/moscow.md", "---\ntitle: 莫斯科\n---\n莫斯科。\n")
    return mini


def _build(mini: MiniSite) -> int:
    return cli.main(["build", "--root", str(mini.root), "--jobs", "1"])


def _files(out: Path) -> dict[str, tuple[bytes, int, int]]:
    """Each file of ``out``: its bytes, inode and modification time."""
    found = {}
    for path in signatures(out):
        stat = os.stat(path)
        found[path[len(str(out)) + 1:]] = (Path(path).read_bytes(), stat.st_ino, stat.st_mtime_ns)
    return found


def _edit_body(mini: MiniSite) -> None:
    page = mini.root / "content/people/b.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("乙的生平。", "乙的生平，后来去了莫斯科。"), encoding="utf-8")


def test_an_edit_build_writes_only_the_files_that_changed(mini: MiniSite) -> None:
    site = _site(mini)
    out = site.root / "_site"
    assert _build(site) == 0
    before, folder = _files(out), out.stat().st_ino
    _edit_body(site)
    assert _build(site) == 0
    after = _files(out)
    fresh = build(site.root)
    assert {path: data for path, (data, _, _) in after.items()} == dict(fresh.files)
    changed = {path for path in after if path not in before or after[path][0] != before[path][0]}
    assert "zh-hans/people/b/index.html" in changed and "zh-hant/people/b/index.html" in changed
    assert "后来去了莫斯科" in after["zh-hans/people/b/index.html"][0].decode()
    kept = {path for path in after if path not in changed and after[path][1:] == before[path][1:]}
    assert kept == after.keys() - changed  # every file whose bytes are the same was left alone
    assert len(kept) > 3 * len(changed)
    assert out.stat().st_ino == folder  # updated in place, not replaced
    assert not [entry for entry in out.parent.iterdir() if entry.name.startswith("._site.")]


def test_an_edit_build_loads_and_makes_only_what_the_edit_changed(mini: MiniSite,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    site = _site(mini)
    assert _build(site) == 0
    results: list[BuildResult] = []

    def kept(*args: Any, **kwargs: Any) -> BuildResult:
        results.append(build(*args, **kwargs))
        return results[-1]

    monkeypatch.setattr(build_command, "build", kept)
    _edit_body(site)
    assert _build(site) == 0
    work = results[0].work
    assert work.parsed == ["people/b"]  # the other pages taken from what the build before kept in .cache/
    assert "zh-hans:people/b" in work.made and "zh-hant:people/b" in work.made
    assert "zh-hans:people/a" in work.recalled and "zh-hant:places/moscow" in work.recalled


def _built_again(root: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[int, BuildResult]:
    """The command line's build of the site in ``root`` after a first one, and what its pipeline did."""
    results: list[BuildResult] = []
    monkeypatch.setattr(build_command, "build", lambda *args, **kwargs: results.append(build(*args, **kwargs))
                        or results[-1])
    return cli.main(["build", "--root", str(root), "--jobs", "1"]), results[-1]


def test_a_site_moved_to_another_folder_makes_nothing_again(mini: MiniSite, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """What .cache/ keeps does not depend on where the site's folder is: renamed, or restored by a CI
    runner into a workspace of another name, a site is not built from nothing (73 s instead of 2 s
    at 10,000 pages), as long as the output folder moved with it."""
    site = _site(mini)
    site.write("people/c.md", "---\ntitle: 丙\n---\n丙见过[乙](b.md)，住在[莫斯科](../places/moscow.md)。\n")
    assert _build(site) == 0
    moved = tmp_path.with_name(tmp_path.name + "-moved")
    site.root.rename(moved)
    before = _files(moved / "_site")
    linted: list[str] = []
    lint_page = lint._lint_page
    monkeypatch.setattr(lint, "_lint_page", lambda page, *rest: linted.append(page.id) or lint_page(page, *rest))
    status, result = _built_again(moved, monkeypatch)
    assert status == 0
    work = result.work
    assert work.parsed == [] and work.made == [] and linted == []
    assert "zh-hans:people/c" in work.recalled and "zh-hant:places/moscow" in work.recalled
    assert _files(moved / "_site") == before  # the same files, bytes, inodes and times
    assert {path: data for path, (data, _, _) in before.items()} == dict(build(moved).files)
    body = soup(moved / "_site/zh-hans/people/c/index.html").select_one(".body")
    assert body is not None
    assert {a.get_text(): a["href"] for a in body.find_all("a")} == {"乙": "../b/", "莫斯科": "../../places/moscow/"}


def test_a_file_of_static_no_page_names_by_its_content_makes_no_page_again(mini: MiniSite,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A download added to static/, or a new icon (the templates name it by its name, not by its
    content, as they name the stylesheet): the build loads and makes no page, and publishes the files."""
    site = _site(mini)
    out = site.root / "_site"
    assert _build(site) == 0
    before = _files(out)
    (site.root / "static/treaty.pdf").write_bytes(b"%PDF-1.4\n")
    icon = site.root / "static/favicon.svg"
    icon.write_text(icon.read_text(encoding="utf-8").replace("<svg ", '<svg data-drawn="2" '), encoding="utf-8")
    status, result = _built_again(site.root, monkeypatch)
    assert status == 0 and result.work.parsed == [] and result.work.made == []
    after = _files(out)
    assert {path for path in after if after[path] != before.get(path)} == {"static/treaty.pdf", "static/favicon.svg"}
    assert {path: data for path, (data, _, _) in after.items()} == dict(build(site.root).files)
    stylesheet = site.root / "static/style.css"  # named by its content: every page names another
    stylesheet.write_text(stylesheet.read_text(encoding="utf-8") + "a{color:red}", encoding="utf-8")
    status, result = _built_again(site.root, monkeypatch)
    assert status == 0 and result.work.parsed == [] and result.work.recalled == []


def test_a_file_of_static_deleted_is_a_mistake_of_the_page_that_links_to_it(mini: MiniSite,
                                                                            monkeypatch: pytest.MonkeyPatch,
                                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """The last build loaded the page with the file there: this one reads it again, says its link
    leads to no file (as a build from nothing does) and leaves the site as it was."""
    site = _site(mini)
    site.write("people/b.md", "---\ntitle: 乙\n---\n乙的[照片](/static/b.png)。\n")
    (site.root / "static/b.png").write_bytes((site.root / "static/favicon.svg").read_bytes())
    assert _build(site) == 0
    before = _files(site.root / "_site")
    (site.root / "static/b.png").unlink()
    capsys.readouterr()
    status, result = _built_again(site.root, monkeypatch)
    assert status == 1 and result.work.parsed == ["people/b"]
    assert capsys.readouterr().err.splitlines()[:2] == [
        "content/people/b.md:4:8: error: no file static/b.png",
        "  hint: the path is relative to this file, or starts with /static/ for static/"]
    assert _files(site.root / "_site") == before


def test_a_removed_page_is_removed_from_the_output(mini: MiniSite) -> None:
    site = _site(mini)
    out = site.root / "_site"
    assert _build(site) == 0
    (site.root / "content/places/moscow.md").unlink()
    assert _build(site) == 0
    assert not (out / "zh-hans/places/moscow").exists() and not (out / "places/moscow").exists()
    assert {path: data for path, (data, _, _) in _files(out).items()} == dict(build(site.root).files)


def test_a_failed_edit_build_leaves_the_previous_output_whole(mini: MiniSite,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    site = _site(mini)
    out = site.root / "_site"
    assert _build(site) == 0
    before = _files(out)
    page = site.root / "content/people/b.md"
    page.write_text("---\ntitle: 乙\n---\n乙认识[[nobody-at-all]]。\n", encoding="utf-8")
    capsys.readouterr()
    assert _build(site) == 1
    assert "no page has the id or title 'nobody-at-all'" in capsys.readouterr().err
    assert _files(out) == before  # the same files, bytes, inodes and times
    assert not [entry for entry in out.parent.iterdir() if entry.name.startswith("._site.")]
    page.write_text("---\ntitle: 乙\n---\n乙的生平，后来去了莫斯科。\n", encoding="utf-8")  # mended
    assert _build(site) == 0
    assert {path: data for path, (data, _, _) in _files(out).items()} == dict(build(site.root).files)


def test_an_update_killed_while_moving_its_files_in_is_finished_by_the_next_build(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "_site"
    old = {"a/index.html": b"old a", "b/index.html": b"old b", "c/index.html": b"old c", write.MARKER: b"m"}
    new = {"a/index.html": b"new a", "b/index.html": b"new b", "d/index.html": b"new d", write.MARKER: b"m"}
    for path, data in old.items():
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(data)
    moves = 0
    replace = os.replace

    def killed(source: Path, target: Path) -> None:
        nonlocal moves
        if Path(target).parent.name != "files" and Path(target).name != write.MOVES:  # a move into the output
            moves += 1
            if moves == 2:
                raise KeyboardInterrupt  # as a process killed between two moves
        replace(source, target)

    update = write.Update(out, old)
    update.update(new)
    assert update.changed == {"a/index.html", "b/index.html", "d/index.html"}
    with monkeypatch.context() as patched:
        patched.setattr(write.os, "replace", killed)
        with pytest.raises(KeyboardInterrupt):
            update.commit()
    write._release(update._lock)  # the process's lock goes with it
    assert (out / "a/index.html").read_bytes() == b"new a" and (out / "b/index.html").read_bytes() == b"old b"
    write.tidy(out)
    assert {path[len(str(out)) + 1:]: Path(path).read_bytes() for path in signatures(out)} == new
    assert not (out / "c").exists()
    assert not [entry for entry in tmp_path.iterdir() if entry.name.startswith("._site.")]
