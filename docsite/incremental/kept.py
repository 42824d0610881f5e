"""What the command line keeps in .cache/ between builds (``Memory``, see buildcache.BuildCache):
a base, written whole now and then, and the changes since it, written by every build.

Pickled whole, the memory of a 10,000-page site is some 190 MB: 2 s to write after every edit,
whatever the edit. So its large tables (the pages loaded, by path; each part's key and reads;
each page's lint warnings; the search index's pieces and what they were made of, some 40 MB at
10,000 pages; the text read in pinyin; the tables resolving made of the pages, see
``site_tables``) are kept as one build left them in ``BASE``, and
``CHANGES`` holds what the builds after it changed of them (the entries replaced or gone) with the
rest of the memory, which is small: the last site (naming the base's pages and, where they are the
base's, the tables resolving made of them, not copying them: a build after an edit to a body
takes them over, see resolve.py), the stamp, the data files, the 404 page.
A build writes the changes only, unless they have grown to more than an eighth of the base: then
a new base too. Each file names the base it belongs
to; a pair that does not agree, or is another program's or build's, is no memory. One that cannot
be read is no memory either, and the build says so: it then makes what it would have taken
from it (and the store in output.sqlite still holds each part's output by its key).
"""

from __future__ import annotations

import contextlib
import gc
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, NamedTuple

from docsite.incremental import cache, program
from docsite.model.page import Page
from docsite.text.lint import LintMemo
from docsite.text.pinyin import Readings

#: The files in .cache/: the base, and the changes since it.
BASE, CHANGES = "memory.pickle", "memory-changes.pickle"
#: The base is written again when the changes since it hold more than this share of its entries.
REWRITE = 1 / 8
#: The tables of a site that resolving makes (see ``site_tables``; with the data files' sources and tags).
RESOLVED = ("sources", "tags", "lists", "by_type", "backlinks", "children", "cited", "titles", "chronology", "tagged")
#: The tables of ``Memory`` kept in the base.
TABLES = ("pages", "parts", "lint", "search", "pinyin", "site")


@dataclass
class Memory:
    """What a build keeps for the next one: see buildcache.BuildCache, whose fields these are."""

    stamp: bytes = b""
    keys: cache.Keys | None = None
    parts: dict[str, cache.Kept] = field(default_factory=dict)
    lint: LintMemo = field(default_factory=dict)
    pages: dict[str, tuple[tuple[int, ...], Page]] = field(default_factory=dict)
    data: dict[Path, tuple[bytes, Any]] = field(default_factory=dict)
    not_found: Any = None  # buildcache.NotFound
    search: dict[Any, Any] = field(default_factory=dict)  # what search.Memo.kept keeps
    pinyin: Readings = field(default_factory=dict)  # text read in pinyin (text/pinyin.py)
    site: dict[str, Any] = field(default_factory=dict)  # the tables of the last site (``site_tables``)


def site_tables(keys: cache.Keys | None) -> dict[str, Any]:
    """The tables of the site ``keys`` follow that resolving made of its pages (backlinks, titles,
    citations, the chronology...), by name: kept in the base, and named by the changes while the
    site is the base's, as its pages are."""
    return {name: getattr(keys.site, name) for name in RESOLVED} if keys is not None else {}


class Base(NamedTuple):
    """The base as read or written: its name, and its tables as dictionaries of the very objects
    the memory holds, so that what a later build did not change is known by its identity."""

    name: str
    tables: dict[str, dict[Any, Any]]


def _same(table: str, before: Any, now: Any) -> bool:
    """Whether an entry of ``table`` is still the base's: the same page (and signature), the same
    part's record, the same page linted with the same warnings and names at risk, the same part of
    the search index, the same text read the same in pinyin."""
    if table in ("parts", "site"):
        return before is now
    if table in ("search", "pinyin"):
        return bool(before == now)
    if table == "pages":
        return bool(before[1] is now[1] and before[0] == now[0])
    return bool(before[0] is now[0] and before[2] is now[2] and before[3] is now[3])


