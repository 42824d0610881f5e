"""Search: each variant's index of its pages, in pieces a query loads as it needs them, and the
search page that lists every page for readers without JavaScript.

What search matches on (folding across scripts, tokens, keys) is docsite/text/searchtext.py's. The
index is cut by key, as Pagefind cuts its index by word: a key (a pair of neighbouring tokens, a
word, a number) belongs to one piece, chosen by a hash of the key (of a word's first two letters),
so a query loads the few pieces its keys name, whatever the size of the site. A page's title and
other names are a document of their own, ranked above its summary and text (static/search.js; the
rules are in docs/editing.md). What a result shows of a page is a small script of its own, loaded
for the results shown.

Every piece is a script (``searchPiece(document.currentScript, data)``): scripts load from a folder
opened from disk, where browsers refuse to fetch files. Each is named by a hash of its content, so
hosts and browsers keep it until it changes. The one script not so named, ``LISTING``, names the
others: the search page and every page's search box load it, so that an edit changes it and the
pieces, not the pages.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import math
import os
import re
import tempfile
import zlib
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache, lru_cache, partial
from itertools import accumulate, groupby, repeat
from operator import add, and_, sub
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from markupsafe import Markup

from docsite.model import urls
from docsite.model.config import PageType
from docsite.model.view import Link, PageView
from docsite.processes import forked_map
from docsite.stages.views import Localizer
from docsite.stages.write import UNCHANGED
from docsite.text import readings, searchtext

T = TypeVar("T")
PAGE = urls.SEARCH
#: The script beside the search page that names the pieces of the index; search.js loads them.
LISTING = "pieces.js"
#: The folder beside it that holds the pieces (named by their content, cacheable for ever).
FOLDER = "index/"
#: About this many bytes of index (raw) per piece: a query loads the pieces of its keys, a few.
PIECE_BYTES = 48 * 1024
#: Pages per group of records on average (a power of two): the listing names each group.
GROUP = 16
#: Parts of the index merged one at a time (a power of two).
PARTS = 64
#: Bytes of a part's lines held before they are written to its file.
SPILL_BYTES = 256 * 1024
#: Scripts of the characters' pinyin.
PINYIN_PIECES = 32
BASE32 = "abcdefghijklmnopqrstuvwxyz234567"
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
    terms: bytes  # what the index holds of it (see ``_terms_of``)
    record: bytes  # what a result shows of it besides its address, title and type, compressed (see ``_records``)


#: A page's id, folder, title and type name: what the search page lists of it.
Head = tuple[str, str, str, str]


def indexed(view: PageView) -> IndexedPage:
    """A page as the search page lists it; made where the view is (in parallel, and kept in the
    build cache), so that neither the views nor the pages' text need be kept by the build."""
    text = _text(view)
    terms = _page_terms(view.title, view.names, view.summary, text)
    record = _json([view.summary, text, list(view.names)])[1:-1]
    return IndexedPage(view.id, view.dir, view.title, view.type_name, terms, zlib.compress(record.encode(), 1))


class Pages(NamedTuple):
    """A variant's pages for its index, in order: each one's key (that of the part of the output that
    made it: the same key, the same entry; None where the build keeps no keys), and its entry, asked
    for only where the index changes, so that an edit does not read every page's: ``now`` of the
    page at a number, ``before`` as the part with an earlier key made it (None if no longer at hand)."""

    keys: list[str | None]
    now: Callable[[int], IndexedPage]
    before: Callable[[int, str], IndexedPage | None]


class Index(NamedTuple):
    """What a variant's index was made of: each page's key and head, the size of its lines as
    merged, and each piece (by its place) with a digest of its lines, its name and its script."""

    keys: tuple[str | None, ...]
    heads: tuple[Head, ...]
    size: int
    pieces: tuple[tuple[bytes, str, bytes], ...]


