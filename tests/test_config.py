"""site.yaml: every mistake reported at its line in one run, booleans only true or false, and what
the engine once named in code (a type's order, the named timeline's fields) declared there."""

from __future__ import annotations

import re

from conftest import MiniSite
from test_errors import assert_fails


def _edit(mini: MiniSite, *pairs: tuple[str, str]) -> None:
    path = mini.root / "site.yaml"
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    path.write_text(text, encoding="utf-8")


def _line(mini: MiniSite, text: str) -> int:
    lines = (mini.root / "site.yaml").read_text(encoding="utf-8").split("\n")
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_a_quoted_false_is_an_error_not_true(mini: MiniSite) -> None:
    _edit(mini, ("base_url: /\n", 'base_url: /\nallow_html: "false"\n'))
    mini.write("topics/a.md", "---\ntitle: 甲\n---\n<b>粗</b>\n")
    assert_fails(mini, rf"site\.yaml:{_line(mini, 'allow_html')}: error: expected true or false, not 'false'")


def test_a_fields_required_flag_quoted_is_an_error(mini: MiniSite) -> None:
    _edit(mini, ("number: {kind: int, label: 条次, required: true,",
                 "number: {kind: int, label: 条次, required: 'no',"))
    assert_fails(mini, rf"site\.yaml:{_line(mini, 'required:')}: error: expected true or false, not 'no'")


def test_every_mistake_of_site_yaml_is_reported_at_its_line(mini: MiniSite) -> None:
    _edit(mini,
          ("base_url: /\n", "base_url: /\ncolour: red\n"),
          ("opencc: s2tw}", "opencc: s2tww}"),
          ("names: {kind: names, label: 原文姓名", "names: {kind: nams, label: 原文姓名"),
          ("    order: number\n", "    order: summary\n"),
          ("  accept: [", "  acept: ["),
          ("period: 1950-02-14/1960-07-16}", "period: 1950-02-30/1960-07-16}"))
    err = assert_fails(mini, r"site\.yaml")
    expected = [
        (_line(mini, "colour"), "unknown setting 'colour'"),
        (_line(mini, "s2tww"), "unknown OpenCC configuration 's2tww'"),
        (_line(mini, "kind: nams"), "unknown field kind 'nams'"),
        (_line(mini, "order: summary"), "type 'article' cannot be ordered by 'summary'"),
        (_line(mini, "acept"), "unknown lint setting 'acept'"),
        (_line(mini, "1950-02-30"), "'1950-02-30/1960-07-16': month 2 of 1950 has no day 30"),
    ]
    for line, message in expected:
        assert re.search(rf"site\.yaml:{line}(:\d+)?: error: {re.escape(message)}", err), (message, err)
    assert f"check failed: {len(expected)} errors" in mini.build("check").stderr


def test_settings_that_name_types_and_fields_are_checked_against_them(mini: MiniSite) -> None:
    _edit(mini, ("  names_from: [person]", "  names_from: [persn]"),
          ("  events_field: events", "  events_field: evnts"))
    err = assert_fails(mini, rf"site\.yaml:{_line(mini, 'persn')}: error: unknown type 'persn'")
    assert re.search(rf"site\.yaml:{_line(mini, 'evnts')}: error: 'evnts' is not a ref or refs field of the type "
                     r"'timeline'\n  hint: its fields that name pages: related, events, concerning", err)


def test_the_named_timelines_fields_are_named_in_site_yaml(mini: MiniSite) -> None:
    """A site whose timelines call their fields otherwise: the engine reads the names site.yaml gives."""
    _edit(mini, ("      events: {kind: refs, label: 事件}", "      picks: {kind: refs, label: 事件}"),
          ("      concerning: {kind: refs, label: 涉及}", "      about: {kind: refs, label: 涉及}"),
          ("  events_field: events", "  events_field: picks"),
          ("  concerning_field: concerning", "  concerning_field: about"))
    mini.write("people/a.md", "---\ntitle: 甲\n---\n")
    mini.write("events/one.md", "---\ntitle: 第一件\ndate: 1950-01-01\n---\n")
    mini.write("events/two.md", "---\ntitle: 第二件\ndate: 1951-01-01\nrelated: [people/a]\n---\n")
    mini.write("events/three.md", "---\ntitle: 第三件\ndate: 1952-01-01\n---\n")
    mini.write("timelines/mine.md", "---\ntitle: 我的\npicks: [events/one]\nabout: [people/a]\n---\n")
    result = mini.build()
    assert result.returncode == 0, result.stderr
    shown = [a.get_text() for a in mini.page("zh-hans", "timelines/mine").select(".what a:first-child")]
    assert shown == ["第一件", "第二件"]


def test_a_type_is_ordered_by_the_field_site_yaml_names(mini: MiniSite) -> None:
    """Documents ordered by the date they were signed, as site.yaml says, not by a name in the engine."""
    mini.write("documents/b.md", "---\ntitle: 乙\nsigned: 1945-08-14\n---\n")
    mini.write("documents/a.md", "---\ntitle: 甲\nsigned: 1950-02-14\n---\n")
    mini.write("documents/c.md", "---\ntitle: 丙\n---\n")
    assert mini.build().returncode == 0
    listed = [a.get_text() for a in mini.page("zh-hans", "documents").select(".link-list a")]
    assert listed == ["乙", "甲", "丙"]
    _edit(mini, ("    list: documents\n    template: document.html\n    order: signed\n",
                 "    list: documents\n    template: document.html\n    order: id\n"))
    assert mini.build().returncode == 0
    assert [a.get_text() for a in mini.page("zh-hans", "documents").select(".link-list a")] == ["甲", "乙", "丙"]
