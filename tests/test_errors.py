"""Bad input: a clear message naming file and line, exit status 1, no traceback, nothing written."""

from __future__ import annotations

import re

import pytest
from conftest import MiniSite


def assert_fails(mini: MiniSite, expected: str, *args: str) -> str:
    """Build must fail with exit 1, print `expected` (a regex), no traceback, and write nothing."""
    result = mini.build(*args)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(expected, result.stderr), result.stderr
    assert not (mini.root / "_site").exists()
    return result.stderr


# (files to write, the error line expected on stderr as a regex, a hint that must follow it)
CASES = {
    "malformed YAML": ({"people/zhou-enlai.md": "---\ntitle: 周恩来\nrelated: [treaty\n---\n正文\n"},
                       r"content/people/zhou-enlai\.md:3:\d+: error: invalid YAML: "
                       r".*flow sequence that starts on line 3",
                       "in quotes"),
    "colon in a value": ({"people/zhou-enlai.md": "---\ntitle: 周恩来\nsummary: 总理: 外交部长: 兼\n---\n"},
                         r"content/people/zhou-enlai\.md:3:\d+: error: invalid YAML", "in quotes"),
    "missing title": ({"people/zhou-enlai.md": "---\nsummary: 总理\n---\n正文\n"},
                      r"content/people/zhou-enlai\.md:1: error: the field 'title' is missing",
                      "add a line 'title: ...'"),
    "unknown field": ({"people/zhou-enlai.md": "---\ntitle: 周恩来\nsumary: 总理\n---\n"},
                      r"content/people/zhou-enlai\.md:3:1: error: unknown field 'sumary'", "did you mean 'summary'?"),
    "field of another type": ({"people/zhou-enlai.md": "---\ntitle: 周恩来\nnumber: 3\n---\n"},
                              r"content/people/zhou-enlai\.md:3:1: error: unknown field 'number'",
                              "fields of a person"),
    "uppercase id": ({"people/Zhou.md": "---\ntitle: 周恩来\n---\n"},
                     r"content/people/Zhou\.md: error: 'Zhou' cannot be part of a page id", "rename the file"),
    "Chinese id": ({"people/周恩来.md": "---\ntitle: 周恩来\n---\n"},
                   r"content/people/周恩来\.md: error: '周恩来' cannot be part of a page id", "rename the file"),
    "underscore id": ({"people/zhou_enlai.md": "---\ntitle: 周恩来\n---\n"},
                      r"error: 'zhou_enlai' cannot be part of a page id", "'zhou-enlai'"),
    "duplicate id": ({"people/zhou-enlai.md": "---\ntitle: 周恩来\n---\n",
                      "people/zhou-enlai/index.md": "---\ntitle: 周恩来\n---\n"},
                     r"error: page id 'people/zhou-enlai' is also used by people/zhou-enlai(/index)?\.md",
                     "not both"),
    "duplicate key": ({"people/zhou-enlai.md": "---\ntitle: 周恩来\ntitle: 周总理\n---\n"},
                      r"zhou-enlai\.md:3:1: error: 'title' is given twice \(first on line 2\)", "keep one"),
    "not UTF-8": ({"people/zhou-enlai.md": "---\ntitle: 周恩来\n---\n第一行\n总理".encode("gbk")},
                  r"content/people/zhou-enlai\.md:2:8: error: the file is not UTF-8 text", "save the file as UTF-8"),
    "unknown link": ({"people/zhou-enlai.md": "---\ntitle: 周恩来\n---\n\n他与[[people/vyshinsky]]签约。\n"},
                     r"content/people/zhou-enlai\.md:5:3: error: no page has the id or title 'people/vyshinsky'", ""),
    "unknown related page": ({"people/zhou-enlai.md": "---\ntitle: 周恩来\nrelated:\n  - treaty\n---\n"},
                             r"zhou-enlai\.md:4:5: error: no page has the id or title 'treaty'", ""),
    "unknown source": ({"people/zhou-enlai.md": "---\ntitle: 周恩来\n---\n第一行\n见[@shen1990, 第1页]。\n"},
                       r"content/people/zhou-enlai\.md:5:2: error: no source has the key 'shen1990'",
                       "did you mean 'shen1999'?"),
    "unknown anchor": ({"people/a.md": "---\ntitle: 甲\n---\n## 生平\n",
                        "people/b.md": "---\ntitle: 乙\n---\n见[[people/a#生年]]\n"},
                       r"people/b\.md:4:2: error: 'people/a' has no heading with the anchor '生年'",
                       "anchors of that page: 生平"),
    "link text with markup": ({"people/b.md": "---\ntitle: 乙\n---\n见 [[people/x|王世-{杰}-]]\n"},
                              r"people/b\.md:4:3: error: no page has the id or title 'people/x'\n", ""),
    "markup in a source": ({"sources.yaml": "a:\n  title: 王世-{杰\n"},
                           r"content/sources\.yaml:2: error: source 'a', 'title': "
                           r"conversion markup '-\{' is not closed",
                           "close it"),
    "bad date": ({"documents/a.md": "---\ntitle: 协定\nsigned: 1950-02-30\n---\n"},
                 r"documents/a\.md:3:9: error: 'signed': '1950-02-30': month 2 of 1950 has no day 30", "1950-02-14"),
    "unclosed markup": ({"people/wang-shijie.md": "---\ntitle: 王世杰\n---\n\n王世-{杰的生平\n"},
                        r"wang-shijie\.md:5:3: error: conversion markup '-\{' is not closed", "close it with '}-'"),
    "unknown variant in markup": ({"people/wang-shijie.md": "---\ntitle: 王世-{zh-hanz:杰}-\n---\n"},
                                  r"wang-shijie\.md:2:12: error: 'title': unknown variant code 'zh-hanz'", "zh-hant"),
    "stray file": ({"people/notes.pdf": b"%PDF-1.4"},
                   r"content/people/notes\.pdf: error: content/ holds only Markdown pages", "static/"),
}


