"""The build cache in .cache/: what each page became, by a hash of everything it was made from.

A page's output (its HTML and its entry in the search index) depends on its own file, on what
other pages say of themselves where it names or lists them (titles, summaries, dates, types, tags),
on the site's structure (who links to and cites what, lists, tags, timelines) and on what every
page depends on (site.yaml, templates, static files, the glossary, the sources, the tags, the base
URL, this program and its libraries: the ``stamp``). While a page is made, the pages and titles it
looks at are noted (``watched``); its key hashes its file, the stamp, the structure and what those
pages say of themselves now (their front matter and conversion markup, or their absence). So an
edit to a body changes one key, an edit to a title the keys of the pages that show it, a new link
or date the structure and so every key. The generated pages (lists, tags, timelines) are noted
and keyed alike, by the pages they list; a page that went through every page is keyed by the
whole site's outline (``Keys.whole``). A key that matches gives exactly what building would, so
the cache is never stale, and deleting .cache/ only costs the time to build again.

The cache is an SQLite database: one file, safe when a preview server and a build share it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

from docsite.model.page import Page
from docsite.model.site import Site
from docsite.stages import search

FOLDER = ".cache"
#: Libraries whose output ends up in pages.
LIBRARIES = ("jinja2", "markupsafe", "markdown-it-py", "mdit-py-plugins", "opencc-python-reimplemented",
             "minify-html", "rcssmin", "edtf", "pyyaml", "ahocorasick-rs")
T = TypeVar("T")
V = TypeVar("V")
#: A part's output: files by output path, and its pages as the search index keeps them.
Output = tuple[dict[str, bytes], list[search.IndexedPage]]


@cache
def program() -> bytes:
    """This program and the versions of the libraries it uses."""
    digest = hashlib.sha256()
    package = Path(__file__).parents[1]
    for path in sorted(package.rglob("*.py")) + sorted(package.rglob("*.yaml")):
        digest.update(str(path.relative_to(package)).encode() + b"\0" + path.read_bytes())
    for name in LIBRARIES:
        digest.update(f"{name}={metadata.version(name)}\0".encode())
    return digest.digest()


def stamp(site: Site) -> bytes:
    """What every page depends on, besides the content pages."""
    root = site.config.root
    files = [*site.content.data_paths.values(), *shared_files(root)]
    return hashlib.sha256(program() + files_digest(root, files) + site.config.base_url.encode()).digest()


def shared_files(root: Path) -> list[Path]:
    """What every page is made with: site.yaml, the templates and the static files."""
    return [root / "site.yaml", *(p for d in ("templates", "static") for p in sorted((root / d).rglob("*"))
                                  if p.is_file())]


def files_digest(root: Path, files: Iterable[Path]) -> bytes:
    """A hash of the files' names (below ``root``) and contents; a missing file counts as empty."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(root)).encode() + b"\0" + (path.read_bytes() if path.is_file() else b"")
                      + b"\0")
    return digest.digest()


def structure(site: Site) -> bytes:
    """Who links to, cites, lists and dates what: everything the resolve stage derives from all
    pages together, besides the titles (``Site.titles``, noted page by page)."""
    if site.structure_digest is None:
        chronology = site.chronology
        mappings: list[Mapping[str, object]] = [site.by_type, site.backlinks, site.children, site.cited, site.tagged]
        if chronology is not None:
            mappings += [chronology.anchors, chronology.by_page, chronology.named, chronology.filters]
        # Sorted: the order of a mapping's keys may follow set iteration, which differs between processes.
        parts = [sorted(site.lists), chronology.events if chronology else [], *(sorted(m.items()) for m in mappings)]
        site.structure_digest = hashlib.sha256(repr(parts).encode()).digest()
    return site.structure_digest


def _front_matter(page: Page) -> str:
    return "\n".join(page.lines()[:page.body_line - 1])


def name(code: str, pid: str) -> str:
    """The cache's name for a variant's page (content or generated)."""
    return f"{code}:{pid}"


#: What making a page looked at besides its own file (see ``watched``): the ids of the pages it
#: asked for (present or not) and the folded titles it resolved links by; None when it went
#: through every page.
Reads = tuple[tuple[str, ...], tuple[str, ...]] | None


