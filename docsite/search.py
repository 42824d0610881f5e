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
edit changes one piece, and a new or removed page only its own.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from functools import cache
from pathlib import Path

import opencc
from markupsafe import Markup

from . import urls
from .convert import Link, Localizer, PageView
from .diagnostics import Diagnostics
from .variants import Rule, Text

PAGE = urls.SEARCH
#: About this many bytes of index per piece: gzip works well on each, and a large site's first search
#: loads a few hundred at most, in parallel; the index of a site of a few hundred pages is one piece.
PIECE_BYTES = 256 * 1024
#: OpenCC's tables of single characters: their pairs make the classes a query is folded by.
CHARACTER_TABLES = ("TSCharacters", "STCharacters", "TWVariants", "TWVariantsRev", "HKVariants", "HKVariantsRev")
#: Body elements readers do not read as part of the text: citation and footnote marks.
_MARKS = re.compile(r'<(sup|a)\b[^>]*\bclass="(?:citation|footnote-ref|footnote-backref)"[^>]*>.*?</\1>', re.DOTALL)
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|t[dh]|d[td]|blockquote|figcaption)>|<br\b[^>]*>")
_IMAGE = re.compile(r'<img\b[^>]*\balt="([^"]*)"[^>]*>')


#: What the index keeps of a page: its id, folder, title, type name, summary and text, and the
#: folding classes of its characters (their places in ``classes()``; see ``entry``).
Entry = tuple[str, str, str, str, str, str, tuple[int, ...]]


def entry(view: PageView) -> Entry:
    """A page as the search page lists it; made where the view is (in parallel, and kept in the
    build cache), so the views need not be kept."""
    text = _text(view)
    class_of = _class_of()
    found = {class_of[c] for c in set(view.title + view.summary + text) if c in class_of}
    return (view.id, view.dir, view.title, view.type_name, view.summary, text, tuple(sorted(found)))


def page(loc: Localizer, entries: list[Entry], diags: Diagnostics) -> tuple[PageView, dict[str, bytes]]:
    """The search page of one variant and the pieces of its index (scripts by output path): the
    index holds each of ``entries``; the page also lists them plainly, for readers without JavaScript."""
    site = loc.site
    if PAGE in site.pages:
        diags.error(site.pages[PAGE].path, 1, f"the page id '{PAGE}' is the address of the search page",
                    "rename the file")
    here = loc.dir_of(PAGE)
    kinds = [t for t in site.config.types if site.by_type.get(t.name)]
    kind_of = {t.name: i for i, t in enumerate(kinds)}
    # A page is a list, for size: its URL, title, type (in kinds; -1 for generated pages), summary, text.
    pages = [[urls.relative(here, folder), title, kind_of.get(type_name, -1), summary, text]
             for _, folder, title, type_name, summary, text, _ in entries]
    words = rewrites(loc)
    pieces = {f"{here}{name}": script for name, script in _pieces(entries, pages)}
    class_of = _class_of()
    head = {"kinds": [[t.name, loc.text(t.label)] for t in kinds], "words": words,
            "fold": _fold_groups({class_of[c] for pair in words for form in pair for c in form if c in class_of})}
    links = [(item[3], Link(listed[0], item[2])) for item, listed in zip(entries, pages)]
    groups = [(loc.text(t.plural), [link for name, link in links if name == t.name]) for t in kinds]
    groups.append((loc.text("其他页面"), [link for name, link in links if name not in kind_of]))
    view = PageView(
        id=PAGE, template="search.html", dir=here, title=loc.title_of(PAGE), breadcrumbs=loc.breadcrumbs(here, PAGE),
        extra={"index": _script_json(head), "kinds": head["kinds"], "pieces": [path[len(here):] for path in pieces],
               "groups": [(heading, group) for heading, group in groups if group]},
    )
    return view, pieces


def _pieces(entries: list[Entry], pages: list[list]) -> list[tuple[str, bytes]]:
    """The index of ``pages`` (made from ``entries``) in pieces: each a script adding its pages, and
    the folding classes of the characters they hold, to ``self.searchIndex``; named by its content."""
    items = [_json(item) for item in pages]
    size = sum(map(len, items)) * 3  # bytes of UTF-8, about: most characters are CJK
    # Pages per piece, on average: a power of two, so it moves only when the site's size doubles or halves.
    every = 2 ** round(math.log2(max(1.0, PIECE_BYTES * len(items) / size))) if items else 1
    made, start = [], 0
    for i, (pid, *_) in enumerate(entries):
        if i < len(entries) - 1 and int.from_bytes(hashlib.blake2b(pid.encode(), digest_size=4).digest()) % every:
            continue
        found = set().union(*(listed[6] for listed in entries[start:i + 1]))
        data = '{"pages":[' + ",".join(items[start:i + 1]) + '],"fold":' + _json(_fold_groups(found)) + "}"
        script = f"(self.searchIndex=self.searchIndex||[]).push({data});\n".encode()
        made.append((f"index-{hashlib.blake2b(script, digest_size=5).hexdigest()}.js", script))
        start = i + 1
    return made


def _fold_groups(found: set[int]) -> str:
    """The folding classes of ``classes()`` at the places ``found``, for search.js."""
    groups = classes()
    return " ".join(groups[i] for i in sorted(found))


@cache
def _class_of() -> dict[str, int]:
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
    rules: list[Rule] = list(site.content.glossary)
    for p in site.pages.values():
        rules += [rule for layer in p.layers for rule in layer]
        texts = [p.blocks, *(value.blocks for value in p.fields.values() if isinstance(value, Text))]
        rules += [block.rule for blocks in texts for block in blocks if block.rule]
    pairs = set()
    for rule in rules:
        target = rule.form_for(loc.variant.code)
        if target is None and not rule.sources:
            target = loc.convert.plain(rule.forms[0][1])
        if target:
            pairs |= {(key, target) for key in rule.keys() if key and fold(key) != fold(target)}
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
def _fold_table() -> dict[int, str]:
    return {ord(c): group[0] for group in classes() for c in group[1:]}


def fold(text: str) -> str:
    """``text`` with each character as its class's first: what search.js matches on (less letter case and width)."""
    return text.translate(_fold_table())


def _json(data: object) -> str:
    """Compact JSON with readable characters; the two line separators escaped, which older JavaScript
    refuses in a string."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def _script_json(data: object) -> Markup:
    """JSON for a <script type="application/json">: no '<' to end it early."""
    return Markup(_json(data).replace("<", "\\u003c"))
