"""The record of the last good build, kept in .cache/: what it was made from, what it wrote, and
what it said of its output (its notes and warnings, said again when nothing changed).

Builds are reproducible: the same inputs, options and program give the same bytes. So when every
file a build is made from (``load.inputs``) has the signature it had, the options, this program and
the days of the content's last commits (which pages cite, see ``history``: a commit changes no
file) are the same, and the output folder still holds exactly the files that build wrote (their
signatures too), building again would write what is there: the command line says so and writes
nothing, as make does. Anything else, or a record that cannot be read, builds. Deleting .cache/
deletes the record.

A file saved within a tick of the file system's clock before the build looked at it may be saved
again within that tick and keep its signature: as git does with its "racily clean" entries, the
record keeps the content digest of such files, and the next build compares their content instead
of trusting the signature (or of building everything, which a save and a build a second apart would
otherwise cost every time).

The output is looked at before the build without listing a folder: the record keeps the signatures
of its folders too, which change whenever a file is added to one or taken away, so statting each
file and folder the record names tells that it holds what the build wrote (``held``); only when
something differs is it walked (``output``). A build that updates it in place records those
signatures for the files and folders it left alone and looks again only at those it moved in and
their folders (``updated``): a file changed by hand while the build ran is then seen by the next
build. A
change another program makes to a file the build moved in, within the clock tick of that move,
would keep its signature (a tick is a few milliseconds on ext4, APFS or NTFS): that takes a
program racing the build.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import os
import stat
import tempfile
import time
from collections.abc import Callable, Collection
from pathlib import Path
from typing import IO, Any, NamedTuple

from docsite.diagnostics import Diagnostic, Diagnostics
from docsite.incremental import FOLDER, program
from docsite.incremental.signatures import inputs, signature, tree
from docsite.model.result import BuildResult
from docsite.stages import history

#: The record: a small JSON file, and beside it (``BULK``) what is as long as the site, in marshal's
#: form (a tenth of the time of JSON's to read and write): the signatures of the inputs and of the
#: output, and the warnings. Each names the build's token: a pair that disagrees is no record.
NAME, BULK = "last-build.json", "last-build.marshal"
VERSION = 6  # 3: with the build's warnings; 4: with the token of what the build kept; 5: the bulk apart;
# 6: the output's folders

#: Files by path (the output's relative to it), each with its ``load.signature``.
Signatures = dict[str, tuple[int, ...]]


class Tree(NamedTuple):
    """What an output folder holds: its files and its folders (see ``signatures.tree``), by path
    relative to it, with their signatures."""

    files: Signatures
    folders: Signatures


#: What a record and a build must agree on (see ``state``).
COMPARED = ("version", "program", "options", "inputs", "history")
#: Files changed this close before the record's inputs were taken may change again unseen: a file
#: system stamps times by the clock's tick, which some make a whole second (as git's "racily
#: clean" files).
RACY_NS = 1_000_000_000
#: The record's entries kept in ``BULK``.
_BULKY = ("inputs", "output", "folders", "warnings")


def state(root: Path, options: dict[str, Any]) -> dict[str, Any]:
    """What a build depends on: taken before building, so that a file saved while the build reads
    the others is seen as changed by the next one. (The output folder is known by its files'
    signatures, which no other folder has.)"""
    taken, files = time.time_ns(), inputs(root)
    return {"taken": taken, "version": VERSION, "program": program.digest().hex(), "options": options,
            "inputs": files,
            "racy": {path: _content(path) for path, (_, ctime, *_) in files.items() if ctime >= taken - RACY_NS},
            "history": _digest(history.last_changes(root / "content"))}


def _content(path: str) -> str:
    """A file's content digest ("" when it is not a regular file or cannot be read: no digest
    matches it; a FIFO would block the reading)."""
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest() if stat.S_ISREG(os.stat(path).st_mode) else ""
    except OSError:
        return ""


def _digest(days: dict[str, str]) -> str:
    """The days of the last commits, as short as the record needs them."""
    return hashlib.sha256(repr(sorted(days.items())).encode()).hexdigest()


def output(out: Path) -> Tree:
    """The files and folders of the output folder ``out``: one walk."""
    return Tree(*tree(out.resolve()))


def updated(out: Path, held: Tree, moved: Collection[str], removed: Collection[str]) -> Tree:
    """What ``out`` holds after a ``write.Update`` from ``held`` (``held`` taken before the build)
    moved the files ``moved`` in and removed ``removed``: only those and their folders are looked
    at again, so that a file changed by hand while the build ran is still told from what the build
    left."""
    gone = set(removed)
    files = {path: mark for path, mark in held.files.items() if path not in gone} if gone else dict(held.files)
    folders = dict(held.folders)
    base = str(out.resolve()) + os.sep
    for path in moved:
        with contextlib.suppress(OSError):  # gone already: the next build sees it missing
            files[path] = signature(os.stat(base + path))
    for folder in {path[:end + 1] for path in (*moved, *removed) for end in _slashes(path)}:
        try:
            folders[folder] = signature(os.stat(base + folder))
        except OSError:  # emptied, and removed with the last of its files
            folders.pop(folder, None)
    return Tree(files, folders)


def _slashes(path: str) -> list[int]:
    """Where each folder of a relative path ends (-1: the output folder itself, named "")."""
    return [-1, *(at for at, char in enumerate(path) if char == "/")]


def recorded(root: Path) -> dict[str, Any] | None:
    """The record of the last good build; None when there is none, or not one this program wrote."""
    folder = root / FOLDER
    try:
        record = json.loads((folder / NAME).read_text("utf-8"))
        if not isinstance(record, dict) or record.get("version") != VERSION:
            return None
        token, *bulk = marshal.loads((folder / BULK).read_bytes())
        return {**record, **dict(zip(_BULKY, bulk, strict=True))} if token == record["token"] else None
    except (OSError, ValueError, EOFError, TypeError, KeyError):
        return None


def held(record: dict[str, Any] | None, out: Path) -> Tree | None:
    """What ``out`` holds, when it holds exactly the files the recorded build wrote (their
    signatures), so that a build may update it in place (see write.Update); else None. Found by
    statting what the record names when nothing changed (no folder gained or lost an entry), else
    by a walk."""
    try:
        if record is None:
            return None
        kept = Tree(record["output"], record["folders"])
        if _unchanged(out.resolve(), kept):
            return kept
        now = output(out)
        return now if now.files == kept.files else None
    except (OSError, KeyError, TypeError):
        return None


def _unchanged(out: Path, kept: Tree) -> bool:
    """Whether every file and folder of ``kept`` has its signature, and ``out`` is one of them."""
    base = str(out) + os.sep
    try:
        return "" in kept.folders and all(signature(os.stat(base + path)) == mark
                                          for names in kept for path, mark in names.items())
    except OSError:
        return False


def up_to_date(root: Path, record: dict[str, Any] | None, now: dict[str, Any], held: bool) -> BuildResult | None:
    """The recorded build's result when building again (with ``now``, its ``state``) would give what
    the output holds (``held``: exactly what that build wrote); else None."""
    try:
        if record is None or not held or any(record[key] != now[key] for key in COMPARED):
            return None
        if any(_content(path) != digest for path, digest in record["racy"].items()):
            return None  # saved again within the tick of its last save
        warnings = [Diagnostic(*item) for item in record["warnings"]]
        return BuildResult(Diagnostics(root, warnings), pages_per_variant=record["pages"], notes=record["notes"])
    except (ValueError, KeyError, TypeError):  # not one this program wrote
        return None


def save(root: Path, written: Tree, before: dict[str, Any], result: BuildResult, token: str) -> None:
    """Keep the record of a good build (``before``: its ``state``) that left ``written`` in its
    output folder (``output``, ``updated``); ``token`` names what it kept for the next build (see
    buildcache.BuildCache.save)."""
    record = {key: value for key, value in before.items() if key not in _BULKY}
    record |= {"pages": result.pages_per_variant, "notes": result.notes, "token": token}
    # As found: a build that finds the output up to date reports them, in order, as a build does.
    warnings = [(d.path, d.line, d.col, d.severity, d.message, d.hint) for d in result.diagnostics.items]
    folder = root / FOLDER
    # Without a new record (a full disk), the old one does not match the new output, nor the bulk
    # written before it: the next build builds.
    with contextlib.suppress(OSError):
        _replace(folder / BULK, "wb", lambda file: file.write(marshal.dumps((token, before["inputs"], *written,
                                                                             warnings))))
        _replace(folder / NAME, "w", lambda file: json.dump(record, file, ensure_ascii=False))


def _replace(path: Path, mode: str, write: Callable[[IO[Any]], object]) -> None:
    """``path`` replaced by what ``write`` writes, once it is whole."""
    with tempfile.NamedTemporaryFile(mode, encoding=None if "b" in mode else "utf-8", dir=path.parent,
                                     prefix=path.name, suffix=".tmp", delete=False) as file:
        write(file)
    os.replace(file.name, path)
