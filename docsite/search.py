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

The index is embedded in the search page: a first search costs that page and search.js, nothing
else, and works from a folder opened from disk, where browsers refuse to fetch files.
"""

from __future__ import annotations

import json
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
#: OpenCC's tables of single characters: their pairs make the classes a query is folded by.
CHARACTER_TABLES = ("TSCharacters", "STCharacters", "TWVariants", "TWVariantsRev", "HKVariants", "HKVariantsRev")
#: Body elements readers do not read as part of the text: citation and footnote marks.
_MARKS = re.compile(r'<(sup|a)\b[^>]*\bclass="(?:citation|footnote-ref|footnote-backref)"[^>]*>.*?</\1>', re.DOTALL)
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|t[dh]|d[td]|blockquote|figcaption)>|<br\b[^>]*>")
_IMAGE = re.compile(r'<img\b[^>]*\balt="([^"]*)"[^>]*>')


#: What the index keeps of a page: its id, folder, title, type name, summary and text (see ``entry``).
Entry = tuple[str, str, str, str, str, str]


def entry(view: PageView) -> Entry:
    """A page as the search page lists it; made where the view is, so the views need not be kept."""
    return (view.id, view.dir, view.title, view.type_name, view.summary, _text(view))


def page(loc: Localizer, entries: list[Entry], diags: Diagnostics) -> PageView:
    """The search page of one variant: the index of its pages' ``entries``, and a plain list of them
    for readers without JavaScript."""
    site = loc.site
    if PAGE in site.pages:
        diags.error(site.pages[PAGE].path, 1, f"the page id '{PAGE}' is the address of the search page",
                    "rename the file")
    here = loc.dir_of(PAGE)
    kinds = [t for t in site.config.types if site.by_type.get(t.name)]
    kind_of = {t.name: i for i, t in enumerate(kinds)}
    # A page is a list, for size: its URL, title, type (in kinds; -1 for generated pages), summary, text.
    pages = [[urls.relative(here, folder), title, kind_of.get(type_name, -1), summary, text]
             for _, folder, title, type_name, summary, text in entries]
    words = rewrites(loc)
    chars = set("".join(field for item in pages for field in item[1:] if isinstance(field, str)))
    chars |= set("".join(form for pair in words for form in pair))
    index = {"kinds": [[t.name, loc.text(t.label)] for t in kinds], "pages": pages, "words": words,
             "fold": " ".join(group for group in classes() if not chars.isdisjoint(group))}
    links = [(item[3], Link(listed[0], item[2])) for item, listed in zip(entries, pages)]
    groups = [(loc.text(t.plural), [link for name, link in links if name == t.name]) for t in kinds]
    groups.append((loc.text("其他页面"), [link for name, link in links if name not in kind_of]))
    return PageView(
        id=PAGE, template="search.html", dir=here, title=loc.title_of(PAGE), breadcrumbs=loc.breadcrumbs(here, PAGE),
        extra={"index": _script_json(index), "kinds": index["kinds"],
               "groups": [(heading, group) for heading, group in groups if group]},
    )


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


def _script_json(data: object) -> Markup:
    """JSON for a <script type="application/json">: readable characters, and no '<' to end it early."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return Markup(text.replace("<", "\\u003c"))