@dataclass
class Memo:
    """What the search page and its index were made from, and what they became (the plain list of
    pages, each piece of the index, each group of page records; each variant's ``Index``): the
    preview server keeps the last build's, and the command line most of it (see ``kept``), so that
    an edit makes again only what it changed."""

    # What a key is made of tells what it keeps: the plain list by its folder, a piece of the index
    # by its lines, a group of records by its pages; each caller asks with keys of its own shape.
    earlier: dict[tuple[object, ...], Any] = field(default_factory=dict)
    now: dict[tuple[object, ...], Any] = field(default_factory=dict)
    indexes: dict[str, Index] = field(default_factory=dict)  # by the search page's folder
    held: bool = False  # the output folder holds the files of the last build's (``restored``)

    def get(self, key: tuple[object, ...], make: Callable[[], T]) -> T:
        if key not in self.now:
            self.now[key] = self.earlier[key] if key in self.earlier else make()
        value: T = self.now[key]
        return value

    def scripts(self, key: tuple[object, ...], make: Callable[[], tuple[str, list[bytes]]]) -> tuple[str, list[bytes]]:
        """A name and the scripts written under it (a group of records), as ``get``; kept by their
        name and number only: the output folder holds the scripts, which a build whose folder does
        (``held``) leaves there (``UNCHANGED``), and another makes again."""
        kept = self.now.get(key) or self.earlier.get(key)
        if kept is not None and self.held:
            self.now[key] = kept
            return kept  # type: ignore[no-any-return]
        name, scripts = made = make()
        self.now[key] = (name, [UNCHANGED] * len(scripts))
        return made

    def turn(self) -> None:
        """The build is done: what it used is what the next one finds."""
        self.earlier, self.now = self.now, {}

    def kept(self) -> dict[tuple[object, ...], Any]:
        """What the command line keeps in .cache/, as a table of which an edit changes a few entries
        (see kept.py): each variant's ``Index`` apart from its pieces (its pages' keys and heads, the
        size of their lines, how many pieces), each piece, the plain lists, and of each group of
        records its name and size (its scripts are in the output folder)."""
        table = {key: (value[0], len(value[1])) if _is_group(key) else value for key, value in self.earlier.items()
                 if _is_group(key) or key[0] == "listing"}
        for here, index in self.indexes.items():
            table[("index", here)] = (index.keys, index.heads, index.size, len(index.pieces))
            table |= {("piece", here, at): piece for at, piece in enumerate(index.pieces)}
        return table

    @classmethod
    def restored(cls, table: dict[tuple[object, ...], Any], held: bool) -> Memo:
        """The memo ``kept`` in ``table``, for a build whose output folder holds the last build's
        files (``held``), or not: then the groups of records are made again (see ``scripts``)."""
        indexes = {}
        for key, value in table.items():
            if key[0] == "index":
                here, (keys, heads, size, count) = str(key[1]), value
                indexes[here] = Index(keys, heads, size, tuple(table[("piece", here, at)] for at in range(count)))
        earlier = {key: (value[0], [UNCHANGED] * value[1]) if _is_group(key) else value for key, value in table.items()
                   if key[0] == "listing" or _is_group(key)}
        return cls(earlier, indexes=indexes, held=held)


def _is_group(key: tuple[object, ...]) -> bool:
    """Whether a key of ``Memo`` is a group of records' (kinds, addresses, keys)."""
    return isinstance(key[0], tuple)


class SearchPage(NamedTuple):
    """A variant's search page, and its index (see ``page``)."""

    view: PageView
    pieces: dict[str, bytes]  # the scripts of the index, by output path: each named by its content
    folder: str  # where they are (hosts may cache all it holds for ever)
    listing_path: str  # the script that names them (``LISTING``)
    listing: bytes
    merged_by: frozenset[int]  # the processes that merged its index


