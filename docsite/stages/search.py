"""Search: each variant's index of its pages, on a search page that needs no server.

Readers search in the script they type, which is not always the script they read, so matching is
done on a folded form. Characters that OpenCC's character tables treat as forms of one another (复 復 複
覆, 杰 傑, 着 著) fold to one, and the words the glossary and conversion markup write differently per
variant (斯大林 / 史達林) are rewritten into the page's own form. The index holds each page's text in
its variant's script, as readers see it; static/search.js folds the text and the query alike, so a
query in either script finds the same pages, and the excerpt is the page's own text with the match
marked (folding maps a character to a character, so positions agree).

Chinese is not cut into words: a query term matches where its folded form occurs, so no word list
decides what can be found (word segmenters index and query differently, and then miss). A term that
does not occur whole may still match, lower, as pieces of two or more characters that do.

The index is cut into pieces of about ``PIECE_BYTES``, each a small script that the search page loads
(as Pagefind splits its index): scripts load from a folder opened from disk, where browsers refuse
to fetch files, and a piece is named by a hash of its content, so hosts and browsers keep it until
it changes. Pieces end after pages chosen by a hash of their id, not by position, so a one-page
edit changes one piece, and a new or removed page only its own. The page names one script,
``LISTING``, which names the pieces: an edit changes that small script, not the search page (which
lists every page for readers without JavaScript, and is large on a large site).
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, lru_cache, partial
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import opencc
from markupsafe import Markup

from docsite.model import urls
from docsite.model.config import PageType
from docsite.model.view import Link, PageView
from docsite.stages.views import Localizer
from docsite.text.opencc_fast import Translation, translation

T = TypeVar("T")
PAGE = urls.SEARCH
#: The script beside the search page that names the pieces of the index; search.js loads them.
LISTING = "pieces.js"
#: About this many bytes of index per piece: gzip works well on each, and a large site's first search
#: loads a few hundred at most, in parallel; the index of a site of a few hundred pages is one piece.
PIECE_BYTES = 256 * 1024
#: OpenCC's tables of single characters: their pairs make the classes a query is folded by.
CHARACTER_TABLES = ("TSCharacters", "STCharacters", "TWVariants", "TWVariantsRev", "HKVariants", "HKVariantsRev")
#: Body elements readers do not read as part of the text: citation and footnote marks.
_MARKS = re.compile(r'<(sup|a)\b[^>]*\bclass="(?:citation|footnote-ref|footnote-backref)"[^>]*>.*?</\1>', re.DOTALL)
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|t[dh]|d[td]|blockquote|figcaption)>|<br\b[^>]*>")
_IMAGE = re.compile(r'<img\b[^>]*\balt="([^"]*)"[^>]*>')


class IndexedPage(NamedTuple):
    """What the index keeps of a page (see ``indexed``)."""

    id: str
    dir: str  # its folder
    title: str
    type_name: str
    summary: str
    text: str
    classes: tuple[int, ...]  # the folding classes of its characters: their places in ``classes()``


def indexed(view: PageView) -> IndexedPage:
    """A page as the search page lists it; made where the view is (in parallel, and kept in the
    build cache), so the views need not be kept."""
    text = _text(view)
    class_of = entry_classes()
    found = {class_of[c] for c in set(view.title + view.summary + text) if c in class_of}
    return IndexedPage(view.id, view.dir, view.title, view.type_name, view.summary, text, tuple(sorted(found)))


def kept(entry: IndexedPage) -> IndexedPage:
    """``entry`` with its class numbers shared with every other entry: one received from another
    process or read from the cache has numbers of its own, and a number above 256 is an object of 28
    bytes (a page has about a hundred; 20,000 entries held 60 MB of them until the index was made)."""
    numbers = _numbers()
    return entry._replace(classes=tuple(map(numbers.__getitem__, entry.classes)))


@cache
def _numbers() -> tuple[int, ...]:
    return tuple(range(len(classes())))


@dataclass
class Memo:
    """What the search page and its index were made from, and what they became (the plain list of
    pages, each piece of the index): the preview server keeps the last build's, so that an edit
    makes one piece again, and not the whole index or the list."""

    # What a key is made of tells what it keeps: the plain list by its folder, the index's pieces
    # by their page types; each caller asks with keys of its own shape and gets its own values back.
    earlier: dict[tuple[object, ...], Any] = field(default_factory=dict)
    now: dict[tuple[object, ...], Any] = field(default_factory=dict)

    def get(self, key: tuple[object, ...], make: Callable[[], T]) -> T:
        if key not in self.now:
            self.now[key] = self.earlier[key] if key in self.earlier else make()
        value: T = self.now[key]
        return value

    def turn(self) -> None:
        """The build is done: what it used is what the next one finds."""
        self.earlier, self.now = self.now, {}


class SearchPage(NamedTuple):
    """A variant's search page, and its index (see ``page``)."""

    view: PageView
    pieces: dict[str, bytes]  # the scripts of the index, by output path
    listing_path: str  # the script that names them (``LISTING``)
    listing: bytes


