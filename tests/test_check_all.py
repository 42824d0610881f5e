"""One `check` run reports every error and every conversion warning of the site, in text, JSON or
GitHub's annotations; `build` reports the same."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT, MiniSite

from docsite import cli
from docsite.commands import check as check_command
from docsite.model.result import BuildResult
from docsite.pipeline import build

#: The editor's walkthrough: four mistakes in four files, and a conversion warning in a page that
#: also has a mistake (its text is still linted, its links still checked).
WALKTHROUGH = {
    "documents/a.md": "---\ntitle: 协定\nsigned: 1950-02-30\n---\n\n双方并为此目的而努力，见[[people/nobody]]。\n",
    "people/b.md": "---\ntitle: 乙\nrelated: [treaty\n---\n正文\n",
    "people/c.md": "---\ntitle: 丙\n---\n\n他与[[people/vyshinsky]]签约，又见[[people/b]]。\n",
    "topics/d.md": "---\ntitle: 丁\n---\n第一行\n见[@shen1990, 第1页]。\n",
}

#: What the one run reports: (file, line, column, severity, the start of the message).
EXPECTED = [
    ("content/documents/a.md", 3, 9, "error", "'signed': '1950-02-30': month 2 of 1950 has no day 30"),
    ("content/documents/a.md", 6, 3, "warning", "'并' becomes '併' in zh-hant (s2tw)"),
    ("content/documents/a.md", 6, 13, "error", "no page has the id or title 'people/nobody'"),
    ("content/people/b.md", 3, 10, "error", "invalid YAML"),
    ("content/people/c.md", 5, 3, "error", "no page has the id or title 'people/vyshinsky'"),
    ("content/topics/d.md", 5, 2, "error", "no source has the key 'shen1990'"),
]


def walkthrough(mini: MiniSite) -> None:
    for path, text in WALKTHROUGH.items():
        mini.write(path, text)


def test_one_check_run_reports_every_mistake_and_warning(mini: MiniSite) -> None:
    walkthrough(mini)
    result = mini.build("check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    found = re.findall(r"^(\S+?):(\d+):(\d+): (error|warning): (.*)$", result.stderr, re.MULTILINE)
    assert [(f, int(line), int(col), sev) for f, line, col, sev, _ in found] == [e[:4] for e in EXPECTED]
    for (*_, message), (*_, expected) in zip(found, EXPECTED, strict=True):
        assert message.startswith(expected), (message, expected)
    # The link to people/b (which cannot be read) is not reported: b's own mistake is.
    assert "people/b'" not in result.stderr
    assert result.stderr.rstrip().endswith("check failed: 5 errors, 1 warning")


def test_json_format_lists_every_problem(mini: MiniSite) -> None:
    walkthrough(mini)
    result = mini.build("check", "--format", "json")
    assert result.returncode == 1
    problems = json.loads(result.stdout)
    assert [(p["file"], p["line"], p["column"], p["severity"]) for p in problems] == [e[:4] for e in EXPECTED]
    assert all(p["message"].startswith(e[4]) for p, e in zip(problems, EXPECTED, strict=True))
    assert problems[0]["hint"].startswith("write a date as 1950-02-14")
    assert "check failed: 5 errors, 1 warning" in result.stderr


def test_github_format_annotates_each_line(mini: MiniSite) -> None:
    walkthrough(mini)
    result = mini.build("check", "--format", "github")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert len(lines) == len(EXPECTED)
    for line, (path, number, col, severity, message) in zip(lines, EXPECTED, strict=True):
        match = re.fullmatch(r"::(error|warning) file=([^,]+),line=(\d+),col=(\d+)::(.*)", line)
        assert match, line
        assert match.groups()[:4] == (severity, path, str(number), str(col))
        assert match.group(5).startswith(message)
    # A hint follows its message on a line of its own, newlines escaped as GitHub reads them.
    assert "%0Ahint: " in lines[0]


def test_a_clean_site_in_json_is_an_empty_list(mini: MiniSite) -> None:
    result = mini.build("check", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_an_unknown_format_is_a_usage_error(mini: MiniSite) -> None:
    result = mini.build("check", "--format", "xml")
    assert result.returncode == 2
    assert "invalid choice: 'xml'" in result.stderr


@pytest.mark.parametrize("command", ["build", "check"])
def test_build_reports_the_conversion_warnings_check_finds(mini: MiniSite, command: str) -> None:
    mini.write("topics/a.md", "---\ntitle: 甲\n---\n双方并为此目的。\n")
    result = mini.build(command)
    assert result.returncode == 0, result.stderr
    assert "content/topics/a.md:4:3: warning: '并' becomes '併' in zh-hant (s2tw)" in result.stderr
    assert "1 warning" in result.stdout + result.stderr
    assert "0 warnings" not in result.stdout + result.stderr


def test_a_build_up_to_date_still_shows_its_warnings(mini: MiniSite) -> None:
    mini.write("topics/a.md", "---\ntitle: 甲\n---\n双方并为此目的。\n")
    assert mini.build().returncode == 0
    again = mini.build()
    assert "is up to date" in again.stdout
    assert "content/topics/a.md:4:3: warning: '并' becomes '併'" in again.stderr
    assert "1 warning" in again.stdout


def test_a_check_after_a_build_looks_again_only_at_what_changed(mini: MiniSite, monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """`check` starts from what the last build kept in .cache/, and reports what a check from nothing
    reports: the mistakes an edit makes in pages it did not touch too."""
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲认识[[people/b]]，双方并为此目的。\n")
    mini.write("people/b.md", "---\ntitle: 乙\n---\n乙的生平。\n")
    mini.write("people/c.md", "---\ntitle: 丙\nrelated: [people/b]\n---\n丙的生平。\n")
    assert cli.main(["build", "--root", str(mini.root), "--jobs", "1"]) == 0
    (mini.root / "content/people/b.md").unlink()
    mini.write("people/d.md", "---\ntitle: 丁\n---\n丁与[[people/c]]双方并为此目的。\n")
    results: list[BuildResult] = []
    monkeypatch.setattr(check_command, "build", lambda *args, **kwargs: results.append(build(*args, **kwargs))
                        or results[-1])
    capsys.readouterr()
    assert cli.main(["check", "--root", str(mini.root), "--jobs", "1"]) == 1
    assert results[0].work.parsed == ["people/d"]
    after_build = capsys.readouterr().err
    shutil.rmtree(mini.root / ".cache")
    assert cli.main(["check", "--root", str(mini.root), "--jobs", "1"]) == 1
    assert results[1].work.parsed == ["index", "people/a", "people/c", "people/d"]
    assert capsys.readouterr().err == after_build
    found = re.findall(r"^(\S+?):(\d+):\d+: (error|warning): (.*)$", after_build, re.MULTILINE)
    assert [(f, int(line), severity, message.split(" from ")[0]) for f, line, severity, message in found] == [
        ("content/people/a.md", 4, "error", "no page has the id or title 'people/b'"),
        ("content/people/a.md", 4, "warning", "'并' becomes '併' in zh-hant (s2tw)"),
        ("content/people/c.md", 3, "error", "no page has the id or title 'people/b'"),
        ("content/people/d.md", 4, "warning", "'并' becomes '併' in zh-hant (s2tw)"),
    ]


def test_a_check_after_a_build_leaves_what_the_build_kept_as_it_was(mini: MiniSite,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A check writes nothing, in .cache/ either: the next build finds there what the last build
    kept (a check that kept its own parts there took the entries the next build's search index
    needs, which then made it whole again: 6.5 s at 10,000 pages)."""
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲认识[[people/b]]。\n")
    mini.write("people/b.md", "---\ntitle: 乙\n---\n乙的生平。\n")
    assert cli.main(["build", "--root", str(mini.root), "--jobs", "1"]) == 0
    mini.write("people/b.md", "---\ntitle: 乙\n---\n乙的生平，后来去了莫斯科。\n")
    kept = {path: path.read_bytes() for path in (mini.root / ".cache").rglob("*") if path.is_file()}
    assert any(path.name == "output.sqlite" for path in kept)
    results: list[BuildResult] = []
    monkeypatch.setattr(check_command, "build", lambda *args, **kwargs: results.append(build(*args, **kwargs))
                        or results[-1])
    assert cli.main(["check", "--root", str(mini.root), "--jobs", "1"]) == 0
    assert {path: path.read_bytes() for path in (mini.root / ".cache").rglob("*") if path.is_file()} == kept
    made = set(results[0].work.made)
    assert {"zh-hans:people/b", "zh-hant:people/b"} <= made and "zh-hans:people/a" not in made
    assert "zh-hans:people/a" in results[0].work.recalled


