"""The chronology of a site: its events in order, which pages they concern, the named timelines
that select them, and the geometry of the proportional overview.

Built once from the resolved site; every variant renders the same chronology in its own script.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from docsite.model.chronology import Bar, Chronology, Overview, Tick
from docsite.model.config import TimelineConfig
from docsite.model.page import Page
from docsite.text.dates import EDTF

WIDTH = 1000  # the overview's coordinate width; the SVG scales to its box


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
    named = {}
    for page in pages.values():
        if page.type.name != settings.named:
            continue
        chosen = {e for e in refs(page, settings.events_field) if e in order}
        for concerned in refs(page, settings.concerning_field):
            chosen |= set(by_page.get(concerned, []))
        named[page.id] = sorted(chosen, key=order.__getitem__)
    filters: dict[str, list[str]] = {}
    for pid in events:
        for kind in sorted({pages[t].type.name for t in refs(pages[pid], "related") if t in pages}):
            filters.setdefault(kind, []).append(pid)
    return Chronology(events, {pid: anchor(pid) for pid in events}, by_page, named,
                      _overview(pages, events, list(settings.eras)), filters)


def _overview(pages: dict[str, Page], events: list[str], eras: list[tuple[object, EDTF]]) -> Overview | None:
    """Bars for every page with a period and every event that spans time; ticks for the others."""
    spans = [(p.id, p.fields["period"]) for p in pages.values() if p.fields.get("period") is not None]
    spans += [(pid, pages[pid].fields["date"]) for pid in events
              if pages[pid].fields.get("date") is not None and pages[pid].fields["date"].is_interval]
    points = [d for _, d in spans] + [event_date(pages[pid]) for pid in events] + [d for _, d in eras]
    if not points:
        return None
    first = min(d.earliest for d in points).year
    last = max(d.latest for d in points).year + 1
    total = (dt.date(last, 1, 1) - dt.date(first, 1, 1)).days

    def x(day: dt.date) -> float:
        return round((day - dt.date(first, 1, 1)).days / total * WIDTH, 1)

    def end_of(date: EDTF) -> dt.date:
        return date.latest if not (date.is_interval and date.end is None) else dt.date(last, 1, 1)

    overview = Overview(first, last)
    overview.eras = [Bar(None, label, x(d.earliest), x(end_of(d)), 0) for label, d in eras]
    rows: list[float] = []  # right edge of each row: bars that do not overlap share a row
    for pid, date in sorted(spans, key=lambda item: (item[1].sort_key, item[0])):
        start, end = x(date.earliest), x(end_of(date))
        row = next((i for i, edge in enumerate(rows) if edge < start), len(rows))
        rows[row:row + 1] = [end + 60]  # room for its label
        overview.bars.append(Bar(pid, pages[pid].title, start, max(end, start + 2), row))
    overview.ticks = [Tick(pid, x(event_date(pages[pid]).earliest)) for pid in events
                      if not event_date(pages[pid]).is_interval]
    step = 5 if last - first > 15 else 1
    overview.years = [(year, x(dt.date(year, 1, 1))) for year in range(first - first % step + step, last, step)]
    return overview