def page(loc: Localizer, entries: list[IndexedPage], made: Memo | None = None) -> SearchPage:
    """The search page of one variant, the pieces of its index and the script that lists them: the
    index holds each of ``entries``; the page also lists them plainly, for readers without JavaScript."""
    site = loc.site
    made = made or Memo()
    here = loc.dir_of(PAGE)
    kinds = [t for t in site.config.types if site.by_type.get(t.name)]
    kind_of = {t.name: i for i, t in enumerate(kinds)}
    listed = tuple((entry.dir, entry.title, entry.type_name) for entry in entries)
    urls_of, groups = made.get((here, tuple(kind_of), listed), partial(_listed, loc, here, kinds, listed))
    words = rewrites(loc)
    pieces = {f"{here}{name}": script for name, script in _pieces(entries, urls_of, kind_of, made)}
    class_of = entry_classes()
    head = {"kinds": [[t.name, loc.text(t.label)] for t in kinds], "words": words,
            "fold": _fold_groups({class_of[c] for pair in words for form in pair for c in form if c in class_of})}
    view = PageView(
        id=PAGE, template="search.html", dir=here, title=loc.title_of(PAGE), breadcrumbs=loc.breadcrumbs(here, PAGE),
        extra={"index": _script_json(head), "kinds": head["kinds"], "listing": LISTING, "groups": groups},
    )
    names = json.dumps([path[len(here):] for path in pieces])
    return SearchPage(view, pieces, f"{here}{LISTING}", f"self.searchPieces={names};\n".encode())


def _listed(loc: Localizer, here: str, kinds: list[PageType],
            listed: tuple[tuple[str, str, str], ...]) -> tuple[list[str], list[tuple[str, list[Link]]]]:
    """Each listed page's address from the search page, and the plain list of pages by type (with
    a group for pages of no type), from each page's folder, title and type name."""
    urls_of = [urls.relative(here, folder) for folder, _, _ in listed]
    links = [(type_name, Link(url, title)) for (_, title, type_name), url in zip(listed, urls_of, strict=True)]
    groups = [(loc.text(t.plural), [link for name, link in links if name == t.name]) for t in kinds]
    names = {t.name for t in kinds}
    groups.append((loc.names["other_pages"], [link for name, link in links if name not in names]))
    return urls_of, [(heading, group) for heading, group in groups if group]


def _pieces(entries: list[IndexedPage], urls_of: list[str], kind_of: dict[str, int],
            made: Memo) -> list[tuple[str, bytes]]:
    """The index of ``entries`` (pages at ``urls_of``) in pieces: each a script adding its pages, and
    the folding classes of the characters they hold, to ``self.searchIndex``; named by its content.
    A piece in ``made`` from the same entries (the same records: it keeps them, so that their ids
    name them), addresses and types is taken as it is."""
    # Bytes of UTF-8, about (most characters are CJK), and pages per piece on average: a power of two,
    # so it moves only when the site's size doubles or halves.
    size = 3 * (sum(map(len, urls_of)) + sum(len(e.title) + len(e.summary) + len(e.text) for e in entries))
    every = 2 ** round(math.log2(max(1.0, PIECE_BYTES * len(entries) / size))) if entries else 1

    def piece(listed: list[str], pages: list[IndexedPage]) -> tuple[str, bytes, list[IndexedPage]]:
        items = [_json([url, page.title, kind_of.get(page.type_name, -1), page.summary, page.text])
                 for url, page in zip(listed, pages, strict=True)]
        found = set().union(*(page.classes for page in pages))
        data = '{"pages":[' + ",".join(items) + '],"fold":' + _json(_fold_groups(found)) + "}"
        script = f"(self.searchIndex=self.searchIndex||[]).push({data});\n".encode()
        return f"index-{hashlib.blake2b(script, digest_size=5).hexdigest()}.js", script, pages

    out, start, kinds = [], 0, tuple(kind_of.items())
    for i, entry in enumerate(entries):
        if i < len(entries) - 1 and not _ends_piece(entry.id, every):
            continue
        listed, pages = urls_of[start:i + 1], entries[start:i + 1]
        name, script, _ = made.get((kinds, tuple(listed), tuple(map(id, pages))), partial(piece, listed, pages))
        out.append((name, script))
        start = i + 1
    return out