def page(loc: Localizer, pages: Pages, made: Memo | None = None, jobs: int = 1) -> SearchPage:
    """The search page of one variant, the pieces of its index and the script that lists them: the
    index holds each of ``pages`` (merged by ``jobs`` processes); the page also lists them plainly,
    for readers without JavaScript. What the last build made (``made``) is made again only where a
    page's key changed."""
    site = loc.site
    made = made or Memo()
    here = loc.dir_of(PAGE)
    before = made.indexes.get(here)
    kinds = [t for t in site.config.types if site.by_type.get(t.name)]
    kind_of = {t.name: i for i, t in enumerate(kinds)}
    known = dict(zip(before.keys, before.heads, strict=True)) if before else {}
    heads = [known[key] if key is not None and key in known else pages.now(number)[:4]
             for number, key in enumerate(pages.keys)]
    listed = tuple(head[1:] for head in heads)
    urls_of, groups = made.get(("listing", here, tuple(kind_of), listed), partial(_listed, loc, here, kinds, listed))
    index, merged_by = _terms(pages, heads, before, made, jobs)
    made.indexes[here] = index
    records, group_names, sizes = _records(pages, heads, urls_of, kind_of, made)
    # a piece the last build made is left as it is in an output folder that holds it
    kept = before.pieces if before is not None and made.held else ()
    terms = [(f"t{piece[1]}.js", UNCHANGED if at < len(kept) and piece is kept[at] else piece[2])
             for at, piece in enumerate(index.pieces)]
    scripts = [*terms, *records, *_constant_pieces().items()]
    pieces = {f"{here}{FOLDER}{name}": script for name, script in scripts}
    listing = {"t": "".join(name for _, name, _ in index.pieces), "g": "".join(group_names),
               "n": sizes, "fold": _fold_name(), "py": "".join(_pinyin_names()),
               # each page's type, a letter a page (a for the first of ``kinds``; - for none): the filter
               "k": "".join(chr(97 + kind_of[head[3]]) if head[3] in kind_of else "-" for head in heads),
               "kinds": [[t.name, loc.text(t.label)] for t in kinds],
               "words": [[searchtext.fold(a), searchtext.fold(b)] for a, b in rewrites(loc)]}
    view = PageView(
        id=PAGE, template="search.html", dir=here, title=loc.title_of(PAGE), breadcrumbs=loc.breadcrumbs(here, PAGE),
        extra={"kinds": listing["kinds"], "listing": LISTING, "groups": groups},
    )
    return SearchPage(view, pieces, f"{here}{FOLDER}", f"{here}{LISTING}",
                      f"self.searchPieces={_json(listing)};\n".encode(), merged_by)


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


def _page_terms(title: str, names: tuple[str, ...], summary: str, text: str) -> bytes:
    """What the index holds of a page (see ``_terms_of``), from its names and their pinyin (read
    from the names as written: folding loses the context of polyphonic characters) and its
    summary and text, folded: a page's variants mostly fold to the same, and then share the work."""
    fold = searchtext.fold
    unique = list(dict.fromkeys([title, *names]))
    lines = [*unique, *(line for name in unique for line in searchtext.pinyin_lines(name))]
    return _terms_of(tuple(map(fold, lines)), fold(summary), fold(text))


@lru_cache(maxsize=2)
def _terms_of(names: tuple[str, ...], summary: str, text: str) -> bytes:
    """What the index holds of a page, a line a key and field: ``n`` names (each place as line,
    place, the line's length), ``s`` summary (places, as the difference from the one before), ``t``
    text (how often: where in the text is read by search.js from the records of the pages it
    shows). Made with the page (in parallel, and kept in the build cache). The lines come by part
    of the index (``PARTS``), the first line the offset (in characters) where each part ends,
    compressed: the build holds every page's until the index is made. A text's lines, most of a
    page's, are made by operations over all of them at once, not a key at a time, and from the
    text's before where they differ little (``_TextLines``)."""
    tokens, keys = searchtext.tokens, searchtext.keys
    found: dict[str, list[int]] = {}
    for number, line in enumerate(map(tokens, names)):
        for key, places in keys(line, single=True).items():
            found.setdefault(key, []).extend(n for place in places for n in (number, place, len(line)))
    summary_keys = keys(tokens(summary))
    marked = _marked_lines(found, [f"n{key}\t{len(triples) // 3},{_ints(triples)}\n" for key, triples in found.items()])
    marked += _marked_lines(summary_keys, [f"s{key}\t{len(places)},{_deltas(places)}\n"
                                           for key, places in summary_keys.items()])
    marked += _text_lines(text)
    # Each line after the mark of its part, sorted: the parts in order, found by bisection.
    marked.sort()
    ends = [0, *accumulate(map(len, marked))]
    offsets = [ends[bisect_left(marked, mark)] for mark in _PART_MARKS[1:]] + [ends[-1]]
    return zlib.compress(f"{_ints(offsets)}\n{''.join(marked)}".encode(), 1)


