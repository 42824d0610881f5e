"""Timelines from the event side: an event's `timelines:` puts it on named timelines, which may
also list it; when both say, they agree, or the error names both files."""

from __future__ import annotations

from conftest import MiniSite

TIMELINE = "---\ntitle: 援建年表\nsummary: 援建。\nevents: [{events}]\n---\n说明。\n"
OTHER = "---\ntitle: 关系年表\nsummary: 关系。\n---\n说明。\n"


def event(date: str, timelines: str | None) -> str:
    field = f"timelines: [{timelines}]\n" if timelines is not None else ""
    return f"---\ntitle: 事件{date}\ndate: {date}\nsummary: 一件事。\n{field}---\n经过。\n"


def entries(mini: MiniSite, pid: str) -> list[str]:
    return [li["id"] for li in mini.page("zh-hans", pid).select("ol.timeline > li")]


def test_an_event_names_its_timelines(mini: MiniSite) -> None:
    mini.write("timelines/aid.md", TIMELINE.format(events="events/a"))
    mini.write("timelines/relations.md", OTHER)
    mini.write("events/a.md", event("1950-02-14", None))
    mini.write("events/b.md", event("1953-05-15", "timelines/aid, timelines/relations"))
    mini.write("events/c.md", event("1955-01-01", "timelines/relations"))
    result = mini.build()
    assert result.returncode == 0, result.stderr
    assert entries(mini, "timelines/aid") == ["a", "b"]
    assert entries(mini, "timelines/relations") == ["b", "c"]
    # The event's page lists the timelines it is on, in the reader's script.
    rows = [li.a.get_text() for li in mini.page("zh-hant", "events/b").select(".in-timelines li")]
    assert rows == ["時間線", "援建年表", "關係年表"]


def test_both_sides_saying_it_agree(mini: MiniSite) -> None:
    mini.write("timelines/aid.md", TIMELINE.format(events="events/a"))
    mini.write("events/a.md", event("1950-02-14", "timelines/aid"))
    result = mini.build()
    assert result.returncode == 0, result.stderr
    assert entries(mini, "timelines/aid") == ["a"]


def test_a_timeline_listing_an_event_that_leaves_it_out_is_an_error_naming_both(mini: MiniSite) -> None:
    mini.write("timelines/aid.md", TIMELINE.format(events="events/b, events/a"))
    mini.write("timelines/relations.md", OTHER)
    mini.write("events/a.md", event("1950-02-14", "timelines/relations"))
    mini.write("events/b.md", event("1950-03-01", "timelines/aid"))
    result = mini.build()
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if ": error: " in line]
    assert errors == ["content/timelines/aid.md:4:20: error: 'events/a' is listed here, but its 'timelines' "
                      "(content/events/a.md:5) leaves out 'timelines/aid'"]
    assert "hint: add timelines/aid to 'timelines' in content/events/a.md, or take events/a out of this list" \
        in result.stderr


def test_an_event_may_only_name_timelines(mini: MiniSite) -> None:
    mini.write("people/zhou.md", "---\ntitle: 周恩来\n---\n")
    mini.write("events/a.md", event("1950-02-14", "people/zhou, timelines/nowhere"))
    result = mini.build("check")
    assert result.returncode == 1
    assert "content/events/a.md:5:13: error: 'people/zhou' is not a timeline" in result.stderr
    assert "content/events/a.md:5:26: error: no page has the id or title 'timelines/nowhere'" in result.stderr


def test_new_timeline_has_events_and_concerning(mini: MiniSite) -> None:
    result = mini.build("new", "timeline", "aid")
    assert result.returncode == 0, result.stderr
    text = (mini.root / "content/timelines/aid.md").read_text(encoding="utf-8")
    assert "\nevents: []" in text and "\nconcerning: []" in text