@pytest.mark.parametrize("case", CASES)
def test_bad_input(mini: MiniSite, case: str) -> None:
    files, expected, hint = CASES[case]
    for name, text in files.items():
        mini.write(name, text)
    stderr = assert_fails(mini, expected)
    assert stderr.count(": error: ") == 1
    assert hint in stderr


def test_all_errors_reported_at_once(mini: MiniSite) -> None:
    mini.write("people/a.md", "---\ntitle: 甲\ntitel: x\n---\n")
    mini.write("people/b.md", "---\nsummary: 乙\n---\n")
    stderr = assert_fails(mini, r"people/a\.md:3:1: error: unknown field 'titel'")
    assert "people/b.md:1: error: the field 'title' is missing" in stderr
    assert "2 errors" in stderr


def test_failed_build_leaves_previous_output(mini: MiniSite) -> None:
    assert mini.build().returncode == 0
    before = {p: p.read_bytes() for p in (mini.root / "_site").rglob("*") if p.is_file()}
    mini.write("people/a.md", "---\ntitle: [\n---\n")
    result = mini.build()
    assert result.returncode == 1
    after = {p: p.read_bytes() for p in (mini.root / "_site").rglob("*") if p.is_file()}
    assert after == before


def test_template_error_names_template_line(mini: MiniSite) -> None:
    (mini.root / "templates" / "list.html").write_text("{% extends 'base.html' %}\n{% block main %}\n{{ page.nope }}\n"
                                                       "{% endblock %}\n", encoding="utf-8")
    mini.write("people/a.md", "---\ntitle: 甲\n---\n")
    assert_fails(mini, r"templates/list\.html:3: error: template error: .*nope")


def test_usage_error_exit_2(mini: MiniSite) -> None:
    result = mini.build("--no-such-option")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("out", [".", "..", "content/out"])
def test_output_folder_that_would_destroy_the_project(mini: MiniSite, out: str) -> None:
    result = mini.build("--out", out)
    assert result.returncode == 2, result.stderr
    assert "choose another --out" in result.stderr
    assert (mini.root / "content" / "index.md").exists()


def test_symlink_out_of_content_is_refused(mini: MiniSite, tmp_path_factory: pytest.TempPathFactory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.md"
    outside.write_text("---\ntitle: 外部\n---\n", encoding="utf-8")
    (mini.root / "content" / "people").mkdir()
    (mini.root / "content" / "people" / "secret.md").symlink_to(outside)
    assert_fails(mini, r"people/secret\.md: error: this link points outside the content folder")


def test_check_writes_nothing_and_passes(mini: MiniSite) -> None:
    result = mini.build("check")
    assert result.returncode == 0, result.stderr
    assert not (mini.root / "_site").exists()


def test_check_reports_errors(mini: MiniSite) -> None:
    mini.write("people/a.md", "---\ntitle: 甲\n---\n[[nowhere]]\n")
    result = mini.build("check")
    assert result.returncode == 1
    assert "people/a.md:4:1: error: no page has the id or title 'nowhere'" in result.stderr
