"""Signatures of files: what tells a build, without reading them, which files changed since the last
(as git's index does). The command line compares them with its record of the last build before it
loads anything else, so this module needs nothing of the build's own."""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

#: What a build is made from, below the site's folder.
INPUTS = ("content", "templates", "static", "site.yaml")


def inputs(root: Path) -> dict[str, tuple[int, ...]]:
    """The ``signature`` of every file a build is made from, by path, hidden ones too
    (static/.well-known/ is published)."""
    state = {}
    for name in INPUTS:
        state.update(signatures(root / name))
    return state


def signatures(path: Path, relative: bool = False) -> dict[str, tuple[int, ...]]:
    """The ``signature`` of a file, or of every file below a folder (hidden ones too, links as
    ``files_under`` lists them), by path; below a folder by the path relative to it (with "/") if
    ``relative``. One walk, in no order: an output folder holds tens of thousands of files."""
    if path.is_file():
        return {str(path): signature(path.stat())}
    return tree(path, relative)[0]


def tree(path: Path, relative: bool = True) -> tuple[dict[str, tuple[int, ...]], dict[str, tuple[int, ...]]]:
    """The ``signatures`` of the files below the folder ``path``, and those of the folders below it
    and of itself (by path ending in a separator; itself as "" if ``relative``): a folder's times
    move whenever an entry is added to it, removed or renamed, so that statting the folders tells,
    without listing them, that no file came or went (as git's untracked cache does)."""
    found: dict[str, tuple[int, ...]] = {}
    folders: dict[str, tuple[int, ...]] = {}
    if not path.is_dir():
        return found, folders
    sep = "/" if relative else os.sep
    top = "" if relative else str(path) + os.sep
    folders[top] = signature(path.stat())
    walk = [(str(path), top)]
    while walk:
        folder, prefix = walk.pop()
        with os.scandir(folder) as listing:
            for entry in listing:
                if entry.is_dir(follow_symlinks=False):
                    below = prefix + entry.name + sep
                    folders[below] = signature(entry.stat(follow_symlinks=False))
                    walk.append((entry.path, below))
                elif (mark := _marked(entry)) is not None:
                    found[prefix + entry.name] = mark
    return found, folders


def relooked(root: Path, state: dict[str, tuple[int, ...]], paths: Iterable[str]) -> dict[str, tuple[int, ...]]:
    """``state`` (``inputs`` taken before) with ``paths`` looked at again: files or folders, new,
    changed or gone, as the file system reports them. Equal to ``inputs(root)`` when ``paths``
    holds every path changed since."""
    watched = [str(root / name) for name in INPUTS]
    state = dict(state)
    for path in paths:
        if not any(path == top or path.startswith(top + os.sep) for top in watched):
            continue  # the output, the cache, an editor's files beside the site
        if path not in state:  # a folder, or a file new or gone: what was below it goes
            below = path + os.sep
            for gone in [key for key in state if key.startswith(below)]:
                del state[gone]
        state.pop(path, None)
        looked = Path(path)
        if path in watched or (looked.is_dir() and not looked.is_symlink()):
            state.update(signatures(looked))  # as ``inputs`` takes it
        elif (mark := _marked(looked)) is not None:  # a file, or a link (``files_under`` lists links)
            state[path] = mark
    return state


def _marked(entry: os.DirEntry[str] | Path) -> tuple[int, int, int, int] | None:
    """The signature of what ``entry`` names; of the link itself when it leads nowhere (the build
    reports it); None when the file is gone meanwhile."""
    for follow in (True, False):
        try:
            return signature(entry.stat(follow_symlinks=follow))
        except OSError:
            continue
    return None


def signature(stat: os.stat_result) -> tuple[int, int, int, int]:
    """What changes whenever a file's content does (as git's index keeps): its modification and
    change times, size and inode. A file whose signature holds is not read again."""
    return stat.st_mtime_ns, stat.st_ctime_ns, stat.st_size, stat.st_ino
