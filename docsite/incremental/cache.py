"""The build cache in .cache/: what each part of the output became, by a hash of everything it was made from.

A part (a variant's page, content or generated, with the data files made with it: its HTML and its
entries in the search index) is made from what every part depends on (site.yaml, templates, the data
files, the base URL, this program and its libraries: the ``stamp``) and from what it read of the
site, which it reads only through a ``reads.Reading``: every path it read is noted (a page's whole
record, a key of the backlinks, the timeline's overview, a stylesheet's published name). Its key
hashes the stamp and the value at each of those paths now. A value that changed changes the key of
every part that read it, and of no other: an edit to a body remakes that page; to a title, the pages
that show it; a new link, the pages whose backlinks it changes; a date, the timelines. Nothing is
listed by hand, so nothing can be left out: a key that matches gives exactly what building would,
the cache is never stale, and deleting .cache/ only costs the time to build again.

The cache is an SQLite database: one file, safe when a preview server and a build share it.
"""

from __future__ import annotations

import bisect
import contextlib
import hashlib
import json
import sqlite3
import sys
from collections.abc import Callable, Collection, Iterable, Iterator, MutableMapping
from itertools import filterfalse
from pathlib import Path
from typing import Generic, NamedTuple, TypeVar

from docsite.incremental import FOLDER, program
from docsite.incremental.reads import SEP, Fingerprints, Read, changes, prefixes, value_at
from docsite.model.site import Site
from docsite.stages import search
from docsite.stages.write import UNCHANGED

K = TypeVar("K")
V = TypeVar("V")
class Output(NamedTuple):
    """A part's output: files by output path, and its page as the search index keeps it (None: not
    read from the store, see ``Recall.entry``)."""

    files: dict[str, bytes]
    entry: search.IndexedPage | None


def stamp(site: Site) -> bytes:
    """What every page depends on, besides the content pages."""
    root = site.config.root
    files = [*site.content.data_paths.values(), *shared_files(root)]
    return hashlib.sha256(program.digest() + files_digest(root, files) + site.config.base_url.encode()).digest()


def shared_files(root: Path) -> list[Path]:
    """What every page is made with: site.yaml and the templates. Not the files of static/: a page
    reads those its templates name as it reads the site (``Site.assets``), and those its text
    names are looked for as it is loaded (see load.LoadCache)."""
    return [root / "site.yaml", *(p for p in sorted((root / "templates").rglob("*")) if p.is_file())]


def files_digest(root: Path, files: Iterable[Path]) -> bytes:
    """A hash of the files' names (below ``root``) and contents; a missing file counts as empty."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + (path.read_bytes() if path.is_file() else b"")
                      + b"\0")
    return digest.digest()


def name(code: str, pid: str) -> str:
    """The cache's name for a variant's page (content or generated)."""
    return f"{code}:{pid}"


#: What making a part read of the site: its paths (see reads.Read), sorted.
Paths = tuple[Read, ...]


class Stored(NamedTuple):
    """A part as the store keys it: its key, and the paths of what it read of the site."""

    key: str
    read: Paths


class Keys:
    """The key of each part of the output, from the paths it read when it was last made.

    Given the keys of the last good build (the preview server's), ``still`` tells without hashing
    that a part that build found current is current still: the stamp is the same, and no path it
    read leads to a value that changed (``reads.changes``, which compares the two sites where
    parts read them, object by object first). When that build made part of the site (not
    ``whole``: the page saved, first), it did not look at the other parts: the values that
    changed for it are carried to the next build, which tells from them all.
    """

    def __getstate__(self) -> dict[str, object]:
        """What a later build follows (see ``__init__``): kept in .cache/ for the command line's next."""
        return {"site": self.site, "common": self.common, "roots": self.roots}

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state, fingerprint=Fingerprints(), _digests={}, _earlier={}, _changed=None, _cut=set(),
                             whole=True)

    def __init__(self, site: Site, common: bytes, fingerprint: Fingerprints, previous: Keys | None = None):
        self.site, self.common, self.fingerprint = site, common, fingerprint
        self.roots: set[str] = set(previous.roots) if previous else set()  # the site's attributes read
        self.whole = True  # the build looked at every part (see the class's docstring)
        self._digests: dict[Read, bytes] = {}
        self._changed: set[Read] | None = None  # None: ``still`` cannot tell
        self._cut: set[Read] = set()  # changed paths below which parts may have read
        self._earlier: dict[Read, bytes] = {}  # digests made by builds before, of paths that lead where they led
        carried = previous is not None and not previous.whole
        if previous is not None and previous.common == common and not (carried and previous._changed is None):
            self._changed = set(previous._changed or ()) if carried else set()
            self._cut = set(previous._cut) if carried else set()
            for root in previous.roots:
                for path, below in changes(getattr(previous.site, root), getattr(site, root), fingerprint, SEP + root):
                    self._changed.update(prefixes(path))
                    if below:
                        self._cut.add(path)
            self._earlier = previous._earlier  # taken over: the build before is done with it
            self._earlier.update(previous._digests)
            # Every path read so far, hundreds of thousands: looked at in C, and only when a cut asks.
            cuts = tuple(cut + SEP for cut in self._cut)
            under = [path for path in self._earlier if path.startswith(cuts)] if cuts else []
            for path in [*self._changed, *under]:
                self._earlier.pop(path, None)

    def still(self, read: Paths) -> bool:
        """Whether a part that the build before found current, which read ``read``, is current still."""
        changed = self._changed
        if changed is None:
            return False
        # An edit changes a few paths, and every part read some hundreds: each looked up by bisection
        # (``read`` is sorted) rather than every path read hashed, for each of the site's parts.
        if any(_reads(read, path) for path in changed) if len(changed) < FEW else not changed.isdisjoint(read):
            return False
        return not any(_reads_below(read, path) for path in self._cut)

    def of(self, name: str, read: Paths) -> str:
        """The key of ``name``, a part that read ``read``."""
        digests, earlier = self._digests, self._earlier
        for path in list(filterfalse(digests.__contains__, read)):  # the paths not digested yet, found in C
            kept = earlier.get(path)
            if kept is not None:  # a part made again reads mostly what it read
                digests[path] = kept
                continue
            value = self.fingerprint(value_at(self.site, path))
            digests[path] = hashlib.sha256(path.encode() + b"\0" + value).digest()
            self.roots.add(path.split(SEP, 2)[1])
        read_now = b"".join(map(digests.__getitem__, read))
        return hashlib.sha256(self.common + name.encode() + b"\0" + read_now).hexdigest()


