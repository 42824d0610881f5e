"""Archetypes (templates/archetypes/) are files an editor writes: the page one makes is read with the
loader of every YAML file (alias budget, nesting limit, tags, control characters), so that a hostile
one stops `build.py new` with its file and line, and `check` with a warning, never a hang or a traceback."""

from __future__ import annotations

import pytest
from conftest import MiniSite

from docsite.text.sourcetext import MAX_DEPTH

ARCHETYPE = "templates/archetypes/person.md"


def _laughs() -> str:
    """A billion laughs: each anchor nine times the one before, 9**9 values in under a kilobyte."""
    lines = ['a0: &a0 ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]']
    lines += [f"a{n}: &a{n} [{', '.join([f'*a{n - 1}'] * 9)}]" for n in range(1, 9)]
    return "\n".join(lines)


#: Front matter lines after the title (on line 2), and where the problem is: line, column, message.
HOSTILE = {
    "billion laughs": (_laughs(), (8, 10, "invalid YAML: its aliases (*name) stand for more than 100,000 values")),
    "nesting": ("x: " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1),
                (3, 3 + MAX_DEPTH, f"invalid YAML: nested more than {MAX_DEPTH} levels deep")),
    "deeper than libyaml goes": ("x: " + "[" * 20_000 + "]" * 20_000,
                                 (3, 1003, "invalid YAML: exceeded maximum nesting depth (while increasing flow "
                                           "level that starts on line 3)")),
    "a tag": ("x: !!python/object:os.system ls", (3, 4, "invalid YAML: the tag '!!python/object:os.system' is not "
                                                       "allowed")),
    "a control character": ("summary: 甲\x1b乙", (3, 11, "invalid YAML: the character U+001B is not allowed (a "
                                                       "control character, invisible in most editors)")),
}


def _write(mini: MiniSite, lines: str, above: str = "") -> None:
    text = f"---\n{above}title: {{{{ title | yaml }}}}\n{lines}\ndraft: true\n---\n\n正文。\n"
    (mini.root / ARCHETYPE).write_text(text, encoding="utf-8")


@pytest.mark.parametrize("kind", HOSTILE)
def test_new_stops_at_the_archetypes_line(mini: MiniSite, kind: str) -> None:
    lines, (line, col, message) = HOSTILE[kind]
    _write(mini, lines)
    result = mini.build("new", "person", "andrei-gromyko")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == f"{ARCHETYPE}:{line}:{col}: error: the archetype cannot be read: {message}"
    assert not (mini.root / "content" / "people").exists()


@pytest.mark.parametrize("kind", HOSTILE)
def test_check_warns_at_the_archetypes_line(mini: MiniSite, kind: str) -> None:
    lines, (line, col, message) = HOSTILE[kind]
    _write(mini, lines)
    result = mini.build("check")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert f"{ARCHETYPE}:{line}:{col}: warning: the archetype of 'person' cannot be read: {message}" \
        in result.stderr.splitlines()


def test_the_line_is_the_archetypes_whatever_its_loops_make(mini: MiniSite) -> None:
    """Lines of the archetype that make no line, or several, come before the faulty one: the line
    given is still the one the editor wrote."""
    above = ("{% for name in '甲乙丙丁戊' %}field-{{ loop.index }}: {{ name }}\n{% endfor %}"  # lines 2-3 make 5
             "{% if false %}\nx: 1\n{% endif %}")  # lines 3-5 make none
    _write(mini, HOSTILE["nesting"][0], above)  # the title on line 5, the nesting on line 6 (8 of the page made)
    result = mini.build("new", "person", "andrei-gromyko")
    assert result.returncode == 1, result.stderr
    assert result.stderr.splitlines()[0].startswith(f"{ARCHETYPE}:6:{3 + MAX_DEPTH}: error: ")
