"""The build runs where processes cannot be forked and cores cannot be asked about (Windows, macOS).

A system without ``fork`` and without ``os.sched_getaffinity`` is played on Linux: the command line
runs in a Python whose ``multiprocessing`` offers only spawn and whose ``os`` lacks
sched_getaffinity, as on Windows. The pages and data it writes are the same, byte for byte, as a
build by forked processes.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, MiniSite

from docsite.processes import START_METHOD_VARIABLE, process_map

#: Runs the command line (arguments after --) in a Python that has neither fork nor sched_getaffinity.
WITHOUT_FORK = """
import multiprocessing, os, sys

real_context = multiprocessing.get_context


def get_context(method=None):
    if method == "fork":
        raise ValueError("cannot find context for 'fork'")
    return real_context(method)


multiprocessing.get_context = get_context
multiprocessing.get_all_start_methods = lambda: ["spawn"]
del os.sched_getaffinity
sys.argv = ["build.py", *sys.argv[1:]]
from docsite.cli import main

sys.exit(main())
"""


def files(folder: Path) -> dict[str, bytes]:
    return {path.relative_to(folder).as_posix(): path.read_bytes() for path in sorted(folder.rglob("*"))
            if path.is_file()}


def run(mini: MiniSite, *args: str, without_fork: bool = False) -> subprocess.CompletedProcess[str]:
    command = ["-c", WITHOUT_FORK] if without_fork else [str(ROOT / "build.py")]
    env = {key: value for key, value in os.environ.items() if key != START_METHOD_VARIABLE}
    return subprocess.run([sys.executable, *command, *args], cwd=mini.root, capture_output=True, text=True,
                          timeout=300, env=env | {"PYTHONPATH": str(ROOT)})


@pytest.fixture
def many(mini: MiniSite) -> MiniSite:
    """A site large enough for two processes to share both the loading and the rendering."""
    for i in range(40):
        related = f"\nrelated: [people/p{i - 1:02}]" if i else ""
        body = f"第{i}位人物与中苏条约。见[[people/p00]]。"
        mini.write(f"people/p{i:02}.md", f"---\ntitle: 人物{i}{related}\n---\n{body}\n")
    return mini


def test_a_build_without_fork_writes_what_a_forked_build_writes(many: MiniSite) -> None:
    spawned = run(many, "build", "--jobs", "2", "--out", "spawned", without_fork=True)
    assert spawned.returncode == 0, spawned.stderr
    assert "Traceback" not in spawned.stderr
    (many.root / ".cache").rename(many.root / ".cache-spawned")  # nothing recalled: every page made again
    forked = run(many, "build", "--jobs", "2", "--out", "forked")
    assert forked.returncode == 0, forked.stderr
    made, expected = files(many.root / "spawned"), files(many.root / "forked")
    assert len(expected) > 100
    assert made == expected


def test_check_runs_without_fork(many: MiniSite) -> None:
    many.write("topics/a.md", "---\ntitle: 甲\n---\n\n-{H|zh-hans:鼠标;zh-hant:滑鼠;}-双方并为此目的而努力。\n")
    result = run(many, "check", "--jobs", "2", without_fork=True)
    assert result.returncode == 0, result.stderr
    assert "content/topics/a.md:5:" in result.stderr and "check passed: 0 errors, 1 warning" in result.stderr


def test_help_and_a_usage_error_without_sched_getaffinity(mini: MiniSite) -> None:
    assert run(mini, "build", "--help", without_fork=True).returncode == 0
    result = run(mini, "build", "--jobs", "0", without_fork=True)
    assert result.returncode == 2
    assert "expected a whole number of processes, 1 or more, not '0'" in result.stderr


def test_an_unknown_start_method_is_a_usage_error(mini: MiniSite) -> None:
    result = subprocess.run([sys.executable, str(ROOT / "build.py"), "check"], cwd=mini.root, capture_output=True,
                            text=True, timeout=120, env=os.environ | {START_METHOD_VARIABLE: "thread"})
    assert result.returncode == 2
    assert result.stderr.startswith(f"build.py: error: {START_METHOD_VARIABLE}=thread: this system starts processes")
    assert "Traceback" not in result.stderr


def test_mistakes_met_by_spawned_processes_are_reported_as_by_one(many: MiniSite) -> None:
    many.write("people/p10.md", "---\ntitle: [未闭合\n---\n")
    many.write("events/e.md", "---\ntitle: 事件\ndate: 1950-02-30\n---\n")
    alone, spawned = run(many, "build", "--jobs", "1"), run(many, "build", "--jobs", "2", without_fork=True)
    assert alone.returncode == spawned.returncode == 1
    assert spawned.stderr == alone.stderr
    many.write("people/p10.md", "---\ntitle: 人物10\n---\n")
    many.write("events/e.md", "---\ntitle: 事件\ndate: 1950-02-14\n---\n")
    (many.root / "templates" / "page.html").write_text(
        "{% extends 'base.html' %}\n{% block main %}\n{{ page.nope }}\n{% endblock %}\n", encoding="utf-8")
    spawned = run(many, "build", "--jobs", "2", without_fork=True)
    assert spawned.returncode == 1
    assert re.search(r"^templates/page\.html:3: error: template error: .*nope", spawned.stderr, re.MULTILINE)



#: Set by the test in this process: a forked process inherits it, a spawned one imports this module afresh.
_marks: list[str] = []


def _inherited(_: int) -> bool:
    return bool(_marks)


@pytest.mark.parametrize(("method", "spawned"), [("spawn", True), ("fork", False), ("", False)])
def test_the_start_method_can_be_chosen(monkeypatch: pytest.MonkeyPatch, method: str, spawned: bool) -> None:
    monkeypatch.setenv(START_METHOD_VARIABLE, method)
    monkeypatch.setattr(sys.modules[__name__], "_marks", ["set here"])
    seen = list(process_map(_inherited, [1, 2, 3, 4], 2))
    assert seen == [not spawned] * 4
