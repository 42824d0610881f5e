"""Markup that would take the parser time in the square of its length: a paragraph of 80,000 ``[[``
took 37 s, 200,000 would take minutes, and hang the preview as long."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable

import pytest
from markdown_it.rules_inline import StateInline

from docsite.text import markdown

#: Paragraphs whose every ``[`` starts a link or citation that may not end (or ends far away).
REPEATED = {"[[": 200_000, "[[a]]": 100_000, "[[a|": 100_000, "[@": 200_000, "[@a]": 100_000, "[@[@a]": 60_000,
            "[@a;": 100_000}


class _Counted(str):
    """Text that counts the characters its searches go through."""

    scanned = 0

    def find(self, sub: str, start: int | None = None, end: int | None = None) -> int:  # type: ignore[override]
        found = super().find(sub, start, end)
        _Counted.scanned += (len(self) if found == -1 else found) - (start or 0)
        return found

    def count(self, sub: str, start: int | None = None, end: int | None = None) -> int:  # type: ignore[override]
        _Counted.scanned += (len(self) if end is None else end) - (start or 0)
        return super().count(sub, start, end)


def _work(rule: Callable[[StateInline, bool], bool], text: str) -> int:
    """The characters ``rule`` searches through, tried at every ``[`` of ``text`` as the inline
    parser tries it: where it matches, it goes on after the match, else after the ``[``."""
    state = StateInline(_Counted(text), markdown.parser(False), {}, [])
    _Counted.scanned = 0
    while state.pos < len(text):
        if text[state.pos] != "[" or not rule(state, False):
            state.pos += 1
    return _Counted.scanned


@pytest.mark.parametrize("piece", REPEATED)
@pytest.mark.parametrize("rule", ["wikilink", "citation"])
def test_the_link_rules_search_each_character_a_bounded_number_of_times(piece: str, rule: str) -> None:
    text = piece * REPEATED[piece]
    work = _work(getattr(markdown, f"_{rule}"), text)
    assert work <= 4 * len(text), f"{work:,} characters searched for {len(text):,}"


def test_a_paragraph_of_repeated_brackets_is_parsed_in_bounded_time() -> None:
    """The whole parser (markdown-it's own rules too) on 200,000 ``[[``, in a process that gets 60 s:
    a bound far above linear time (a few seconds) and far below quadratic (minutes)."""
    piece = "[["
    script = ("import sys; from docsite.text import markdown\n"
              "tokens = markdown.parse(sys.argv[1] * int(sys.argv[2]), (), False)\n"
              "print(sum(len(t.children or ()) for t in tokens))\n")
    result = subprocess.run([sys.executable, "-c", script, piece, str(REPEATED[piece])], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert int(result.stdout) > 0


def test_links_and_citations_are_read_as_before() -> None:
    tokens = markdown.parse("见[[people/a|甲]]与[[b#c]]，[@k, 第3页; @m]。\n[[x\ny]] [@k;] [@k ]\n", (), False)
    found = markdown.references(tokens, ())
    assert [(r.kind, r.target, r.line, r.raw, r.anchor) for r in found] == [
        ("link", "people/a", 0, "[[people/a|甲]]", ""), ("link", "b", 0, "[[b#c]]", "c"),
        ("cite", "k", 0, "[@k, 第3页; @m]", ""), ("cite", "m", 0, "[@k, 第3页; @m]", ""),
        ("cite", "k", 2, "[@k ]", "")]
    cites = [c.meta["items"] for t in tokens for c in t.children or () if c.type == "citation"]
    assert cites == [[("k", "第3页"), ("m", "")], [("k", "")]]