def _marked_lines(keys: Iterable[str], lines: Iterable[str]) -> list[str]:
    """Each key's line after the mark of the key's part."""
    parts = map(and_, map(searchtext.key_hash, keys), repeat(PARTS - 1))
    return list(map(add, map(_PART_MARKS.__getitem__, parts), lines))


class _TextLines:
    """A text's lines (see ``_terms_of``), marked, made from the last text's where their keys'
    counts are the same (searchtext.counted): a page's variants are made one after the other (see
    pipeline.Unit), and differ in a few stretches, where a phrase is said otherwise. The second's
    lines then cost less than half the first's (about 0.25 against 0.6 ms, pages of 1,700
    characters: benchmarks/README.md)."""

    def __init__(self) -> None:
        self.last: tuple[searchtext.Counted, dict[str, str]] | None = None

    def __call__(self, text: str) -> list[str]:
        like = self.last
        now = searchtext.counted(text, like[0] if like else None)
        if like is None or now.changed is None:
            counts = now.counts
            lines = dict(zip(counts, _marked_lines(counts, map("t{}\t{}\n".format, counts.keys(), counts.values())),
                             strict=True))
        else:
            lines = like[1].copy()
            for key in now.changed:
                lines.pop(key, None)
            kept = [key for key in now.changed if key in now.counts]
            lines.update(zip(kept, _marked_lines(kept, [f"t{key}\t{now.counts[key]}\n" for key in kept]), strict=True))
        self.last = (now, lines)
        return list(lines.values())


_text_lines = _TextLines()


#: The mark before each line of a page's terms that names its part (in the order of the parts).
_PART_MARKS = tuple(chr(0x30 + part) for part in range(PARTS))


def _deltas(places: list[int]) -> str:
    return _ints(map(sub, places, [0, *places]))


def _terms(pages: Pages, heads: list[Head], before: Index | None, made: Memo,
           jobs: int) -> tuple[Index, frozenset[int]]:
    """The index, cut by key into pieces (``t<hash>.js``): a query loads the pieces of its keys only.
    A key's pages are written as the difference from the one before. How many pieces: about one per
    ``PIECE_BYTES`` of the pages' lines as merged (about twice the index's bytes), a power of two,
    so that the listing is the same until the site's size doubles or halves.

    After an edit that kept the pages and their order, only the pieces holding a key whose lines
    changed are made again (see ``_edited``). Else the pages' lines are merged a part at a time (a
    key's hash modulo ``PARTS``: each piece lies in one part, or a few parts in one piece), put aside
    in temporary files, so that the build holds one part's lines, not the whole index; the parts
    are sorted and cut by ``jobs`` processes where they fork (they read the files; the pages'
    entries, read from the store's connection, stay here), most of an index's time. Returns each
    piece in order (two may be one, the same content under the same name), and the processes
    that made them."""
    edited = _edited(pages, heads, before)
    if edited is not None:
        return edited, frozenset({os.getpid()})
    with tempfile.TemporaryDirectory(prefix="docsite-search-") as folder, _Spill(Path(folder)) as spill:
        for number in range(len(heads)):
            for part, text in enumerate(_marked(pages.now(number).terms, number)):
                if text:
                    spill.add(part, text.encode())
        count = _count(spill.size)
        groups = min(count, PARTS)
        cut = partial(_cut_group, spill, count, groups, made)
        made_by = list(forked_map(cut, range(groups), jobs))
    pieces = [piece for group, _ in made_by for piece in group]
    for at, (digest, name, script) in pieces:  # what other processes made, remembered here
        made.now.setdefault(("piece", count, at, digest), (name, script))
    pieces.sort()
    return (Index(tuple(pages.keys), tuple(heads), spill.size, tuple(piece for _, piece in pieces)),
            frozenset(process for _, process in made_by))


