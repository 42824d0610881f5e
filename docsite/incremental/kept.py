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
A build writes the changes only, unless they have grown to more than ``REWRITE`` of the base's
bytes: then a new base too, which costs as much as carrying some tens of megabytes of changes
through a build (written, then read back by the next). Bytes, not entries, tell: a timeline's
record is hundreds of kilobytes, a page's lint entry a few hundred bytes. What every lint entry shares
(what the converters convert by, the lint settings and the names at risk, see lint.py) is kept
once, beside the changes: an edit to a person's title that changes the names at risk changes no
entry then but those of the pages linted again. Each file names the base it belongs
to; a pair that does not agree, or is another program's or build's, is no memory. One that cannot
be read is no memory either, and the build says so: it then makes what it would have taken
from it (and the store in output.sqlite still holds each part's output by its key).
"""

from __future__ import annotations

import contextlib
import gc
import io
import operator
import os
import pickle
import tempfile
from collections import Counter
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
#: The base is written again when the changes since it hold more than this share of its bytes.
REWRITE = 1 / 16
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
    size: int  # the bytes of its file

    def pickler(self, file: IO[bytes]) -> pickle.Pickler:
        """A pickler that names the base's objects instead of writing them: its pages, by path, and
        its site's tables, by name (``restore`` finds them in the base)."""
        known: dict[int, str | tuple[str, str]] = {id(page): path for path, (_, page) in self.tables["pages"].items()}
        known.update((id(value), ("site", name)) for name, value in self.tables["site"].items() if value is not None)
        pickler = pickle.Pickler(file, protocol=5)
        pickler.persistent_id = lambda obj: known.get(id(obj))  # type: ignore[method-assign]
        return pickler


def _same(table: str, before: Any, now: Any) -> bool:
    """Whether an entry of ``table`` is still the base's: the same page (and signature), the same
    part's record, the same page linted with the same warnings (and, where the entry holds its
    own, the same names at risk: see ``_apart``), the same part of the search index, the same text
    read the same in pinyin."""
    if table in ("parts", "site"):
        return before is now
    if table in ("search", "pinyin"):
        return bool(before == now)
    if table == "pages":
        return bool(before[1] is now[1] and before[0] == now[0])
    return len(before) == len(now) and all(map(operator.is_, before, now))


def save(folder: Path, memory: Memory, token: str, base: Base | None) -> None:
    """Keep ``memory`` in ``folder`` for the build ``token`` (see lastbuild.py): the changes since
    ``base`` (the one read from ``folder``, None if none), or a new base when they are too many."""
    shared = _shared(memory.lint)
    tables = {name: getattr(memory, name) for name in TABLES} | {"lint": _apart(memory.lint, shared)}
    changes = {name: _changes(name, table, base.tables[name]) for name, table in tables.items()} if base else {}
    # The changes pickled first, to see their size, then what else the memory holds, by one
    # pickler: an object both name is written once, and read back as one.
    pickled = io.BytesIO()
    if base is not None:
        pickler = base.pickler(pickled)
        pickler.dump(changes)
    if base is None or pickled.tell() > REWRITE * base.size:
        name = os.urandom(16).hex()
        size = _replace(folder / BASE, lambda file: pickle.dump((program.digest(), name, tables), file, protocol=5))
        base, pickled = Base(name, tables, size), io.BytesIO()
        pickler = base.pickler(pickled)
        pickler.dump({table: ({}, []) for table in TABLES})
    pickler.dump({"stamp": memory.stamp, "keys": memory.keys, "data": memory.data, "not_found": memory.not_found,
                  "lint_shared": shared})

    def write(file: IO[bytes]) -> None:
        pickle.dump((program.digest(), token, base.name), file, protocol=5)
        file.write(pickled.getbuffer())
    _replace(folder / CHANGES, write)


#: What lint entries share (see ``_shared``): what the converters convert by, and what else the
#: warnings depend on; an entry that holds them is kept without them (``_apart``).
Shared = tuple[str, Any] | None


def _shared(lint: LintMemo) -> Shared:
    """What most of ``lint``'s entries hold of what their warnings depend on (the same objects: the
    lint gives every page it looked at this build's)."""
    counts = Counter((id(entry[1]), id(entry[2])) for entry in lint.values())
    if not counts:
        return None
    ids = counts.most_common(1)[0][0]
    entry = next(entry for entry in lint.values() if (id(entry[1]), id(entry[2])) == ids)
    return entry[1], entry[2]


def _apart(lint: LintMemo, shared: Shared) -> dict[str, tuple[Any, ...]]:
    """``lint`` as kept: an entry that holds what is equal to ``shared`` without it, as (page,
    warnings). Equal, not the same: a page linted again holds objects of its own. Compared once
    for each pair of objects, as the lint compares them."""
    alike: dict[tuple[int, int], bool] = {}
    kept: dict[str, tuple[Any, ...]] = {}
    for pid, entry in lint.items():
        ids = (id(entry[1]), id(entry[2]))
        if ids not in alike:
            alike[ids] = (entry[1], entry[2]) == shared
        kept[pid] = (entry[0], entry[3]) if alike[ids] else entry
    return kept


def _together(kept: dict[str, tuple[Any, ...]], shared: Shared) -> LintMemo:
    """The lint's entries as ``_apart`` kept them, each whole again."""
    whole: LintMemo = {}
    for pid, entry in kept.items():
        page, *rest = entry
        whole[pid] = (page, *shared, *rest) if shared is not None and len(rest) == 1 else (page, *rest)
    return whole


def _changes(name: str, now: Mapping[Any, Any], before: Mapping[Any, Any]) -> tuple[dict[Any, Any], list[Any]]:
    """The entries of table ``name`` new or other than ``before``'s, and the keys gone."""
    changed = {key: value for key, value in now.items()
               if (earlier := before.get(key)) is None or not _same(name, earlier, value)}
    return changed, [key for key in before if key not in now]


def _replace(path: Path, write: Callable[[IO[bytes]], object]) -> int:
    """``path`` replaced by what ``write`` writes, once it is whole; its bytes."""
    with tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=path.name, suffix=".tmp", delete=False) as file:
        write(file)
        size = file.tell()
    os.replace(file.name, path)
    return size


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
                size = os.fstat(base_file.fileno()).st_size
            if made_by != program.digest() or base_name != name:
                return None
            pages, site = tables["pages"], tables["site"]

            def base_object(named: str | tuple[str, str]) -> Any:
                return site[named[1]] if isinstance(named, tuple) else pages[named][1]
            changes, rest = _load(changes_file, base_object, 2)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise Damaged(f"{exc.filename}: {exc.strerror}") from exc
    base = Base(name, {table: dict(entries) for table, entries in tables.items()}, size)
    try:
        for table, (changed, gone) in changes.items():
            entries = tables[table]
            for key in gone:
                del entries[key]
            entries.update(changed)
        tables["lint"] = _together(tables["lint"], rest.pop("lint_shared"))
        return Memory(**rest, **tables), base
    except (KeyError, TypeError, ValueError) as exc:
        raise Damaged(f"{folder / CHANGES}: not the changes of {BASE} ({exc!r})") from exc


def _load(file: IO[bytes], persistent: Callable[[str], Any] | None, count: int = 1) -> Any:
    """The next pickle of ``file`` (or the next ``count``, pickled by one pickler, as a list);
    ``persistent`` finds the base's objects it names (see ``save``)."""
    try:
        unpickler = pickle.Unpickler(file)
        if persistent is not None:
            unpickler.persistent_load = persistent  # type: ignore[method-assign]
        return unpickler.load() if count == 1 else [unpickler.load() for _ in range(count)]
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
