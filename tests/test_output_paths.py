"""Where the write stage puts files: never outside the output folder, whatever a relative path says
or a link inside the folder leads to, and at a cost per folder: an edit build hands it tens of
thousands of files in a few folders (the search index's pieces), most of them unchanged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from docsite.stages import write

HOSTILE = ["../outside.txt", "/etc/passwd", "a/../../outside.txt", "a//b.txt", "./a.txt", "a\\..\\b.txt", ""]


def _output(tmp_path: Path, files: dict[str, bytes]) -> Path:
    """An output folder beside a folder ``outside``, holding ``files``."""
    out = tmp_path / "out"
    for relative, data in files.items():
        (out / relative).parent.mkdir(parents=True, exist_ok=True)
        (out / relative).write_bytes(data)
    (tmp_path / "outside").mkdir()
    return out


def _outside(tmp_path: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in (tmp_path / "outside").iterdir() if path.is_file()}


@pytest.mark.parametrize("relative", HOSTILE)
def test_a_path_out_of_the_folder_is_refused(tmp_path: Path, relative: str) -> None:
    out = _output(tmp_path, {"index.html": b"old"})
    with write.Update(out, ["index.html"]) as update, pytest.raises(write.UnsafePath):
        update[relative] = b"new"
    with write.Staging(out) as staging, pytest.raises(write.UnsafePath):
        staging[relative] = b"new"
    assert not (tmp_path / "outside.txt").exists()


@pytest.mark.parametrize("link", ["folder", "file"])
def test_a_link_in_the_output_leading_out_is_not_followed(tmp_path: Path, link: str) -> None:
    """A folder or a file of the output replaced by a link to a folder outside: the build refuses
    to write through it, and the files outside stay as they were."""
    out = _output(tmp_path, {"index.html": b"old", "people/a/index.html": b"old"})
    outside = tmp_path / "outside"
    (outside / "index.html").write_bytes(b"secret")
    target = out / "people/a" if link == "folder" else out / "people/a/index.html"
    if link == "folder":
        (target / "index.html").unlink()
        target.rmdir()
        target.symlink_to(outside, target_is_directory=True)
    else:
        target.unlink()
        target.symlink_to(outside / "index.html")
    for data in (b"new", b"secret"):  # written, or found equal and left alone
        with write.Update(out, ["index.html", "people/a/index.html"]) as update, pytest.raises(write.UnsafePath):
            update["people/a/index.html"] = data
    assert _outside(tmp_path) == {"index.html": b"secret"}


def test_a_link_inside_the_output_is_written_through(tmp_path: Path) -> None:
    """A link leading to a folder of the output itself is no way out: the file is written where it leads."""
    out = _output(tmp_path, {"index.html": b"old", "people/a/index.html": b"old"})
    (out / "alias").symlink_to(out / "people", target_is_directory=True)
    with write.Update(out, ["index.html", "people/a/index.html"]) as update:
        update["index.html"] = b"old"
        update["people/a/index.html"] = write.UNCHANGED
        update["alias/a/index.html"] = b"new"
        update.commit()
    assert (out / "people/a/index.html").read_bytes() == b"new"


def test_an_update_resolves_each_folder_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Many files in a few folders, most unchanged and one changed: the links on the way are looked
    up per folder, not per file, and the update is still what it should be."""
    files = {f"search/index/{n}.js": f"piece {n}".encode() for n in range(300)}
    files |= {f"zh-hans/search/{n}.js": f"piece {n}".encode() for n in range(300)}
    out = _output(tmp_path, files)
    resolved: list[str] = []
    realpath = os.path.realpath

    def counted(path: str | os.PathLike[str], **kwargs: bool) -> str:
        resolved.append(os.fspath(path))
        return realpath(path, **kwargs)

    monkeypatch.setattr(os.path, "realpath", counted)
    with write.Update(out, files) as update:
        for relative, data in files.items():
            update[relative] = b"changed" if relative == "search/index/7.js" else data
        update.commit()
    assert len(resolved) <= 6, resolved
    monkeypatch.undo()
    files["search/index/7.js"] = b"changed"
    assert all((out / relative).read_bytes() == data for relative, data in files.items())
