"""The chronology as data, per variant: events.json, events.csv and a TimelineJS file.

Field names are stable (documented in the README); text is converted into the variant's script,
dates keep the precision they were written with.
"""

from __future__ import annotations

import csv
import io
import json
from functools import partial
from typing import Any, NamedTuple

from docsite.incremental.reads import remembered
from docsite.model import urls
from docsite.stages import timelines
from docsite.stages.views import Localizer
from docsite.text.dates import Point

FIELDS = ("id", "anchor", "title", "date", "date_display", "earliest", "latest", "summary", "url",
          "related", "related_titles", "timelines", "sources")


class _Event(NamedTuple):
    """An event as the data files hold it: its record and TimelineJS event, each also as the JSON
    the files hold of it (two spaces a level, as an item of a list at the first level): made with
    the record and remembered with it, so that an edit writes again the JSON of the events it
    changed only, and the files are joined from the rest (Python's JSON encoder is its slow one
    when it indents)."""

    record: dict[str, Any]
    record_json: str
    timelinejs: dict[str, Any]
    timelinejs_json: str


def timeline_files(loc: Localizer) -> dict[str, bytes]:
    """The three files under <variant>/timeline/, or none when the site has no timeline."""
    chronology = loc.chronology
    if not chronology.events:
        return {}
    folder = loc.dir_of(urls.TIMELINE)
    events = [remembered(loc.site, loc.memo("records"), pid, partial(_event, loc, pid, folder))
              for pid in chronology.events]
    table = io.StringIO()
    writer = csv.DictWriter(table, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: _cell("; ".join(v) if isinstance(v, list) else v) for k, v in e.record.items()}
                     for e in events)
    return {
        folder + "events.json": _json({"events": _LIST}, [e.record_json for e in events]),
        folder + "events.csv": table.getvalue().encode("utf-8"),
        folder + "timelinejs.json": _json(_timelinejs(loc), [e.timelinejs_json for e in events]),
    }


def _event(loc: Localizer, pid: str, folder: str) -> _Event:
    record = _record(loc, pid, folder)
    timelinejs = _timelinejs_event(loc, record)
    return _Event(record, _item_json(record), timelinejs, _item_json(timelinejs))


#: What makes a spreadsheet read a cell as a formula (OWASP's CSV injection guidance).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: Any) -> Any:
    """A cell a spreadsheet shows as text: one that would start a formula gets a leading apostrophe."""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA_STARTS) else value


def _record(loc: Localizer, pid: str, folder: str) -> dict[str, Any]:
    page = loc.site.pages[pid]
    date = timelines.event_date(page)
    related = [t for t in map(loc.site.target, page.fields.get("related", [])) if t]
    return {
        "id": pid,
        "anchor": loc.chronology.anchors[pid],
        "title": loc.title_of(pid),
        "date": date.text,
        "date_display": loc.text(date.display()),
        "earliest": date.earliest.isoformat(),
        "latest": date.latest.isoformat(),
        "summary": loc.text(page.fields["summary"], page.layers) if "summary" in page.fields else "",
        "url": urls.public(loc.site.config.base_url, folder, loc.dir_of(pid)),
        "related": related,
        "related_titles": [loc.title_of(t) for t in related],
        "timelines": [place.timeline for place in loc.chronology.timelines_of(pid)],
        "sources": list(loc.site.cited.get(pid, [])),
    }


def _timelinejs(loc: Localizer) -> dict[str, Any]:
    """TimelineJS 3's JSON, its events aside (``_LIST``): readers load it into the TimelineJS
    viewer for an interactive timeline."""
    eras = [{"start_date": _tl_date(d.points[0], ""), "end_date": _tl_date(d.points[-1], ""),
             "text": {"headline": loc.text(label)}} for label, d in loc.site.config.timeline.eras]
    return {"title": {"text": {"headline": loc.title_of(urls.TIMELINE),
                               "text": loc.text(loc.site.config.title)}},
            "events": _LIST, "eras": eras}


def _timelinejs_event(loc: Localizer, record: dict[str, Any]) -> dict[str, Any]:
    """An event in TimelineJS 3's JSON."""
    date = timelines.event_date(loc.site.pages[record["id"]])
    first, last = date.points[0], date.points[-1]
    event: dict[str, Any] = {
        "unique_id": record["anchor"],
        "start_date": _tl_date(first, record["date_display"]),
        "text": {"headline": record["title"], "text": record["summary"]},
        "group": record["related_titles"][0] if record["related_titles"] else "",
    }
    if date.is_interval and date.end is not None:
        event["end_date"] = _tl_date(last, "")
    return event


def _tl_date(point: Point, display: str) -> dict[str, str]:
    """A TimelineJS date at the point's own precision: no day is invented for a month."""
    parts = {"year": str(point.year)}
    if point.month:
        parts["month"] = str(point.month)
    if point.day:
        parts["day"] = str(point.day)
    if display:
        parts["display_date"] = display
    return parts


#: Where ``_json`` puts the list of items it is given: a string no text holds (a control character).
_LIST = "\x00list\x00"


def _json(data: dict[str, Any], items: list[str]) -> bytes:
    """``data`` as JSON, two spaces a level, with the list of ``items`` (see ``_item_json``) where
    it holds ``_LIST`` (at the first level): as ``json.dumps(..., indent=2)`` writes the whole."""
    text = json.dumps(data, ensure_ascii=False, indent=2)
    listed = "[\n" + ",\n".join(items) + "\n  ]" if items else "[]"
    return (text.replace(json.dumps(_LIST, ensure_ascii=False), listed, 1) + "\n").encode("utf-8")


def _item_json(item: dict[str, Any]) -> str:
    """``item`` as JSON as it stands in a list at the first level of ``_json``'s: indented twice.
    Text holds no line break as JSON writes it (it writes \\n), so lines are indented as they are."""
    return "    " + json.dumps(item, ensure_ascii=False, indent=2).replace("\n", "\n    ")
