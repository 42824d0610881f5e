"""Generated hostile input thrown at ``build.py check``: front matter of every shape, site.yaml with
settings of the wrong kind, YAML documents (anchors, aliases, nesting, tags, control characters) and
markup. Whatever the input, the check ends within a bound with exit 0 or 1, every error named at
its file (and line), and never a traceback.

CI runs a few examples of each, the same every time, in about a minute; FUZZ_EXAMPLES=N draws N new
ones of each (``benchmarks/fuzz.py`` runs many and counts them). Most run in this process, through
the command line's own entry (``docsite.cli.main``); some through ``build.py`` itself.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import signal
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest
import yaml
from conftest import ROOT, MiniSite
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from docsite import cli

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "8"))
#: The most one check of a small site may take, in seconds: a few are enough; a hang is minutes.
BOUND = 30
#: Where ``benchmarks/fuzz.py`` collects the outcomes (exit status of each input), if set.
REPORT = os.environ.get("FUZZ_REPORT")
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize="FUZZ_EXAMPLES" not in os.environ,
                suppress_health_check=list(HealthCheck), database=None)

#: A line of standard error that reports a problem: at a file of the site, with its line if it has one.
PROBLEM = re.compile(r"^(content|templates|static|site\.yaml)[^:\n]*(:\d+(:\d+)?)?: (error|warning): \S")
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)
#: Pieces of YAML that break parsers: anchors and aliases, merges, tags, complex keys, directives,
#: brackets, quotes, control and odd line-break characters.
YAML_PIECES = ["a: &x [1, 2]\n", "b: *x\n", "c: &y {k: *x}\n", "<<: *y\n", "? [a, b]\n: 1\n", "!!float x\n",
               "!x 1\n", "!!python/object/apply:os.system [echo]\n", "!!binary aGk=\n", "%YAML 1.1\n---\n",
               "---\n", "...\n", "[", "]", "{", "}", "- ", "  ", "\t", ": ", "#", "'", '"', "&a ", "*a ", "|\n", ">\n",
               "\x01", "\x1b", "\x7f", "\x85", "\u2028", "\ufeff", "\U0001f600", "title: 甲\n", "1950-02-14", ".inf",
               "~", "null", "yes", "0x1F", "1:30", "1e3", "=", "<<", "?", ",", "\n"]
YAML_TEXT = st.lists(st.one_of(st.sampled_from(YAML_PIECES), TEXT), max_size=30).map("".join)
#: Values of every type YAML can write, nested a little.
VALUES = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), TEXT,
                                st.sampled_from(["people/a", "index", "甲", "1950-02-14", "-{", "}-", "javascript:x",
                                                 "https://example.org/", "[[x]]", "{{ 7*7 }}"])),
                      lambda inner: st.lists(inner, max_size=3) | st.dictionaries(TEXT, inner, max_size=3),
                      max_leaves=8)
FIELDS = ["title", "summary", "date", "period", "related", "tags", "sources", "draft", "glossary", "changed", "names",
          "born", "died", "geo", "wikipedia", "number", "signed", "unknown", "url"]
#: Pieces of a body: links, citations, conversion markup, Markdown and HTML that is not allowed.
MARKUP_PIECES = ["[[", "]]", "[[index]]", "[[people/a#x|甲]]", "[@", "[@shen1999, 第3页]", "]", "-{", "}-", "-{H|", "|",
                 "zh-hans:", "zh-hant:", ";", "[x](", ")", "javascript:alert(1)", "JaVaScRiPt:", "java&#x09;script:",
                 "<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "{#x}", "# ", "## 标题", "\n", "\n\n",
                 "`", "```", "*", "_", "![", "<", ">", "&#0;", "&amp;", "| a | b |\n|---|---|\n", "[^1]", "[^1]: 注",
                 "{{ 7*7 }}", "{% if %}", "\\", "~~", "\u200b", "甲乙丙", "周恩来"]
MARKUP = st.lists(st.one_of(st.sampled_from(MARKUP_PIECES), TEXT), max_size=40).map("".join)

OUTCOMES: Counter[str] = Counter()


class TookTooLong(Exception):
    pass


@contextlib.contextmanager
def _bounded(seconds: int) -> Iterator[None]:
    """An exception in this process when ``seconds`` pass (a hang fails the test, with its input)."""
    def expire(signum: int, frame: FrameType | None) -> None:
        raise TookTooLong(f"check took more than {seconds} s")

    before = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


def _checked(root: Path, through_command: bool) -> tuple[int, str]:
    """``build.py check`` of ``root``: its exit status and standard error."""
    if through_command:
        result = subprocess.run([sys.executable, str(ROOT / "build.py"), "check", "--jobs", "1"], cwd=root,
                                capture_output=True, text=True, timeout=BOUND)
        return result.returncode, result.stderr
    err = io.StringIO()
    with _bounded(BOUND), contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        status = cli.main(["check", "--root", str(root), "--jobs", "1"])
    return status, err.getvalue()


def _expect_clean(root: Path, through_command: bool = False) -> None:
    status, stderr = _checked(root, through_command)
    OUTCOMES[f"exit {status}"] += 1
    assert status in (0, 1), stderr
    assert "Traceback" not in stderr, stderr
    reports = [line for line in stderr.splitlines() if line and not line.startswith(("  ", "check ", "\r"))]
    assert all(PROBLEM.match(line) for line in reports), stderr
    if status == 1:
        assert any(": error: " in line for line in reports), stderr


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MiniSite]:
    """A small site that checks clean; each example changes one file of it and puts it back."""
    mini = MiniSite(tmp_path_factory.mktemp("fuzz"))
    mini.write("people/a.md", "---\ntitle: 甲\nsources: [shen1999]\n---\n正文[@shen1999]，见[[index]]。\n")
    mini.write("tags.yaml", "alliance: 同盟\n")
    assert _checked(mini.root, False)[0] == 0
    yield mini
    if REPORT:
        path = Path(REPORT)
        before = Counter(json.loads(path.read_text())) if path.is_file() else Counter()
        path.write_text(json.dumps(before + OUTCOMES))


@contextlib.contextmanager
def _changed(path: Path, text: str | bytes) -> Iterator[None]:
    original = path.read_bytes() if path.is_file() else None
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8", "surrogatepass") if isinstance(text, str) else text)
    try:
        yield
    finally:
        if original is None:
            path.unlink()
        else:
            path.write_bytes(original)


def _front_matter(fields: dict[str, Any]) -> str:
    return yaml.safe_dump(fields, allow_unicode=True, default_flow_style=None, width=1000)


@FUZZ
@given(fields=st.dictionaries(st.sampled_from(FIELDS), VALUES, max_size=5), title=st.one_of(VALUES, st.just("甲")))
def test_front_matter_of_any_shape(site: MiniSite, fields: dict[str, Any], title: Any) -> None:
    text = "---\n" + _front_matter({"title": title, **fields}) + "---\n正文\n"
    with _changed(site.root / "content" / "people" / "a.md", text):
        _expect_clean(site.root)


@FUZZ
@given(document=YAML_TEXT, where=st.sampled_from(["people/a.md", "sources.yaml", "tags.yaml", "glossary.yaml"]))
def test_yaml_documents_of_any_shape(site: MiniSite, document: str, where: str) -> None:
    text = f"---\n{document}\n---\n正文\n" if where.endswith(".md") else document
    with _changed(site.root / "content" / where, text):
        _expect_clean(site.root)


def _site_yaml_shapes() -> st.SearchStrategy[Callable[[dict[str, Any]], None]]:
    """Changes to site.yaml's settings: one setting given a value of any kind, or dropped, or a new one."""
    def at(path: tuple[Any, ...], value: Any, drop: bool) -> Callable[[dict[str, Any]], None]:
        def change(config: dict[str, Any]) -> None:
            holder: Any = config
            for key in path[:-1]:
                holder = holder[key]
            if drop:
                del holder[path[-1]]
            else:
                holder[path[-1]] = value
        return change

    config = yaml.safe_load((ROOT / "site.yaml").read_text(encoding="utf-8"))
    paths: list[tuple[Any, ...]] = []

    def walk(value: Any, path: tuple[Any, ...]) -> None:
        if path:
            paths.append(path)
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, inner in items:
            walk(inner, (*path, key))

    walk(config, ())
    return st.builds(at, st.sampled_from(paths), VALUES, st.booleans())


