"""A page as one variant shows it: plain data for the templates, every string already converted
into the variant's script and every link relative to the page (made by the views stage).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup


@dataclass(frozen=True)
class Link:
    url: str
    title: str
    summary: str = ""
    kind: str = ""  # the type's label, e.g. 人物
    id: str = ""  # the target page's id, for the URLs machines read (JSON-LD breadcrumbs)


@dataclass(frozen=True)
class Connection:
    """A page connected to the one shown, listed once however it is connected: named in the
    page's ``related``, linking to (or naming) the page, or both."""

    link: Link
    related: bool
    links_here: bool


@dataclass(frozen=True)
class Citation:
    """How to cite the page, in GB/T 7714 and BibTeX: its address and the day the reader cites it
    are marked for the script to fill in (static/site.js), the entries being whole without it."""

    gbt: Markup
    bibtex: Markup


@dataclass(frozen=True)
class Fact:
    label: str
    value: Markup


@dataclass(frozen=True)
class CitedSource:
    """An entry of the page's list of references: a source its text cites, numbered."""

    number: int
    text: str
    url: str | None
    backrefs: tuple[str, ...]  # ids of the citations in the text, for "go back" links


@dataclass(frozen=True)
class TimelineEntry:
    """One event on a timeline: its date, its page, the pages it concerns, its place on /timeline/."""

    anchor: str  # the same in every variant and on every timeline
    date: Markup
    event: Link
    concerns: list[Link]
    on_site_timeline: str  # URL of the entry on the site timeline


@dataclass(frozen=True)
class Membership:
    """An event's place on one timeline: the timeline, and the events before and after it."""

    timeline: Link
    previous: Link | None
    next: Link | None


@dataclass(frozen=True)
class Mark:
    """A page's place on a map: a link to it, where it falls (in map units), its coordinates in words."""

    link: Link
    x: float
    y: float
    coordinates: str


@dataclass(frozen=True)
class MapView:
    """A map drawn at build time (see docsite/stages/maps.py): its size in map units, its outlines, its
    marks, and the map of every place (None on that map itself)."""

    width: float
    height: float
    land: str
    borders: str
    marks: list[Mark]
    atlas: Link | None


@dataclass
class Section:
    """An entry of a page's table of contents: a heading of its body, with the headings under it."""

    anchor: str
    title: str
    subsections: list[Section] = field(default_factory=list)


@dataclass(frozen=True)
class Preview:
    """What a reader is shown of a page on pointing at a link to it (static/previews.js)."""

    url: str
    title: str
    kind: str
    date: Markup
    summary: str


@dataclass
class PageView:
    id: str
    template: str
    dir: str  # output folder, e.g. zh-hans/people/zhou-enlai/
    title: str
    type_name: str = ""
    type_label: str = ""
    summary: str = ""
    body: Markup = Markup("")
    facts: list[Fact] = field(default_factory=list)
    tags: list[Link] = field(default_factory=list)
    connections: list[Connection] = field(default_factory=list)
    children: list[Link] = field(default_factory=list)
    references: list[CitedSource] = field(default_factory=list)
    breadcrumbs: list[Link] = field(default_factory=list)
    previous: Link | None = None
    next: Link | None = None
    timeline: list[TimelineEntry] = field(default_factory=list)  # the events that concern this page
    in_timelines: list[Membership] = field(default_factory=list)  # an event's place on each timeline
    contents: list[Section] = field(default_factory=list)  # on a page long enough to need them
    previews: list[Preview] = field(default_factory=list)  # of the pages its text and facts link to
    changed: str | None = None  # the day its source last changed (content pages)
    locator: MapView | None = None  # where the page's place is, or the places it names
    names: tuple[str, ...] = ()  # its other names, which search finds it by: aliases, names in other languages
    extra: dict[str, Any] = field(default_factory=dict)
