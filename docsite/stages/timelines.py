"""The chronology of a site: its events in order, which pages they concern, the named timelines
that select them (or that they name themselves), and what each timeline's overview draws (its
geometry: docsite/stages/overview.py).

Built once from the resolved site; every variant renders the same chronology in its own script.
"""

from __future__ import annotations

from collections.abc import Callable

from docsite.model.chronology import Chronology
from docsite.model.config import TimelineConfig
from docsite.model.page import Page
from docsite.model.urls import TIMELINE
from docsite.stages import overview
from docsite.text.dates import EDTF


def date_of(page: Page) -> EDTF | None:
    date: EDTF | None = page.fields.get("date") or page.fields.get("period")
    return date


def event_date(page: Page) -> EDTF:
    """The date of a page on a timeline or the overview, which only dated pages are."""
    date = date_of(page)
    if date is None:
        raise ValueError(f"'{page.id}' has no date, so no timeline holds it")
    return date


def anchor(pid: str) -> str:
    """A fragment from the event's id, the same in every variant: events/treaty-signed -> treaty-signed."""
    return pid.partition("/")[2].replace("/", "-") or pid


def build(pages: dict[str, Page], settings: TimelineConfig, target: Callable[[str], str | None]) -> Chronology:
    """``target`` turns a reference as written (an id or a title) into a page id."""
    def refs(page: Page, name: str) -> list[str]:
        return [t for t in (target(written) for written, _ in page.named(name)) if t]

    dated = [p for p in pages.values() if p.type.name in settings.entries and date_of(p)]
    events = [p.id for p in sorted(dated, key=lambda p: (event_date(p).sort_key, p.id))]
    order = {pid: i for i, pid in enumerate(events)}
    by_page: dict[str, list[str]] = {}
    for pid in events:
        for concerned in refs(pages[pid], "related"):
            by_page.setdefault(concerned, []).append(pid)
    placed: dict[str, set[str]] = {}  # by the entries themselves
    for pid in events:
        for tid in refs(pages[pid], settings.timelines_field):
            placed.setdefault(tid, set()).add(pid)
    named = {}
    for page in pages.values():
        if page.type.name != settings.named:
            continue
        chosen = {e for e in refs(page, settings.events_field) if e in order} | placed.get(page.id, set())
        for concerned in refs(page, settings.concerning_field):
            chosen |= set(by_page.get(concerned, []))
        named[page.id] = sorted(chosen, key=order.__getitem__)
    filters: dict[str, list[str]] = {}
    for pid in events:
        for kind in sorted({pages[t].type.name for t in refs(pages[pid], "related") if t in pages}):
            filters.setdefault(kind, []).append(pid)
    periods = [p.id for p in pages.values() if p.id not in order and p.fields.get("period") is not None]
    drawn = {TIMELINE: events + periods}
    for tid, ids in named.items():
        drawn[tid] = ids + [t for t in refs(pages[tid], settings.concerning_field) if t in periods]
    spans = [(d.earliest, None if d.is_interval and d.end is None else d.latest) for _, d in settings.eras]
    overviews = {tid: overview.views([_item(pages[pid], pid in order) for pid in ids], spans)
                 for tid, ids in drawn.items()}
    return Chronology(events, {pid: anchor(pid) for pid in events}, by_page, named, overviews, drawn, filters)


def _item(page: Page, entry: bool) -> overview.Item:
    """What the overview draws of ``page``: an entry of the timeline or a page's period."""
    date: EDTF = event_date(page) if entry else page.fields["period"]
    open_end = date.is_interval and date.end is None
    return overview.Item(page.id, date.earliest, None if open_end or not date.is_interval else date.latest,
                         date.is_interval, entry, overview.label_em(page.title.source))