class Keys:
    """The key of each part of the output, from what it read when it was last made.

    Given the keys of the last good build (the preview server's), ``still`` tells, without hashing,
    that a part that build found current is current still: the stamp and the structure are the
    same, its own page is the same record (its file did not change), no page it read says
    something new of itself, and no title it resolved a link by names other pages.
    """

    def __init__(self, site: Site, previous: Keys | None = None):
        self.site = site
        self.common = stamp(site)
        self._whole: bytes | None = None
        self._structure = structure(site)
        self._said: dict[str, bytes] = {}
        self._made: dict[tuple[str, Reads], str] = {}
        self._saying: dict[tuple[str, ...], bytes] = {}  # a digest of what these pages say
        self._follows = False  # whether ``still`` can tell (a build before, with the same stamp and structure)
        self._renewed: set[str] = set()  # pages read from their file again, new or gone
        self._retold: set[str] = set()  # ... of which what they say of themselves changed
        self._retitled: set[str] = set()  # folded titles that name other pages
        if previous is not None and (previous.common, previous._structure) == (self.common, self._structure):
            before, now = previous.site.pages, site.pages
            self._follows = True
            self._renewed = {pid for pid in before.keys() | now.keys() if before.get(pid) is not now.get(pid)}
            self._said = {pid: said for pid, said in previous._said.items() if pid not in self._renewed}
            self._retold = {pid for pid in self._renewed if self._says(pid) != previous._says(pid)}
            titles = site.titles.keys() | previous.site.titles.keys()
            self._retitled = {t for t in titles if site.titles.get(t) != previous.site.titles.get(t)}

    def still(self, pid: str, reads: Reads) -> bool:
        """Whether a part that the build before found current, a page (``pid``) that read
        ``reads``, is current still."""
        if not self._follows or pid in self._renewed:
            return False
        if reads is None:
            return not self._retold
        pages, titles = reads
        return (not self._retold or self._retold.isdisjoint(pages)) and \
            (not self._retitled or self._retitled.isdisjoint(titles))

    def of(self, name: str, pid: str, reads: Reads) -> str:
        """The key of ``name``: a page (``pid``, content or generated) that read ``reads``."""
        made = self._made.get((name, reads))
        if made is None:
            made = self._made[name, reads] = self._make(name, pid, reads)
        return made

    def _make(self, name: str, pid: str, reads: Reads) -> str:
        page = self.site.pages.get(pid)
        own = f"{page.raw}\0{page.changed}" if page is not None else "generated"  # the day it cites as changed
        if reads is None:
            return _hash(self.whole(), name, own)
        pages, titles = reads
        if pages not in self._saying:  # the same for a page's every variant, mostly
            self._saying[pages] = hashlib.sha256(b"".join(self._says(read) for read in pages)).digest()
        found = repr([self.site.titles.get(title) for title in titles]).encode()
        return _hash(self.common + self._structure + self._saying[pages] + found, name, own)

    def whole(self) -> bytes:
        """The site's outline: what every page says of itself to others, and its structure."""
        if self._whole is None:
            said = hashlib.sha256(b"".join(self._says(pid) for pid in self.site.pages)).digest()
            self._whole = self.common + said + self._structure
        return self._whole

    def _says(self, pid: str) -> bytes:
        """What a page says of itself to others (its front matter and markup), or that it is absent."""
        if pid not in self._said:
            page = self.site.pages.get(pid)
            said = b"-" if page is None else _front_matter(page).encode() + b"\0" + repr(page.blocks).encode()
            self._said[pid] = hashlib.sha256(pid.encode() + b"\0" + said).digest()
        return self._said[pid]


def watched(site: Site, make: Callable[..., T], *args: Any) -> tuple[T, Reads]:
    """``make(*args)``, and what it read of ``site``: the pages and the titles it asked for."""
    pages, titles = site.pages, site.titles
    seen_pages, seen_titles = _Reading(pages), _Reading(titles)
    # The recording stand-ins are read-only mappings, not dicts: nothing ``make`` calls writes to them.
    site.pages, site.titles = seen_pages, seen_titles  # type: ignore[assignment]
    try:
        made = make(*args)
    finally:
        site.pages, site.titles = pages, titles
    if seen_pages.everything or seen_titles.everything:
        return made, None
    return made, (tuple(sorted(seen_pages.asked)), tuple(sorted(seen_titles.asked)))


class _Reading(Mapping[str, V]):
    """A mapping that notes the keys asked for; going through it all notes everything."""

    def __init__(self, data: Mapping[str, V]):
        self.data = data
        self.asked: set[str] = set()
        self.everything = False

    def __getitem__(self, key: str) -> V:
        self.asked.add(key)
        return self.data[key]

    def __contains__(self, key: object) -> bool:
        self.asked.add(str(key))
        return key in self.data

    def get(self, key: str, default: Any = None) -> Any:
        self.asked.add(key)
        return self.data.get(key, default)

    def __iter__(self) -> Iterator[str]:
        self.everything = True
        return iter(self.data)

    def __len__(self) -> int:
        self.everything = True
        return len(self.data)


def _hash(common: bytes, *parts: str) -> str:
    return hashlib.sha256(common + "\0".join(parts).encode()).hexdigest()