def _cut_group(spill: _Spill, count: int, groups: int, made: Memo, group: int) -> tuple[list[MadePiece], int]:
    """The pieces of one group of parts of the index (see ``_terms``), and the process that made them."""
    lines = spill.read(range(group, PARTS, groups)).splitlines()
    return _cut(lines, count, range(group, count, groups), made), os.getpid()


def _edited(pages: Pages, heads: list[Head], before: Index | None) -> Index | None:
    """The index of ``before``'s pages, in the same order, some of them edited (their key
    changed): each edited page's lines that are not its lines before are added, those no longer
    its lines are taken out, and only the pieces of their keys are made again, and of each only
    the keys whose lines changed (``_patched``). None when the pages or their order changed, a
    page's entry before is no longer at hand, or the pieces are to be as many as before: the index
    is then made from every page."""
    if before is None or None in pages.keys or None in before.keys \
            or [head[0] for head in before.heads] != [head[0] for head in heads]:
        return None
    count, size = len(before.pieces), before.size
    gone: dict[int, set[str]] = {}
    came: dict[int, list[str]] = {}
    for number, (was, key) in enumerate(zip(before.keys, pages.keys, strict=True)):
        if was == key or was is None:
            continue
        earlier = pages.before(number, was)
        if earlier is None:
            return None
        old, new = ("".join(_marked(terms, number)) for terms in (earlier.terms, pages.now(number).terms))
        size += len(new.encode()) - len(old.encode())
        old_lines, new_lines = old.splitlines(), new.splitlines()
        for line in set(old_lines).difference(new_lines):
            gone.setdefault(_place(line, count), set()).add(line)
        for line in set(new_lines).difference(old_lines):
            came.setdefault(_place(line, count), []).append(line)
    if _count(size) != count:
        return None
    pieces = list(before.pieces)
    for index in gone.keys() | came.keys():
        pieces[index] = _patched(pieces[index], gone.get(index, set()), came.get(index, []))
    return Index(tuple(pages.keys), tuple(heads), size, tuple(pieces))


def _marked(terms: bytes, number: int) -> list[str]:
    """A page's lines (see ``_terms_of``) by part, with its number after each key, as the index
    merges them."""
    head, _, body = zlib.decompress(terms).decode().partition("\n")
    ends = [0, *map(int, head.split(","))]
    tab = f"\t{number:07d}\t"
    return [body[ends[part]:ends[part + 1]].replace("\t", tab) for part in range(PARTS)]


def _count(size: int) -> int:
    """How many pieces for lines of ``size`` bytes: a power of two (see ``_terms``)."""
    count: int = 2 ** max(0, round(math.log2(max(1.0, size / PIECE_BYTES))))
    return count


def _place(line: str, count: int) -> int:
    """The piece of ``count`` that holds a line's key."""
    return searchtext.bucket(_key_of(line), count)


def _key_of(line: str) -> str:
    """The key a line of the index is of (after its part's mark and its field)."""
    return line[2:line.index("\t")]


