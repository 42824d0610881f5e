"""A page as loaded from its file, the data files' sources, and the content as a whole: what the
load stage hands to the resolve stage.
"""

from __future__ import annotations

import pickle
import zlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from markdown_it.token import Token

from docsite.model.config import PageType
from docsite.text import markdown
from docsite.text.sourcetext import LocMap, compressed, digest
from docsite.text.variants import Block, Rule, Text

#: The fields of a page kept in one pickle until one of them is read (see ``Page.__getstate__``).
SHELVED = ("fields", "anchors", "blocks", "layers")


@dataclass
class Page:
    id: str
    type: PageType
    # Where the file is (``path``), for messages and reading it again; not compared, so that a site
    # moved to another folder has the same pages, and what .cache/ keeps of them still holds. What a
    # page shows depends on its file's place in the site only (``source``). Kept as text: .cache/
    # gives every page back to each build after an edit, and a Path costs fifty times a string to
    # read back.
    file: str = field(compare=False)
    source: str  # the file's path below the site's folder, with "/": content/people/zhou-enlai.md
    fields: dict[str, Any]  # validated front matter: Text for text, EDTF for dates, ...
    # Its title (``fields["title"]``), at hand without the rest of ``fields`` (see ``__getstate__``):
    # every build reads the titles of the people, whose names the conversion lint looks for.
    title: Text
    # The body's [[links]], [@citations] and the files it links to or shows, in reading order
    # (``references``), packed: .cache/ gives every page back to each build after an edit, which
    # reads the references of the pages edited only (every page read back in two thirds of the time).
    refs: bytes = field(repr=False)
    anchors: dict[str, str]  # the fragment of each of the body's headings, and the heading's text
    blocks: tuple[Block, ...]  # the body's conversion markup
    body_line: int  # file line of the body's first line
    layers: tuple[tuple[Rule, ...], ...]  # rules of -{H|...}- in front matter, then the page's glossary
    # The body as Markdown tokens, parsed once as the page is loaded and kept packed (``markdown.pack``):
    # a site's pages are all loaded before any is made, and parsed tokens were most of a loaded page's
    # memory (650 MB at 10,000 pages); the file as written is in ``written``.
    packed: bytes = field(repr=False, compare=False)
    # The file as written (UTF-8, compressed) and where each front-matter value was written
    # (``locs``, pickled): read for messages and the lint only, and kept as two objects instead of
    # thousands, which every process of a build would hold, and copy, among those it reads.
    written: bytes = field(repr=False)
    located: bytes = field(repr=False, compare=False)  # follows from ``written``
    # A digest of ``written``: a build after an edit records every page's (incremental/lastbuild.py).
    digest: bytes = field(repr=False, compare=False)
    changed: str | None = None  # the day its source last changed: `changed:`, else git's (see load._dated)
    stated: str | None = None  # the day its `changed:` field gives, if any: ``changed`` without ``fields``
    draft: bool = False  # its `draft:` field: every build looks at every page's, without ``fields``
    faulty: tuple[str, ...] = ()  # fields missing or wrong (reported, left out): the page is checked, not built
    # What is still its archetype's placeholder (line, column, message, hint), found as the page
    # loads, so that the check of half-made pages reads no page's file or fields again
    # (see stages/unfinished.py).
    unfinished: tuple[tuple[int, int, str, str], ...] = ()
    parsed: list[Token] | None = field(default=None, repr=False, compare=False)  # see ``tokens``
    # The references that link to or show a file: looked at in every page by every build.
    files: tuple[markdown.Reference, ...] = field(default=(), compare=False)
    unpacked: list[markdown.Reference] | None = field(default=None, repr=False, compare=False)  # see ``references``
    made_path: Path | None = field(default=None, init=False, repr=False, compare=False)  # see ``path``

    def __getstate__(self) -> dict[str, Any]:
        """A page crosses between processes with its tokens and references packed only, so that the
        process that renders a page loaded in another does not parse its body again; and its
        fields, headings and markup (``SHELVED``) in one pickle, which the page unpacks when one of
        them is first read (see ``_Shelved``): .cache/ gives every page back to each build after
        an edit, and that build reads them in the pages it loads or resolves again only (the
        pages read back in a third of the time)."""
        state = {**self.__dict__, "parsed": None, "unpacked": None, "made_path": None}
        if SHELVED[0] in state:  # read since it was unpacked, or never packed: packed as it is now
            state["shelved"] = pickle.dumps(tuple(state.pop(name) for name in SHELVED), pickle.HIGHEST_PROTOCOL)
        return state

    @property
    def path(self) -> Path:
        """The file, made a Path when first asked for (messages, mostly)."""
        if self.made_path is None:
            self.made_path = Path(self.file)
        return self.made_path

    def moved(self, file: str) -> None:
        """The site's folder was moved: the same record, told where its file is now."""
        self.file, self.made_path = file, None

    @property
    def references(self) -> list[markdown.Reference]:
        if self.unpacked is None:
            self.unpacked = markdown.unpack_references(self.refs)
        return self.unpacked

    @references.setter
    def references(self, references: list[markdown.Reference]) -> None:
        self.refs = markdown.pack_references(references)
        self.files = tuple(ref for ref in references if ref.kind in markdown.FILE_KINDS)
        self.unpacked = references

    def tokens(self) -> list[Token]:
        """The body's Markdown tokens, unpacked when first asked for and kept until ``release``."""
        if self.parsed is None:
            self.parsed = markdown.unpack(self.packed)
        return self.parsed

    def release(self) -> None:
        """Forget the tokens unpacked once the page is made; packed, they stay."""
        self.parsed = None

    @cached_property
    def rules(self) -> tuple[Rule, ...]:
        """Every conversion rule the page holds: its glossary, and its markup's (body and front matter)."""
        texts = [self.blocks, *(value.blocks for value in self.fields.values() if isinstance(value, Text))]
        return (*(rule for layer in self.layers for rule in layer),
                *(block.rule for blocks in texts for block in blocks if block.rule))

    def named(self, name: str) -> list[tuple[str, tuple[Any, ...]]]:
        """The pages the field ``name`` names (ids or titles, as written), each with the key of
        its place (for ``loc``); none when the page has no such field."""
        spec = self.type.every_field.get(name)
        if spec is None or name not in self.fields:
            return []
        return [(target, (name, *key)) for target, key in spec.kind.references(self.fields[name])]

    @staticmethod
    def as_written(raw: str, locs: LocMap) -> tuple[bytes, bytes, bytes]:
        """The fields ``written``, ``located`` and ``digest`` of a page whose file is ``raw``, its
        values at ``locs``."""
        written = compressed(raw)
        return written, pickle.dumps(locs, pickle.HIGHEST_PROTOCOL), digest(written)

    @property
    def raw(self) -> str:
        """The file as written (newlines as ``\\n``)."""
        return zlib.decompress(self.written).decode("utf-8")

    @property
    def locs(self) -> LocMap:
        """Where each front-matter value was written, by its path (see sourcetext.parse_yaml)."""
        locs: LocMap = pickle.loads(self.located)
        return locs

    def lines(self) -> list[str]:
        """The file's lines as written: for messages and the lint, which look at a few pages."""
        return self.raw.split("\n")

    def loc(self, *key: Any) -> tuple[int, int]:
        """Line and column of a front-matter value, else of the value around it (an item of a list
        written as one name, ``related: x``), else of the front matter."""
        locs = self.locs
        for end in range(len(key), 0, -1):
            if key[:end] in locs:
                return locs[key[:end]]
        return 1, 0

    def locate(self, body_line: int, raw: str) -> tuple[int, int]:
        """File line and column of ``raw`` written on (0-based) body line ``body_line``."""
        line = self.body_line + body_line
        lines = self.lines()
        text = lines[line - 1] if 0 < line <= len(lines) else ""
        return line, text.find(raw) + 1 if raw in text else 0