def save(folder: Path, memory: Memory, token: str, base: Base | None) -> None:
    """Keep ``memory`` in ``folder`` for the build ``token`` (see lastbuild.py): the changes since
    ``base`` (the one read from ``folder``, None if none), or a new base when they are too many."""
    tables = {name: getattr(memory, name) for name in TABLES}
    changes = {name: _changes(name, table, base.tables[name]) for name, table in tables.items()} if base else {}
    if base is None or sum(len(changed) + len(gone) for changed, gone in changes.values()) \
            > REWRITE * sum(map(len, base.tables.values())):
        base = Base(os.urandom(16).hex(), tables)
        changes = {name: ({}, []) for name in TABLES}
        _replace(folder / BASE, lambda file: pickle.dump((program.digest(), base.name, tables), file, protocol=5))
    rest = {"stamp": memory.stamp, "keys": memory.keys, "data": memory.data, "not_found": memory.not_found}
    # The base's objects named by the changes: its pages, by path, and its site's tables, by name.
    known: dict[int, str | tuple[str, str]] = {id(page): path for path, (_, page) in base.tables["pages"].items()}
    known.update((id(value), ("site", name)) for name, value in base.tables["site"].items() if value is not None)

    def write(file: IO[bytes]) -> None:
        pickle.dump((program.digest(), token, base.name), file, protocol=5)
        pickler = pickle.Pickler(file, protocol=5)
        pickler.persistent_id = lambda obj: known.get(id(obj))  # type: ignore[method-assign]
        pickler.dump((changes, rest))
    _replace(folder / CHANGES, write)


def _changes(name: str, now: Mapping[Any, Any], before: Mapping[Any, Any]) -> tuple[dict[Any, Any], list[Any]]:
    """The entries of table ``name`` new or other than ``before``'s, and the keys gone."""
    changed = {key: value for key, value in now.items()
               if (earlier := before.get(key)) is None or not _same(name, earlier, value)}
    return changed, [key for key in before if key not in now]


def _replace(path: Path, write: Callable[[IO[bytes]], object]) -> None:
    """``path`` replaced by what ``write`` writes, once it is whole."""
    with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=path.name, suffix=".tmp", delete=False) as file:
        write(file)
    os.replace(file.name, path)


class Damaged(Exception):
    """A file of the memory that cannot be read (truncated, overwritten): the message says which and why."""


def restore(folder: Path, token: str | None) -> tuple[Memory, Base] | None:
    """The memory ``save`` kept in ``folder`` for the build ``token`` (None: no build before, or
    another's) and the base it was read with; None if there is none for it, or it is another
    program's. Raises ``Damaged`` for files that cannot be read."""
    if token is None:
        return None
    try:
        with open(folder / CHANGES, "rb") as changes_file, _collector_off():
            made_by, kept_token, name = _load(changes_file, None)
            if made_by != program.digest() or kept_token != token:
                return None
            with open(folder / BASE, "rb") as base_file:
                made_by, base_name, tables = _load(base_file, None)
            if made_by != program.digest() or base_name != name:
                return None
            pages, site = tables["pages"], tables["site"]

            def base_object(named: str | tuple[str, str]) -> Any:
                return site[named[1]] if isinstance(named, tuple) else pages[named][1]
            changes, rest = _load(changes_file, base_object)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise Damaged(f"{exc.filename}: {exc.strerror}") from exc
    base = Base(name, {table: dict(entries) for table, entries in tables.items()})
    try:
        for table, (changed, gone) in changes.items():
            entries = tables[table]
            for key in gone:
                del entries[key]
            entries.update(changed)
        return Memory(**rest, **tables), base
    except (KeyError, TypeError, ValueError) as exc:
        raise Damaged(f"{folder / CHANGES}: not the changes of {BASE} ({exc!r})") from exc


def _load(file: IO[bytes], persistent: Callable[[str], Any] | None) -> Any:
    """The next pickle of ``file``; ``persistent`` finds the base's objects it names (see ``save``)."""
    try:
        unpickler = pickle.Unpickler(file)
        if persistent is not None:
            unpickler.persistent_load = persistent  # type: ignore[method-assign]
        return unpickler.load()
    except Exception as exc:  # truncated, overwritten, of classes that changed: whatever unpickling raises
        raise Damaged(f"{file.name} cannot be read ({type(exc).__name__}: {exc})") from exc


@contextlib.contextmanager
def _collector_off() -> Iterator[None]:
    """Millions of objects, none garbage, all kept until the build ends: the collector's passes
    would cost half the loading, and as much again each time it looks at all it holds, so what is
    loaded is frozen (``gc.freeze``: left out of its passes)."""
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