class _Spill(contextlib.ExitStack):
    """The pages' index lines by part, written to temporary files as they come (see ``_terms``)."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.paths = [folder / str(part) for part in range(PARTS)]
        self.files = [os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND) for path in self.paths]
        self.buffers = [bytearray() for _ in range(PARTS)]
        for file in self.files:
            self.callback(os.close, file)
        self.size = 0

    def add(self, part: int, lines: bytes) -> None:
        buffer = self.buffers[part]
        buffer += lines
        if len(buffer) > SPILL_BYTES:
            os.write(self.files[part], buffer)
            buffer.clear()
        self.size += len(lines)

    def read(self, parts: Iterable[int]) -> str:
        return b"".join(self.paths[part].read_bytes() + self.buffers[part] for part in parts).decode()


#: A piece made: a digest of its lines, its name, its script.
Piece = tuple[bytes, str, bytes]
#: A piece made, with its place.
MadePiece = tuple[int, Piece]


def _cut(lines: list[str], count: int, indices: Iterable[int], made: Memo) -> list[MadePiece]:
    """The pieces ``indices`` of ``count`` (each with its place) from their lines, which ``lines``
    holds all of, and no other piece's of another index in ``indices``. Lines are sorted (key,
    then page, as page numbers are written with seven digits) and cut by key in C: the work in
    Python is a key's, not a line's. A piece whose lines are those of the last build (the
    preview's ``made``) is not made again."""
    lines.sort()
    flat = "\t".join(lines).split("\t") if lines else []
    heads = flat[0::3]
    runs: dict[int, list[tuple[str, int, int]]] = {}
    at = 0
    for head, run in groupby(heads):
        end = at + len(list(run))
        runs.setdefault(searchtext.bucket(head[2:], count), []).append((head, at, end))
        at = end
    pieces = []
    for index in indices:
        here = runs.get(index, [])
        digest = hashlib.blake2b()
        for _, start, end in here:
            digest.update("\n".join(lines[start:end]).encode())
        name, script = made.get(("piece", count, index, digest.digest()), partial(_piece, here, flat))
        pieces.append((index, (digest.digest(), name, script)))
    return pieces


def _piece(runs: list[tuple[str, int, int]], flat: list[str]) -> tuple[str, bytes]:
    """A piece from its keys' runs of lines (``flat``: head [part mark, field, key], page, data of
    each line in turn): each key's names, summary and text, each a list of pages (the difference
    from the one before) with their data."""
    encoded: dict[str, list[str]] = {}
    for head, at, end in runs:
        numbers, values = list(map(int, flat[3 * at + 1:3 * end:3])), flat[3 * at + 2:3 * end:3]
        steps = map(sub, numbers, [-1, *numbers[:-1]])
        field = encoded.setdefault(head[2:], ["", "", ""])
        field["nst".index(head[1])] = ",".join(map("{},{}".format, steps, values))
    main = "{" + ",".join(f"{_json(k)}:[[{f[0]}],[{f[1]}],[{f[2]}]]" for k, f in sorted(encoded.items())) + "}"
    return _hash(main), _script(main)


def _patched(piece: Piece, gone: set[str], came: list[str]) -> Piece:
    """``piece`` with the lines ``gone`` taken out and ``came`` put in (see ``_cut``): of its data, read
    back from its script, only the keys those lines name are made again from their lines, and the
    script is the one ``_piece`` makes of all its lines. Its digest is then of the script, not of the
    lines: a later build that cuts the same lines misses it in its memo, and makes the same piece."""
    script = piece[2].decode()
    data: dict[str, list[list[int]]] = json.loads(script[script.index(",") + 1:script.rindex(")")])
    by_key: dict[str, list[str]] = {_key_of(line): [] for line in gone}
    for line in came:
        by_key.setdefault(_key_of(line), []).append(line)
    for key, lines in by_key.items():
        lines += [line for line in _lines(key, data.get(key, [[], [], []])) if line not in gone]
        if lines:
            data[key] = _fields(lines)
        else:
            data.pop(key, None)
    main = _json(data, sort_keys=True)
    return hashlib.blake2b(main.encode()).digest(), _hash(main), _script(main)


def _lines(key: str, fields: list[list[int]]) -> list[str]:
    """The lines of one key of a piece, from its data (see ``_piece``): a page's data is its count
    (``t``), or a count and as many places (``s``) or triples (``n``) as it says."""
    mark = _PART_MARKS[searchtext.key_hash(key) & (PARTS - 1)]
    lines = []
    for kind, values in zip("nst", fields, strict=True):
        at, page = 0, -1
        while at < len(values):
            page += values[at]
            size = 1 if kind == "t" else 1 + values[at + 1] * (3 if kind == "n" else 1)
            lines.append(f"{mark}{kind}{key}\t{page:07d}\t{_ints(values[at + 1:at + 1 + size])}")
            at += 1 + size
    return lines


def _fields(lines: list[str]) -> list[list[int]]:
    """The data of one key of a piece from its lines (``_lines`` the other way)."""
    fields: list[list[int]] = [[], [], []]
    last = [-1, -1, -1]
    for line in sorted(lines):
        head, page, values = line.split("\t")
        kind, number = "nst".index(head[1]), int(page)
        fields[kind] += [number - last[kind], *map(int, values.split(","))]
        last[kind] = number
    return fields


def _ints(numbers: Iterable[int]) -> str:
    return ",".join(map(str, numbers))


def _hash(text: str) -> str:
    """A name for content: 35 bits in base 32, lower case (hosts' file systems may ignore case)."""
    digest = int.from_bytes(hashlib.blake2b(text.encode(), digest_size=5).digest()) >> 5
    return "".join(BASE32[digest >> (5 * i) & 31] for i in range(7))


def _script(data: str) -> bytes:
    """A piece of the index: a script that hands its data to search.js."""
    return f"searchPiece(document.currentScript,{data});\n".encode()


def _records(pages: Pages, heads: list[Head], urls_of: list[str], kind_of: dict[str, int],
             made: Memo) -> tuple[list[tuple[str, bytes]], list[str], list[int]]:
    """What a result shows of each page (its address, title, type, summary, text and other names),
    a script a page (``d<hash>-<i>.js``), so that a query loads the pages it shows and no other.
    Pages are in groups that end after pages chosen by a hash of their id, not by position, and
    named by a hash of the group: an edit renames one group's scripts, and the listing names the
    groups (``GROUP`` pages on average), not every page. A group is known by its pages' keys: only
    the entries of the groups of edited pages are read. Returns the scripts, the groups' names and sizes."""
    out: list[tuple[str, bytes]] = []
    names, sizes, start, kinds = [], [], 0, tuple(kind_of.items())

    def group(numbers: range) -> tuple[str, list[bytes]]:
        items = []
        for number in numbers:
            entry = pages.now(number)
            record = zlib.decompress(entry.record).decode()
            items.append(f"[{_json(urls_of[number])},{_json(entry.title)},{kind_of.get(entry.type_name, -1)},{record}]")
        return _hash("\n".join(items)), [_script(item) for item in items]

    for i, head in enumerate(heads):
        if i < len(heads) - 1 and not _ends_piece(head[0], GROUP):
            continue
        numbers = range(start, i + 1)
        key = (kinds, tuple(urls_of[start:i + 1]), tuple(pages.keys[start:i + 1]))
        name, scripts = made.scripts(key, partial(group, numbers))
        out += [(f"d{name}-{n}.js", script) for n, script in enumerate(scripts)]
        names.append(name)
        sizes.append(len(numbers))
        start = i + 1
    return out, names, sizes


@lru_cache(maxsize=1 << 16)  # more than the pages of a 10,000-page site; bounded for a preview left running
def _ends_piece(pid: str, every: int) -> bool:
    """Whether a group of records ends after the page ``pid``: by a hash of its id, not its place."""
    return int.from_bytes(hashlib.blake2b(pid.encode(), digest_size=4).digest()) % every == 0


@cache
def _constant_pieces() -> dict[str, bytes]:
    """What every index shares, whatever the site: the folding table, and the characters' pinyin
    (``PINYIN_PIECES`` scripts by character code) with which search.js reads a query that found
    nothing as it sounds. Named by their content, they are cached once for every build."""
    fold = _json({"classes": " ".join(searchtext.classes()), "letters": searchtext.letters_table()})
    pieces = {f"f{_hash(fold)}.js": _script(fold)}
    tables: list[dict[str, str]] = [{} for _ in range(PINYIN_PIECES)]
    for character, reading in readings.shipped().items():
        tables[ord(character) % PINYIN_PIECES][character] = searchtext.fold(reading)
    for table in tables:
        data = _json(table)
        pieces[f"y{_hash(data)}.js"] = _script(data)
    return pieces


def _fold_name() -> str:
    return next(name[1:-3] for name in _constant_pieces() if name.startswith("f"))


def _pinyin_names() -> list[str]:
    return [name[1:-3] for name in _constant_pieces() if name.startswith("y")]


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


def search_form(text: str) -> str:
    """``text`` folded as search matches it (see docsite/text/searchtext.py)."""
    return searchtext.fold(text)


def _json(data: object, sort_keys: bool = False) -> str:
    """Compact JSON with readable characters; the two line separators escaped, which older JavaScript
    refuses in a string."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys)
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
