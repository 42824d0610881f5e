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
otherwise cost every time). The other way round, a page saved again unchanged (or touched, or
checked out again) has a new signature and the same text: the record keeps a digest of each page's
text as the build read it (``texts``), and a page whose signature changed is found the same when
its text is, as git refreshes its index. The record then takes the new signatures.

The output is looked at before the build without listing a folder: the record keeps the signatures
of its folders too, which change whenever a file is added to one or taken away, so statting each
file and folder the record names tells that it holds what the build wrote (``held``, ``as_built``:
done by another process while the build loads its memory, when a file the site is made from
changed); only when something differs is it walked (``output``). A build that updates it in place
records those signatures for the files and folders it left alone and looks again only at those it
moved in and their folders (``updated``): a file changed by hand while the build ran is then seen
by the next build. A
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
VERSION = 7  # 3: with the build's warnings; 4: with the token of what the build kept; 5: the bulk apart;
# 6: the output's folders; 7: the pages' texts

#: Files by path (the output's relative to it), each with its ``load.signature``.
Signatures = dict[str, tuple[int, ...]]


class Tree(NamedTuple):
    """What an output folder holds: its files and its folders (see ``signatures.tree``), by path
    relative to it, with their signatures."""

    files: Signatures
    folders: Signatures


#: What a record and a build must agree on (see ``state``), besides the inputs (see ``_same_inputs``).
COMPARED = ("version", "program", "options", "history")
#: Files changed this close before the record's inputs were taken may change again unseen: a file
#: system stamps times by the clock's tick, which some make a whole second (as git's "racily
#: clean" files).
RACY_NS = 1_000_000_000
#: The record's entries kept in ``BULK``.
_BULKY = ("inputs", "output", "folders", "warnings", "texts")
#: A page's text by path (see ``texts``): a digest of what the page's ``written`` holds.
Texts = dict[str, bytes]


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


def held(record: dict[str, Any] | None, out: Path, as_found: Callable[[], bool]) -> Tree | None:
    """What ``out`` holds, when it holds exactly the files the recorded build wrote (their
    signatures), so that a build may update it in place (see write.Update); else None. Found by
    statting what the record names when nothing changed (no folder gained or lost an entry:
    ``as_found``, which gives ``as_built``, perhaps worked out by another process), else by a walk."""
    try:
        if record is None:
            return None
        kept = Tree(record["output"], record["folders"])
        if as_found():
            return kept
        now = output(out)
        return now if now.files == kept.files else None
    except (OSError, KeyError, TypeError):
        return None


def as_built(record: dict[str, Any] | None, out: Path) -> bool:
    """Whether every file and folder the record names has its signature, and ``out`` is one of them:
    at 10,000 pages some 80,000 stats, a fifth of an edit build's time, which another process can
    take while this one loads what the last build kept."""
    if record is None:
        return False
    kept = Tree(record["output"], record["folders"])
    base = str(out.resolve()) + os.sep
    try:
        return "" in kept.folders and all(signature(os.stat(base + path)) == mark
                                          for names in kept for path, mark in names.items())
    except OSError:
        return False


def up_to_date(root: Path, record: dict[str, Any] | None, now: dict[str, Any],
               held: Callable[[], Tree | None]) -> BuildResult | None:
    """The recorded build's result when building again (with ``now``, its ``state``) would give what
    the output holds (``held()``, asked last: exactly what that build wrote); else None. When
    pages were saved again unchanged, the record takes their new signatures."""
    try:
        if record is None or any(record[key] != now[key] for key in COMPARED):
            return None
        if any(_content(path) != digest for path, digest in record["racy"].items()):
            return None  # saved again within the tick of its last save
        resigned = _same_inputs(record, now["inputs"])
        output = None if resigned is None else held()
        if output is None:
            return None
        warnings = [Diagnostic(*item) for item in record["warnings"]]
        result = BuildResult(Diagnostics(root, warnings), pages_per_variant=record["pages"], notes=record["notes"])
        token, pages = record["token"], record["texts"]
    except (ValueError, KeyError, TypeError):  # not one this program wrote
        return None
    if resigned:
        save(root, output, now, result, token, pages)
    return result


def _same_inputs(record: dict[str, Any], inputs: dict[str, tuple[int, ...]]) -> bool | None:
    """Whether the files ``inputs`` (their signatures) are those of ``record``: False when every
    signature is the same, True when some are not but their pages' texts are, None otherwise."""
    kept: dict[str, tuple[int, ...]] = record["inputs"]
    if len(kept) != len(inputs):
        return None
    texts: Texts = record["texts"]
    differ = [path for path, mark in inputs.items() if kept.get(path) != mark]
    if any(path not in kept or path not in texts or texts[path] != _text(path) for path in differ):
        return None
    return bool(differ)


def texts(pages: dict[str, Any], content: Path) -> Texts:
    """The digest of each page's text by its file's path as ``inputs`` names it (``pages``: by path
    below the folder ``content``, a page with its file's signature, as load.LoadCache keeps them)."""
    folder = os.path.join(content, "")
    return {folder + path.replace("/", os.sep): page.digest for path, (_, page) in pages.items()}


def _text(path: str) -> bytes | None:
    """The digest ``texts`` would give for the page of the file at ``path``; None when it is no text."""
    from docsite.text.sourcetext import as_kept, digest  # only when a page's signature changed
    kept = as_kept(path)
    return None if kept is None else digest(kept)


def save(root: Path, written: Tree, before: dict[str, Any], result: BuildResult, token: str, pages: Texts) -> None:
    """Keep the record of a good build (``before``: its ``state``) that left ``written`` in its
    output folder (``output``, ``updated``) and read ``pages`` (see ``texts``); ``token`` names what
    it kept for the next build (see buildcache.BuildCache.save)."""
    record = {key: value for key, value in before.items() if key not in _BULKY}
    record |= {"pages": result.pages_per_variant, "notes": result.notes, "token": token}
    # As found: a build that finds the output up to date reports them, in order, as a build does.
    warnings = list(map(tuple, result.diagnostics.items))
    folder = root / FOLDER
    # Without a new record (a full disk), the old one does not match the new output, nor the bulk
    # written before it: the next build builds.
    with contextlib.suppress(OSError):
        _replace(folder / BULK, "wb", lambda file: file.write(marshal.dumps((token, before["inputs"], *written,
                                                                             warnings, pages))))
        _replace(folder / NAME, "w", lambda file: json.dump(record, file, ensure_ascii=False))


def _replace(path: Path, mode: str, write: Callable[[IO[Any]], object]) -> None:
    """``path`` replaced by what ``write`` writes, once it is whole."""
    with tempfile.NamedTemporaryFile(mode, encoding=None if "b" in mode else "utf-8", dir=path.parent,
                                     prefix=path.name, suffix=".tmp", delete=False) as file:
        write(file)
    os.replace(file.name, path)
