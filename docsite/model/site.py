"""The resolved site: every page with what it needs from the others (lists, backlinks, children,
citations, tags, the chronology), as the resolve stage hands it to the views.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

from docsite.model import urls
from docsite.model.chronology import Chronology
from docsite.model.config import PageType, SiteConfig
from docsite.model.files import Image
from docsite.model.page import Content, Page, Source
from docsite.text.markdown import Reference
from docsite.text.variants import Text, fold_to_simplified


@dataclass
class ListPage:
    """A generated index of one page type (people/, places/...)."""

    id: str
    type: PageType


class Found(NamedTuple):
    """What resolving found of one page on its own (stages/resolve.py), kept with the site: the
    next resolve takes it over while the page is the same record and each title by which it names
    other pages names the same pages (``looked_up``)."""

    page: Page
    title: str  # folded: its key in ``Site.titles``
    order: tuple[Any, ...]  # its place among its type's pages
    parent: str | None
    linked: frozenset[str]  # the other pages it links to or names: it is among their backlinks
    anchors: tuple[tuple[str, str, Reference], ...]  # links to a heading: the page, the anchor, the link
    cited: tuple[str, ...]  # source keys, numbered in this order
    tags: tuple[str, ...]  # those that exist
    looked_up: frozenset[str]  # the titles (folded) of the pages it names by title


@dataclass
class Site:
    config: SiteConfig
    pages: dict[str, Page]  # by id, sorted
    sources: dict[str, Source]
    tags: dict[str, Text]
    content: Content
    lists: dict[str, ListPage] = field(default_factory=dict)
    by_type: dict[str, list[str]] = field(default_factory=dict)  # type name -> ids in display order
    backlinks: dict[str, list[str]] = field(default_factory=dict)
    children: dict[str, list[str]] = field(default_factory=dict)
    cited: dict[str, list[str]] = field(default_factory=dict)  # page id -> source keys, numbered in order
    titles: dict[str, list[str]] = field(default_factory=dict)  # folded title -> ids, for [[标题]] links
    chronology: Chronology | None = None
    tagged: dict[str, list[str]] = field(default_factory=dict)
    images: dict[str, Image] = field(default_factory=dict)  # the images pages show, by path (stages/images.py)
    # The files of static/ by name: where each is published (stages/publish.py; templates name them).
    assets: dict[str, str] = field(default_factory=dict)
    # By page id: kept for the next resolve in this process (the preview's), not read by the views.
    found: dict[str, Found] = field(default_factory=dict, compare=False, repr=False)

    def __getstate__(self) -> dict[str, Any]:
        """A site sent to another process, or kept in .cache/, without ``found``: cheaper to make again than to send."""
        return {**self.__dict__, "found": {}}

    def parent(self, pid: str) -> str | None:
        """The page or list one level up, for breadcrumbs."""
        head = pid.rpartition("/")[0]
        while head:
            if head in self.pages or head in self.lists:
                return head
            head = head.rpartition("/")[0]
        return None

    def target(self, name: str) -> str | None:
        """The page a link names: an id, or a title in either script (as MediaWiki resolves links)."""
        if name in self.pages or name in self.lists:
            return name
        ids = self.titles.get(fold_to_simplified(name), [])
        return ids[0] if len(ids) == 1 else None

    def has(self, pid: str) -> bool:
        """Whether ``pid`` is a page of the site: content, a list of a type, the tag index, the search page."""
        return (pid in self.pages or pid in self.lists or (pid == urls.TAGS and bool(self.tagged)) or pid == urls.SEARCH
                or (pid == urls.TIMELINE and bool(self.chronology and self.chronology.events)))

    def neighbours(self, pid: str) -> tuple[str | None, str | None]:
        """Previous and next page of the same type, for types read in sequence (articles)."""
        page = self.pages[pid]
        if not page.type.sequence:
            return None, None
        ids = self.by_type[page.type.name]
        i = ids.index(pid)
        return (ids[i - 1] if i > 0 else None), (ids[i + 1] if i + 1 < len(ids) else None)
