"""The chronology of a site as the timelines stage makes it: events in order, the pages they
concern, the named timelines, and the overview's geometry.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

from docsite.model.urls import TIMELINE


@dataclass(frozen=True)
class Bar:
    """A span on the overview: a page's period, an event over time, or an era (a band)."""

    id: str | None  # the page it links to (None for an era)
    label: object  # page title Text, or the era's label
    start: float
    end: float
    row: int


@dataclass(frozen=True)
class Tick:
    id: str
    x: float


@dataclass
class Overview:
    first_year: int
    last_year: int  # exclusive
    eras: list[Bar] = field(default_factory=list)
    bars: list[Bar] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    years: list[tuple[int, float]] = field(default_factory=list)  # axis labels

    @property
    def rows(self) -> int:
        return max((b.row for b in self.bars), default=-1) + 1


class Place(NamedTuple):
    """An event's place on one timeline: the timeline, and the events before and after it."""

    timeline: str  # the timeline page's id
    previous: str | None
    next: str | None


@dataclass
class Chronology:
    events: list[str]  # ids of every dated entry, in order
    anchors: dict[str, str]  # event id -> fragment on any timeline, e.g. treaty-signed
    by_page: dict[str, list[str]]  # page id -> events that concern it, in order
    named: dict[str, list[str]]  # timeline page id -> its events, in order
    overview: Overview | None
    filters: dict[str, list[str]]  # type name -> events concerning a page of that type

    def timelines_of(self, event: str) -> list[Place]:
        """The place of ``event`` on every timeline holding it."""
        found = []
        for tid, ids, places in self._places:
            i = places.get(event)
            if i is not None:
                found.append(Place(tid, ids[i - 1] if i else None, ids[i + 1] if i + 1 < len(ids) else None))
        return found

    @cached_property
    def _places(self) -> list[tuple[str, list[str], dict[str, int]]]:
        """Every timeline with the place of each of its events (the first, should one come twice):
        asked for by every event page, and searching the site timeline's list each time cost a
        build time that grew with the square of the events."""
        return [(tid, ids, {event: i for i, event in reversed(list(enumerate(ids)))})
                for tid, ids in [(TIMELINE, self.events), *self.named.items()]]
