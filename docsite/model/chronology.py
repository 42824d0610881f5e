"""The chronology of a site as the timelines stage makes it: events in order, the pages they
concern, the named timelines, and what each timeline's overview draws (docsite/stages/overview.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from docsite.model.urls import TIMELINE
from docsite.stages.overview import View


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
    overviews: dict[str, list[View]]  # timeline id -> the views of its overview (whole, then eras)
    drawn: dict[str, list[str]]  # timeline id -> the pages its overview draws (entries and periods)
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