#: Fewer changed paths than this are looked up in what a part read by bisection (see ``Keys.still``).
FEW = 16


def _reads(read: Paths, path: Read) -> bool:
    """Whether ``read`` (sorted) holds ``path``."""
    at = bisect.bisect_left(read, path)
    return at < len(read) and read[at] == path


def _reads_below(read: Paths, path: Read) -> bool:
    """Whether ``read`` (sorted) holds a path under ``path``: the paths under it sort together."""
    under = path + SEP
    at = bisect.bisect_left(read, under)
    return at < len(read) and read[at].startswith(under)


class Store:
    """The cache's database: one row per part of the output (a variant's page, content or generated),
    and during a build, the search entry a part made again had before, until ``commit``: the search
    index reads what the page was to take it out (see search.Pages).

    The cache only saves time, so a store that cannot be used (.cache a file or read-only, a full
    disk) is given up at its first failure, said once to ``failed``: the build goes on without it,
    making the parts it would have recalled."""

    def __init__(self, root: Path, failed: Callable[[str], None], keep: bool = True):
        self.folder, self.failed, self.keep = root / FOLDER, failed, keep
        self.db: sqlite3.Connection | None = None
        with self._giving_up():
            self.folder.mkdir(exist_ok=True)
            path = self.folder / "output.sqlite"
            try:
                self.db = self._open(path)
            except sqlite3.DatabaseError:  # not a database (a damaged or foreign file): it only held a cache
                path.unlink()
                self.db = self._open(path)

    @contextlib.contextmanager
    def _giving_up(self) -> Iterator[None]:
        """The store given up if the block fails on the file system or the database."""
        try:
            yield
        except (OSError, sqlite3.Error) as exc:
            if self.db is not None:
                with contextlib.suppress(sqlite3.Error):
                    self.db.close()
            self.db = None
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            self.failed(f"the build cache in {self.folder} cannot be used ({reason}); building without it")

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=30)
        for earlier in ("parts", "units"):  # of earlier versions
            db.execute(f"DROP TABLE IF EXISTS {earlier}")
        columns = {column for _, column, *_ in db.execute("PRAGMA table_info(outputs)")}
        if columns and "entry" not in columns:  # an earlier version's, without the search entries apart
            db.execute("DROP TABLE outputs")
        db.execute("CREATE TABLE IF NOT EXISTS outputs "
                   "(name TEXT PRIMARY KEY, key TEXT, reads BLOB, head BLOB, files BLOB, entry BLOB)")
        db.execute("CREATE TABLE IF NOT EXISTS earlier (name TEXT PRIMARY KEY, key TEXT, head BLOB, entry BLOB)")
        return db

    def entry(self, name: str) -> Stored | None:
        """The key of a stored part, and what it read; None when it is not stored."""
        with self._giving_up():
            if self.db is not None:
                row = self.db.execute("SELECT key, reads FROM outputs WHERE name = ?", (name,)).fetchone()
                return None if row is None else Stored(row[0], _paths(row[1]))
        return None

    def load(self, name: str, key: str, files: bool = True) -> Output | None:
        """A stored part's output, when it is stored with ``key``; else None, as when the store
        fails. Without its ``files``' bytes, each is ``write.UNCHANGED``: the output folder holds it.
        Without its search entry, which is read only when asked for (``indexed``)."""
        with self._giving_up():
            if self.db is not None:
                query = f"SELECT head{', files' if files else ''} FROM outputs WHERE name = ? AND key = ?"
                row = self.db.execute(query, (name, key)).fetchone()
                if row is None:
                    return None
                made, at = {}, 0
                for path, size in json.loads(row[0])[0]:
                    made[path] = row[1][at:at + size] if files else UNCHANGED
                    at += size
                return Output(made, None)
        return None

    def indexed(self, name: str, key: str) -> search.IndexedPage | None:
        """A stored part's search entry, when it is stored with ``key`` or was before this build
        made it again; else None."""
        with self._giving_up():
            if self.db is not None:
                query = ("SELECT head, entry FROM outputs WHERE name = ? AND key = ? "
                         "UNION ALL SELECT head, entry FROM earlier WHERE name = ? AND key = ?")
                row = self.db.execute(query, (name, key, name, key)).fetchone()
                if row is None:
                    return None
                pid, folder, title, type_name, size = json.loads(row[0])[1]
                return search.IndexedPage(pid, folder, title, type_name, row[1][:size], row[1][size:])
        return None

    def save(self, name: str, key: str, read: Paths, output: Output) -> None:
        """Store a part's new output; it is kept only once ``commit`` is called. Stored as a JSON head
        (each file's path and size; the search entry's head and the size of its terms), the files'
        bytes one after the other, and the entry's terms and record: a build stores hundreds of
        megabytes of pages, and one after an edit reads only the heads it needs."""
        files, entry = output.files, output.entry
        assert entry is not None  # a part just made
        head = json.dumps([[[path, len(data)] for path, data in files.items()], [*entry[:4], len(entry.terms)]],
                          ensure_ascii=False)
        with self._giving_up():
            if self.db is not None:
                self.db.execute("INSERT OR REPLACE INTO earlier SELECT name, key, head, entry FROM outputs "
                                "WHERE name = ? AND key <> ?", (name, key))
                self.db.execute("INSERT OR REPLACE INTO outputs VALUES (?, ?, ?, ?, ?, ?)",
                                (name, key, "\x1e".join(read).encode(), head.encode("utf-8"), b"".join(files.values()),
                                 entry.terms + entry.record))

    def commit(self, names: Collection[str], whole: bool = True) -> None:
        """Keep what was saved, and forget the parts not in ``names`` (pages the site no longer
        has) and, after a build of the ``whole`` site, what the parts made again were before (a
        build that left the search index to the next still has to find their entries then). A
        store that does not ``keep`` keeps nothing: ``close`` throws away what was saved (``check``
        after a build: the next build must find the entries of what the last one made, to take them
        out of its search index)."""
        if not self.keep:
            return
        with self._giving_up():
            if self.db is not None:
                gone = [(name,) for (name,) in self.db.execute("SELECT name FROM outputs") if name not in names]
                self.db.executemany("DELETE FROM outputs WHERE name = ?", gone)
                if whole:
                    self.db.execute("DELETE FROM earlier")
                self.db.commit()

    def close(self) -> None:
        """Close, throwing away what was saved since the last commit (a failed build)."""
        with self._giving_up():
            if self.db is not None:
                self.db.rollback()
                self.db.close()