class _Shelved:
    """One of ``SHELVED`` on the class: a page read back by pickle (see ``Page.__getstate__``) has
    none of them until one is read, which unpacks all of them into the page, once; a page that
    holds them hides this (it describes no data: Python looks in the page first). Not
    ``__getattr__`` on the class: Python's specialized access to attributes gives up on classes
    that have one, and every attribute of every page then costs about four times as much."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __get__(self, page: Page | None, owner: type | None = None) -> Any:
        if page is None:
            return self
        state = page.__dict__
        shelved = state.pop("shelved", None)
        if shelved is None:
            raise AttributeError(f"'Page' object has no attribute {self.name!r}")
        state.update(zip(SHELVED, pickle.loads(shelved), strict=True))
        state["fields"]["title"] = state["title"]  # one object, as loaded (pickled apart: two equal ones)
        return state[self.name]


for _name in SHELVED:
    setattr(Page, _name, _Shelved(_name))


@dataclass
class Source:
    key: str
    type_code: str  # GB/T 7714 document type code: M, J, EB/OL, ...
    data: dict[str, Any]
    line: int


@dataclass
class Content:
    pages: list[Page] = field(default_factory=list)
    sources: dict[str, Source] = field(default_factory=dict)
    tags: dict[str, Text] = field(default_factory=dict)
    glossary: tuple[Rule, ...] = ()
    data_paths: dict[str, Path] = field(default_factory=dict)
    # What could not be read (reported), so that naming it is no mistake too: pages, by id, and data files.
    broken: dict[str, Path] = field(default_factory=dict)
    unread: set[str] = field(default_factory=set)
