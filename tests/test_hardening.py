"""Hostile input: whatever a contributor puts in a file gives a file:line message and exit 1, in
bounded time, never a traceback, a hang or a half-written site."""

from __future__ import annotations

import csv
import io
import os
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import ROOT, MiniSite

#: An alias bomb: ten levels of nine aliases stand for 9**10 values in under a kilobyte.
BOMB = 'a0: &a0 [x, x, x, x, x, x, x, x, x]\n' + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10))
#: Each case: (file under the site, its text, the error expected on standard error, as a regex)
YAML_CASES = {
    "alias bomb in front matter": ("content/people/a.md", "---\ntitle: 甲\nsummary:\n" +
                                   "".join("  " + line + "\n" for line in BOMB.splitlines()) + "---\n",
                                   r"content/people/a\.md:\d+:\d+: error: invalid YAML: its aliases \(\*name\) stand "
                                   r"for more than 100,000 values"),
    "alias bomb in a data file": ("content/sources.yaml", BOMB,
                                  r"content/sources\.yaml:\d+:\d+: error: invalid YAML: its aliases"),
    "alias bomb in site.yaml": ("site.yaml", None, r"site\.yaml:\d+:\d+: error: invalid YAML: its aliases"),
    "deep nesting": ("content/people/a.md", "---\ntitle: 甲\nrelated: " + "[" * 3000 + "]" * 3000 + "\n---\n",
                     r"content/people/a\.md:3:\d+: error: invalid YAML: .*nesting depth"),
    "nesting beyond the limit": ("content/tags.yaml", "a: " + "[" * 60 + "]" * 60 + "\n",
                                 r"content/tags\.yaml:1:\d+: error: invalid YAML: nested more than 50 levels deep"),
    "control character in front matter": ("content/people/a.md", "---\ntitle: 甲\x01乙\n---\n",
                                          r"content/people/a\.md:2:9: error: the file holds the control character "
                                          r"U\+0001"),
    "control character in a site.yaml comment": ("site.yaml", "# \x07\n",
                                                  r"site\.yaml:1:3: error: the file holds the control "
                                                  r"character U\+0007"),
    "control character in a body": ("content/people/a.md", "---\ntitle: 甲\n---\n\n正文\x1b[31m\n",
                                    r"content/people/a\.md:5:3: error: the file holds the control character U\+001B"),
    "explicit float tag": ("content/people/a.md", "---\ntitle: !!float x\n---\n",
                           r"content/people/a\.md:2:8: error: invalid YAML: the tag '!!float' is not allowed"),
    "python object tag": ("content/sources.yaml", "a: !!python/object/apply:os.system [echo hi]\n",
                          r"content/sources\.yaml:1:4: error: invalid YAML: the tag '!!python/object/apply:os\.system' "
                          r"is not allowed"),
    "complex key": ("content/people/a.md", "---\ntitle: 甲\n? [a, b]\n: 1\n---\n",
                    r"content/people/a\.md:3:3: error: invalid YAML: a key must be a name"),
}


@pytest.mark.parametrize("case", YAML_CASES)
@pytest.mark.parametrize("command", ["build", "check"])
def test_hostile_yaml_is_an_error_at_its_line(mini: MiniSite, case: str, command: str) -> None:
    relative, text, expected = YAML_CASES[case]
    _rewrite(mini.root / relative, (lambda before: before + "\n" + BOMB) if text is None else (lambda _: text))
    _fails_in_time(mini, command, expected)