def _paths(stored: bytes) -> Paths:
    """What a part read, as ``Store.save`` wrote it: apart by RS, which no path holds."""
    return tuple(stored.decode().split("\x1e")) if stored else ()


class Forgetful(MutableMapping[K, V], Generic[K, V]):
    """The memory of a build that keeps none: it holds nothing."""

    def __getitem__(self, key: K) -> V:
        raise KeyError(key)

    def __setitem__(self, key: K, value: V) -> None:
        pass

    def __delitem__(self, key: K) -> None:
        raise KeyError(key)

    def __iter__(self) -> Iterator[K]:
        return iter(())

    def __len__(self) -> int:
        return 0


class NoStore(Store):
    """The store of a build that keeps nothing on disk: one without a database."""

    def __init__(self) -> None:
        self.db, self.keep = None, True


class Kept(NamedTuple):
    """A part in the memory (the preview server's, or what the command line keeps in .cache/): its
    key, what it read, its output: its files' paths, each with its bytes only where nothing else
    holds them (else ``write.UNCHANGED``: the output folder holds them as the last good build wrote
    them, and the store with the same key), and its search entry where the memory keeps it."""

    key: str
    read: Paths
    output: Output | None


class Recall:
    """Output made before, asked for by name and found when its key is still the same: in the
    memory first (a build without one is given an empty mapping), then in the store; and output
    just made, kept in both. The memory keeps a part's files by path, their bytes only when there
    is no store, and its search entry when ``entries`` (the preview's). With ``held``, the output
    folder holds the files of the last good build, and those of a part recalled are not read again
    (``write.UNCHANGED``); without, they are read from the store. ``made`` and ``recalled`` name the
    parts as they went, ``keys`` their keys (where this build keeps any)."""

    def __init__(self, names: Collection[str], keys: Keys, store: Store, memory: MutableMapping[str, Kept],
                 entries: bool = True, held: bool = False):
        self.names, self.keys, self.store, self.memory = set(names), keys, store, memory
        self.entries, self.held = entries, held
        self.keeps = not (isinstance(store, NoStore) and isinstance(memory, Forgetful))  # else no key is needed
        self.made: list[str] = []
        self.recalled: list[str] = []
        self.current: dict[str, str] = {}  # the key of each part recalled or made, where it is known
        self._reads: dict[Paths, Paths] = {}

    def get(self, name: str) -> Output | None:
        """The output of ``name`` when it is current, else None."""
        kept = self.memory.get(name)
        if kept is not None and (self.keys.still(kept.read) or kept.key == self.keys.of(name, kept.read)):
            output = self._kept(name, kept)
            if output is not None:
                self.recalled.append(name)
                self.current[name] = kept.key
                return output
        entry = self.store.entry(name)
        if entry is None or entry.key != self.keys.of(name, entry.read):
            return None
        output = self._stored(name, entry.key, True)
        if output is not None:
            self.memory[name] = Kept(entry.key, self._shared(entry.read), self._memorable(output))
            self.recalled.append(name)
            self.current[name] = entry.key
        return output

    def _kept(self, name: str, kept: Kept) -> Output | None:
        """A current part's output as the memory keeps it, its files' bytes read from the store
        where the output folder may not hold them."""
        files = kept.output.files if kept.output is not None else {}
        if kept.output is not None and (self.held or all(data is not UNCHANGED for data in files.values())):
            return kept.output
        stored = self._stored(name, kept.key, not self.held)
        return stored if stored is None or kept.output is None else stored._replace(entry=kept.output.entry)

    def _shared(self, read: Paths) -> Paths:
        """``read`` as the memory keeps it: its paths interned, so that the memory holds each path,
        and .cache/ stores it, once; one tuple for the parts that read exactly the same (a page's
        variants seldom do: the first also makes the page's script-neutral address)."""
        read = tuple(map(sys.intern, read))
        return self._reads.setdefault(read, read)

    def _memorable(self, output: Output) -> Output:
        """What the memory keeps of a part's output (see ``Kept``)."""
        files = output.files if self.store.db is None else dict.fromkeys(output.files, UNCHANGED)
        return Output(files, output.entry if self.entries else None)

    def _stored(self, name: str, key: str, files: bool) -> Output | None:
        """The output of ``name`` in the store, when stored with ``key`` (the preview server may
        have stored another since); without its ``files``' bytes if not ``files``."""
        return self.store.load(name, key, files)

    def put(self, name: str, output: Output, read: Paths) -> bool:
        """Keep a part just made; whether ``entry`` can give its search entry back (from the memory,
        or the store), so that the build need not hold it meanwhile."""
        self.made.append(name)
        if not self.keeps:
            return False
        read = self._shared(read)  # first: the keys' table then finds each path by its identity
        key = self.current[name] = self.keys.of(name, read)
        self.store.save(name, key, read, output)
        self.memory[name] = Kept(key, read, self._memorable(output))
        return self.entries or self.store.db is not None

    def entry(self, name: str, key: str | None = None) -> search.IndexedPage | None:
        """The search entry of ``name`` as the part with ``key`` made it (None: the part now), from
        the memory or the store (which holds the entry of a part made again as it was too, until ``commit``);
        None if neither holds it."""
        key = key or self.current.get(name)
        kept = self.memory.get(name)
        if kept is not None and kept.key == key and kept.output is not None and kept.output.entry is not None:
            return kept.output.entry
        return None if key is None else self.store.indexed(name, key)

    def abandon(self) -> None:
        """The build failed: forget the parts it made, whose files neither the output folder nor the store holds."""
        for name in self.made:
            self.memory.pop(name, None)

    def commit(self, whole: bool = True) -> None:
        """Keep what was put, and forget what the site no longer has (see Store.commit)."""
        self.store.commit(self.names, whole)
        for name in self.memory.keys() - self.names:
            del self.memory[name]