class Store:
    """The cache's database: one row per part of the output (a variant's page, content or generated)."""

    def __init__(self, root: Path):
        folder = root / FOLDER
        folder.mkdir(exist_ok=True)
        path = folder / "output.sqlite"
        try:
            self.db = self._open(path)
        except sqlite3.DatabaseError:  # not a database (a damaged or foreign file): it only held a cache
            path.unlink()
            self.db = self._open(path)

    @staticmethod
    def _open(path: Path) -> sqlite3.Connection:
        db = sqlite3.connect(path, timeout=30)
        db.execute("DROP TABLE IF EXISTS parts")  # of an earlier version
        db.execute("CREATE TABLE IF NOT EXISTS units (name TEXT PRIMARY KEY, key TEXT, reads TEXT, output BLOB)")
        return db

    def entry(self, name: str) -> tuple[str, Reads] | None:
        """The key of a stored part, and what it read; None when it is not stored."""
        row = self.db.execute("SELECT key, reads FROM units WHERE name = ?", (name,)).fetchone()
        return None if row is None else (row[0], _reads(json.loads(row[1])))

    def load(self, name: str) -> Output:
        (output,) = self.db.execute("SELECT output FROM units WHERE name = ?", (name,)).fetchone()
        head, _, data = output.partition(b"\0")
        sizes, entries = json.loads(head)
        files, at = {}, 0
        for path, size in sizes:
            files[path] = data[at:at + size]
            at += size
        return files, [search.IndexedPage._make([*e[:-1], tuple(e[-1])]) for e in entries]  # classes: a tuple too

    def save(self, name: str, key: str, reads: Reads, output: Output) -> None:
        """Store a part's new output; it is kept only once ``commit`` is called. Stored as a JSON head
        (each file's path and size, the search entries; JSON writes no NUL byte), a NUL, and the
        files' bytes as they are: a build stores hundreds of megabytes of pages."""
        files, entries = output
        head = json.dumps([[[path, len(data)] for path, data in files.items()], entries], ensure_ascii=False)
        self.db.execute("INSERT OR REPLACE INTO units VALUES (?, ?, ?, ?)",
                        (name, key, json.dumps(reads, ensure_ascii=False),
                         head.encode("utf-8") + b"\0" + b"".join(files.values())))

    def commit(self, names: Collection[str]) -> None:
        """Keep what was saved, and forget the parts not in ``names`` (pages the site no longer has)."""
        gone = [(name,) for (name,) in self.db.execute("SELECT name FROM units") if name not in names]
        self.db.executemany("DELETE FROM units WHERE name = ?", gone)
        self.db.commit()

    def close(self) -> None:
        """Close, throwing away what was saved since the last commit (a failed build)."""
        self.db.rollback()
        self.db.close()


def _reads(data: Any) -> Reads:
    return None if data is None else (tuple(data[0]), tuple(data[1]))


class Recall:
    """Output made before, asked for by name and found when its key is still the same: in the
    preview server's memory first, then in the store; and output just made, kept in both.
    ``key(name, reads)`` is the key of a part that read ``reads`` (see ``Keys.of``); ``still(name,
    reads)`` tells when a part in the memory, which the last good build found current, is current
    still without its key (see ``Keys.still``); ``adopt`` is given what is read from the store
    (new objects), and returns it as the build keeps it."""

    def __init__(self, names: Collection[str], key: Callable[[str, Reads], str], still: Callable[[str, Reads], bool],
                 store: Store | None, memory: dict[str, tuple[str, Reads, Output]] | None,
                 adopt: Callable[[Output], Output]):
        self.adopt = adopt
        self.names = set(names)
        self.key = key
        self.still = still
        self.store = store
        self.memory = memory
        self.stored: dict[str, tuple[str, Reads] | None] = {}  # what was looked up in the store
        self._remembered: set[str] = set()  # names found current in the memory

    def has(self, name: str) -> bool:
        kept = self.memory.get(name) if self.memory is not None else None
        if kept is not None and (self.still(name, kept[1]) or self._current(name, kept[0], kept[1])):
            self._remembered.add(name)
            return True
        if self.store is None:
            return False
        entry = self.stored[name] = self.store.entry(name)
        return entry is not None and self._current(name, *entry)

    def get(self, name: str) -> Output:
        """The output of ``name``, which ``has`` found current."""
        if name in self._remembered:
            return self.memory[name][2]  # type: ignore[index]  # names are remembered only with a memory
        stored = self.stored[name]
        assert self.store is not None and stored is not None, "get() follows has()"
        output = self.adopt(self.store.load(name))
        if self.memory is not None:
            self.memory[name] = (*stored, output)
        return output

    def put(self, name: str, output: Output, reads: Reads = None) -> None:
        key = self.key(name, reads)
        if self.store:
            self.store.save(name, key, reads, output)
        if self.memory is not None:
            self.memory[name] = (key, reads, output)

    def commit(self) -> None:
        """Keep what was put, and forget what the site no longer has."""
        if self.store:
            self.store.commit(self.names)
        if self.memory is not None:
            for name in self.memory.keys() - self.names:
                del self.memory[name]

    def close(self) -> None:
        if self.store:
            self.store.close()

    def _current(self, name: str, key: str, reads: Reads) -> bool:
        return key == self.key(name, reads)