@lru_cache(maxsize=1 << 16)  # more than the pages of a 10,000-page site; bounded for a preview left running
def _ends_piece(pid: str, every: int) -> bool:
    """Whether a piece of the index ends after the page ``pid``: by a hash of its id, not its place."""
    return int.from_bytes(hashlib.blake2b(pid.encode(), digest_size=4).digest()) % every == 0


def _fold_groups(found: set[int]) -> str:
    """The folding classes of ``classes()`` at the places ``found``, for search.js."""
    groups = classes()
    return " ".join(groups[i] for i in sorted(found))


@cache
def entry_classes() -> dict[str, int]:
    """The place in ``classes()`` of each character that folds."""
    return {c: i for i, group in enumerate(classes()) for c in group}


def _text(view: PageView) -> str:
    """What a page says besides its title and summary: its body, then its facts."""
    facts = " ".join(f"{fact.label}：{_html_text(fact.value)}" for fact in view.facts)
    return " ".join(part for part in (_html_text(view.body), facts) if part)


def _html_text(html: str) -> str:
    """The text readers read in body HTML (markdown-it's, well-formed): blocks apart, images by their alt
    text, citation and footnote marks left out. Regular expressions: twenty times Python's HTMLParser."""
    html = _IMAGE.sub(r" \1 ", _BLOCK_END.sub(" ", _MARKS.sub("", html)))
    return Markup(html).striptags()


def rewrites(loc: Localizer) -> list[list[str]]:
    """Forms a word takes in other variants (site glossary, page glossaries, conversion markup), each
    with the form this variant's pages show, where folding characters does not already equate them."""
    site = loc.site
    rules = [*site.content.glossary, *(rule for p in site.pages.values() for rule in p.rules)]
    pairs = set()
    for rule in rules:
        target = rule.form_for(loc.variant.code)
        if target is None and not rule.sources:
            target = loc.convert.plain(rule.forms[0][1])
        if target:
            pairs |= {(key, target) for key in rule.match_keys() if key and search_form(key) != search_form(target)}
    return [list(pair) for pair in sorted(pairs)]


@cache
def classes() -> tuple[str, ...]:
    """Characters that OpenCC converts into one another, a class a string, the one they fold to first.

    Only characters of the Basic Multilingual Plane: a browser's string counts the others as two,
    and folding must keep lengths for excerpts to be marked where they matched.
    """
    folder = Path(opencc.__file__).parent / "dictionary"
    parent: dict[str, str] = {}

    def root(c: str) -> str:
        while parent.setdefault(c, c) != c:
            c = parent[c]
        return c

    for name in CHARACTER_TABLES:
        for line in (folder / f"{name}.txt").read_text(encoding="utf-8").splitlines():
            key, _, values = line.partition("\t")
            for value in values.split(" "):
                if len(key) == len(value) == 1 and ord(key) < 0x10000 and ord(value) < 0x10000:
                    a, b = sorted((root(key), root(value)))
                    parent[b] = a
    members: dict[str, list[str]] = {}
    for c in sorted(parent):
        members.setdefault(root(c), []).append(c)
    return tuple("".join(group) for group in members.values() if len(group) > 1)


@cache
def _class_table() -> Translation:
    return translation({ord(c): group[0] for group in classes() for c in group[1:]})


def search_form(text: str) -> str:
    """``text`` with each character as its class's first: what search.js matches on (less letter case and width)."""
    return _class_table()(text)


def _json(data: object) -> str:
    """Compact JSON with readable characters; the two line separators escaped, which older JavaScript
    refuses in a string."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _script_json(data: object) -> Markup:
    """JSON for a <script type="application/json">: no '<' to end it early."""
    return Markup(_json(data).replace("<", "\\u003c"))
