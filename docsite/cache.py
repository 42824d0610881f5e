"""The build cache in .cache/: what each page became, by a hash of everything it was made from.

A page's output (its HTML and its entry in the search index) depends on its own file, on what other
pages say of themselves where it names or lists them (titles, summaries, dates, types, tags, links
between pages) and on what every page depends on (site.yaml, templates, static files, the glossary,
the sources, the tags, the base URL, this program and its libraries). The key of a page hashes its
file, the site's ``outline`` (everything but the pages' bodies, plus who links to and cites what)
and the ``stamp`` of what every page depends on. An edit to a body changes one key; an edit to a
title, a date, a link or a citation changes the outline and so every key, since pages show one
another's titles; anything else changes the stamp. A key that matches gives exactly what building would, so the
cache is never stale, and deleting .cache/ only costs the time to build again.

The cache is an SQLite database: one file, safe when a preview server and a build share it.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Collection, Iterable
from functools import cache
from importlib import metadata
from pathlib import Path

from .load import Page
from .resolve import Site

FOLDER = ".cache"
#: Libraries whose output ends up in pages.
LIBRARIES = ("jinja2", "markupsafe", "markdown-it-py", "mdit-py-plugins", "opencc-python-reimplemented",
             "minify-html", "rcssmin", "edtf", "pyyaml", "ahocorasick-rs")
#: A part's output: files by output path, and search entries (see search.Entry).
Output = tuple[dict[str, bytes], list[tuple]]


@cache
def _program() -> bytes:
    """This program and the versions of the libraries it uses."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")) + sorted(Path(__file__).parent.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in LIBRARIES:
        digest.update(f"{name}={metadata.version(name)}\0".encode())
    return digest.digest()


def stamp(site: Site) -> bytes:
    """What every page depends on, besides the content pages."""
    root = site.config.root
    files = [*site.content.data_paths.values(), *shared_files(root)]
    return hashlib.sha256(_program() + files_digest(root, files) + site.config.base_url.encode()).digest()


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


def outline(site: Site) -> bytes:
    """What pages may show of one another: every page's front matter and conversion markup (a
    -{T|...}- in a body sets its title), who links to whom, and who cites what."""
    digest = hashlib.sha256()
    for page in site.pages.values():
        digest.update(page.id.encode() + b"\0" + _front_matter(page).encode() + b"\0" + repr(page.blocks).encode())
    digest.update(repr(sorted(site.backlinks.items())).encode())
    digest.update(repr(sorted(site.cited.items())).encode())  # the timeline data lists each event's sources
    return digest.digest()


def _front_matter(page: Page) -> str:
    return "\n".join(page.raw_lines[:page.body_line - 1])


def name(code: str, pid: str | None) -> str:
    """The cache's name for a variant's page, or for its generated pages (lists, tags, timelines)
    when ``pid`` is None."""
    return f"{code}:{pid or '~generated'}"


#: The cache's name for the script-neutral addresses of all pages.
NEUTRAL = ":~neutral"


def keys(site: Site) -> dict[str, str]:
    """The key of every part of the output, by name: a page's hashes its body too; the generated
    pages and the neutral addresses are made from the outline alone."""
    common = stamp(site) + outline(site)
    made = {}
    for code in [variant.code for variant in site.config.variants]:
        for page in site.pages.values():
            body = "\n".join(page.raw_lines[page.body_line - 1:])
            made[name(code, page.id)] = _hash(common, code, page.id, body)
        made[name(code, None)] = _hash(common, code, "", "generated")
    made[NEUTRAL] = _hash(common, "", "", "neutral")
    return made


def _hash(common: bytes, *parts: str) -> str:
    return hashlib.sha256(common + "\0".join(parts).encode()).hexdigest()


class Store:
    """The cache's database: one row per part of the output (a page, or a variant's generated pages)."""

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
        db.execute("CREATE TABLE IF NOT EXISTS parts (name TEXT PRIMARY KEY, key TEXT, output BLOB)")
        return db

    def keys(self) -> dict[str, str]:
        """The key of every stored part, by name."""
        return dict(self.db.execute("SELECT name, key FROM parts"))

    def load(self, name: str) -> Output:
        (output,) = self.db.execute("SELECT output FROM parts WHERE name = ?", (name,)).fetchone()
        head, _, data = output.partition(b"\0")
        sizes, entries = json.loads(head)
        files, at = {}, 0
        for path, size in sizes:
            files[path] = data[at:at + size]
            at += size
        return files, [tuple(e) for e in entries]

    def save(self, name: str, key: str, output: Output) -> None:
        """Store a part's new output; it is kept only once ``commit`` is called. Stored as a JSON head
        (each file's path and size, the search entries; JSON writes no NUL byte), a NUL, and the
        files' bytes as they are: a build stores hundreds of megabytes of pages."""
        files, entries = output
        head = json.dumps([[[path, len(data)] for path, data in files.items()], entries], ensure_ascii=False)
        self.db.execute("INSERT OR REPLACE INTO parts VALUES (?, ?, ?)",
                        (name, key, head.encode("utf-8") + b"\0" + b"".join(files.values())))

    def commit(self, names: Collection[str]) -> None:
        """Keep what was saved, and forget the parts not in ``names`` (pages the site no longer has)."""
        gone = [(name,) for (name,) in self.db.execute("SELECT name FROM parts") if name not in names]
        self.db.executemany("DELETE FROM parts WHERE name = ?", gone)
        self.db.commit()

    def close(self) -> None:
        """Close, throwing away what was saved since the last commit (a failed build)."""
        self.db.rollback()
        self.db.close()


class Recall:
    """Output made before, asked for by name and found when its key is the same: in the preview
    server's memory first, then in the store; and output just made, kept in both."""

    def __init__(self, keys: dict[str, str], store: Store | None, memory: dict[str, tuple[str, Output]] | None):
        self.keys = keys
        self.store = store
        self.memory = memory
        self.stored = store.keys() if store else {}

    def has(self, name: str) -> bool:
        return self._remembered(name) or self.stored.get(name) == self.keys[name]

    def get(self, name: str) -> Output:
        if self._remembered(name):
            return self.memory[name][1]  # type: ignore[index]
        assert self.store is not None
        output = self.store.load(name)
        if self.memory is not None:
            self.memory[name] = (self.keys[name], output)
        return output

    def put(self, name: str, output: Output) -> None:
        if self.store:
            self.store.save(name, self.keys[name], output)
        if self.memory is not None:
            self.memory[name] = (self.keys[name], output)

    def commit(self) -> None:
        """Keep what was put, and forget what the site no longer has."""
        if self.store:
            self.store.commit(self.keys)
        if self.memory is not None:
            for name in self.memory.keys() - self.keys.keys():
                del self.memory[name]

    def close(self) -> None:
        if self.store:
            self.store.close()

    def _remembered(self, name: str) -> bool:
        return self.memory is not None and name in self.memory and self.memory[name][0] == self.keys[name]