def test_preview_builds_lint_too(mini: MiniSite) -> None:
    from docsite.incremental.buildcache import BuildCache
    from docsite.pipeline import build

    mini.write("topics/a.md", "---\ntitle: 甲\n---\n双方并为此目的。\n")
    cache = BuildCache(stored=True, memory=True)  # as the preview server builds
    first = build(mini.root, cache=cache)
    assert [d.format().splitlines()[0] for d in first.diagnostics.warnings] == [
        "content/topics/a.md:4:3: warning: '并' becomes '併' in zh-hant (s2tw) from the words around it: "
        "「双方并为此目的」 -> 「雙方併為此目的」; candidates 並/併"]
    again = build(mini.root, cache=cache)  # the page's warnings recalled, not lost
    assert again.diagnostics.warnings == first.diagnostics.warnings
    mini.write("topics/a.md", "---\ntitle: 甲\n---\n双方并为此目的。-{zh-hans:并;zh-hant:並;}-\n")
    assert len(build(mini.root, cache=cache).diagnostics.warnings) == 1
    mini.write("topics/a.md", "---\ntitle: 甲\n---\n双方-{zh-hans:并;zh-hant:並;}-为此目的。\n")
    assert build(mini.root, cache=cache).diagnostics.warnings == []


def test_a_reader_that_stops_early_gets_no_traceback(mini: MiniSite) -> None:
    """`check --format json | head -3`: the pipe closes before the report is written."""
    walkthrough(mini)
    process = subprocess.Popen([sys.executable, str(ROOT / "build.py"), "check", "--format", "json"], cwd=mini.root,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert process.stdout is not None
    process.stdout.close()
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 1
    assert "Traceback" not in stderr
    assert stderr.rstrip().endswith("check failed: 5 errors, 1 warning")