@FUZZ
@given(changes=st.lists(_site_yaml_shapes(), min_size=1, max_size=3), extra=st.one_of(st.none(), YAML_TEXT))
def test_site_yaml_of_any_shape(site: MiniSite, changes: list[Callable[[dict[str, Any]], None]],
                                extra: str | None) -> None:
    config = yaml.safe_load((ROOT / "site.yaml").read_text(encoding="utf-8"))
    for change in changes:
        with contextlib.suppress(KeyError, IndexError, TypeError):  # a setting an earlier change took away
            change(config)
    text = yaml.safe_dump(config, allow_unicode=True, default_flow_style=None) + (extra or "")
    with _changed(site.root / "site.yaml", text):
        _expect_clean(site.root)


@FUZZ
@given(body=MARKUP, summary=st.one_of(st.just("乙"), MARKUP))
def test_markup_of_any_shape(site: MiniSite, body: str, summary: str) -> None:
    text = "---\n" + _front_matter({"title": "甲", "summary": summary}) + "---\n" + body + "\n"
    with _changed(site.root / "content" / "people" / "a.md", text):
        _expect_clean(site.root)


@settings(FUZZ, max_examples=max(2, EXAMPLES // 4))
@given(document=YAML_TEXT, body=MARKUP)
def test_through_the_command_itself(site: MiniSite, document: str, body: str) -> None:
    """The same, through ``build.py check`` in a process of its own: a hang is killed at the bound."""
    with _changed(site.root / "content" / "people" / "a.md", f"---\ntitle: 甲\n{document}\n---\n{body}\n"):
        _expect_clean(site.root, through_command=True)