def _rewrite(path: Path, change: Callable[[str], str]) -> None:
    """The file at ``path`` (made if missing) given the text ``change`` makes of its text."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(change(path.read_text(encoding="utf-8") if path.exists() else ""), encoding="utf-8")


#: Characters no text may hold once read: the private-use characters that stand for conversion
#: markup cut out of a text (variants.PLACEHOLDER; one read as markup ended the build in an IndexError),
#: and control characters that YAML's escapes write into a key or value (they reached readers raw, or
#: broke a message's line). Each case:
#: (file, a change to its text, the error expected, as a regex).
RESERVED = "\U000f0000"
CHARACTER_CASES = {
    "in a body": ("content/people/a.md", lambda _: "---\ntitle: 甲\n---\n\n正文\U000f0001。\n",
                  r"content/people/a\.md:5:3: error: the text holds U\+F0001, a private-use character"),
    "in front matter, as YAML writes it escaped": (
        "content/people/a.md", lambda _: '---\ntitle: 甲\nsummary: "\\U000F0000"\n---\n',
        r"content/people/a\.md:3:\d+: error: 'summary': the text holds U\+F0000"),
    "in a source": ("content/sources.yaml", lambda text: text.replace("沈志华", "沈志" + RESERVED),
                    r"content/sources\.yaml:\d+(:\d+)?: error: .*the text holds U\+F0000"),
    "in site.yaml": ("site.yaml", lambda text: text.replace("\ntitle: ", "\ntitle: " + RESERVED, 1),
                     r"site\.yaml:\d+(:\d+)?: error: .*the text holds U\+F0000"),
    "a control character, as a YAML escape writes it": (
        "content/people/a.md", lambda _: '---\ntitle: 甲\nsummary: "外交\\x01官"\n---\n',
        r"content/people/a\.md:3:\d+: error: a key or value holds the control character U\+0001, written as an escape"),
    "a control character in a key, as a YAML escape writes it": (
        "content/people/a.md", lambda _: '---\ntitle: 甲\n"\\x1E": 1\n---\n',
        r"content/people/a\.md:3:1: error: a key or value holds the control character U\+001E, written as an escape"),
    "a control character in site.yaml, as a YAML escape writes it": (
        "site.yaml", lambda text: text.replace("\ntitle: 中苏友好同盟互助条约\n", '\ntitle: "\\e中苏条约"\n', 1),
        r"site\.yaml:\d+:\d+: error: a key or value holds the control character U\+001B, written as an escape"),
}


@pytest.mark.parametrize("case", CHARACTER_CASES)
@pytest.mark.parametrize("command", ["build", "check"])
def test_a_character_no_text_may_hold_is_an_error_at_its_line(mini: MiniSite, case: str, command: str) -> None:
    relative, change, expected = CHARACTER_CASES[case]
    _rewrite(mini.root / relative, change)
    _fails_in_time(mini, command, expected)


def _fails_in_time(mini: MiniSite, command: str, expected: str) -> None:
    """``command`` ends within 60 s (a hang fails the test) with exit 1, ``expected`` (a regex) on
    standard error, no traceback and nothing written."""
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), command], cwd=mini.root, capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(expected, result.stderr), result.stderr
    assert not (mini.root / "_site").exists()


def test_spreadsheet_formulas_in_the_events_table_are_shown_as_text(mini: MiniSite) -> None:
    """A title or summary starting with =, +, -, @ would run as a formula in a spreadsheet (CSV injection)."""
    mini.write("events/a.md", "---\ntitle: =HYPERLINK(\"http://example.org\")\nsummary: \"@SUM(1+1)\"\n"
                              "date: 1950-02-14\n---\n正文\n")
    mini.write("events/b.md", "---\ntitle: \"+1 项\"\nsummary: \"-2\"\ndate: 1950-02-15\n---\n正文\n")
    assert mini.build().returncode == 0
    table = (mini.root / "_site" / "zh-hans" / "timeline" / "events.csv").read_text(encoding="utf-8")
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(table))}
    assert (rows["events/a"]["title"], rows["events/a"]["summary"]) == ("'=HYPERLINK(\"http://example.org\")",
                                                                        "'@SUM(1+1)")
    assert (rows["events/b"]["title"], rows["events/b"]["summary"]) == ("'+1 项", "'-2")
    assert rows["events/a"]["date"] == "1950-02-14"


def _files_case(mini: MiniSite, case: str, outside: Path) -> str:
    """Make the hostile file of ``case``; returns the message expected for it."""
    secret = outside / "secret.txt"
    secret.write_text("TOKEN=hunter2\n", encoding="utf-8")
    if case == "static link outside":
        path = mini.root / "static" / "environ.txt"
        path.symlink_to(secret)
        return r"static/environ\.txt: error: this link points outside the site's folder"
    if case == "template link outside":
        path = mini.root / "templates" / "partials" / "leak.html"
        path.symlink_to(secret)
        return r"templates/partials/leak\.html: error: this link points outside the site's folder"
    if case == "dangling link in content":
        path = mini.write("people/a.md", "")
        path.unlink()
        path.symlink_to(outside / "missing.md")
        return r"content/people/a\.md: error: this link leads nowhere"
    if case == "loop of links in content":
        path = mini.root / "content" / "people" / "a.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        (mini.root / "content" / "people" / "b.md").symlink_to(path)
        path.symlink_to(mini.root / "content" / "people" / "b.md")
        return r"content/people/a\.md: error: this link cannot be followed \(a loop of links\)"
    assert case == "pipe named like a page"
    path = mini.root / "content" / "people" / "x.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(path)
    return r"content/people/x\.md: error: this is not a file but a pipe"


@pytest.mark.parametrize("case", ["static link outside", "template link outside", "dangling link in content",
                                  "loop of links in content", "pipe named like a page"])
@pytest.mark.parametrize("command", ["build", "check"])
def test_files_the_build_may_not_read_are_errors(mini: MiniSite, tmp_path_factory: pytest.TempPathFactory,
                                                 case: str, command: str) -> None:
    """Nothing outside the site is published (a link to /proc/self/environ would publish the build's
    secrets), and nothing hangs the build (a pipe)."""
    _fails_in_time(mini, command, _files_case(mini, case, tmp_path_factory.mktemp("outside")))


@pytest.mark.parametrize("date", ["9999", "9999-12-31", "999X", "1950/9999"])
def test_a_date_past_the_calendar_is_an_error_at_its_line(mini: MiniSite, date: str) -> None:
    mini.write("events/a.md", f"---\ntitle: 甲\ndate: {date}\n---\n正文\n")
    result = mini.build("check")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert f"content/events/a.md:3:7: error: 'date': '{date}': years after 9997 are not supported" in result.stderr
