"""`build.py check` on every kind of conversion markup: a clear result naming file and line, never a traceback.

Each kind of markup the converter knows (docsite/text/variants.py: verbatim, per-variant forms, and
the flags R, H, A, T, D, one-way rules in H and A, the empty markup) is written in a page's body
and in its summary, followed by a sentence the conversion lint reports: the lint reads every
page, with the rules the markup adds. Malformed markup is an error at its place.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from conftest import MiniSite

#: Markup that is right, by name.
VALID = {
    "verbatim": "王世-{杰}-",
    "forms": "-{zh-hans:长春铁路;zh-hant:長春鐵路;}-",
    "R": "-{R|zh-hans:王世杰}-",
    "H": "-{H|zh-hans:鼠标;zh-hant:滑鼠;}-",
    "H one-way": "-{H|鼠标=>zh-hant:滑鼠;鼠标=>zh-tw:滑鼠;}-",
    "A": "-{A|zh-hans:鼠标;zh-hant:滑鼠;}-",
    "A one-way": "-{A|鼠标=>zh-hant:滑鼠;}-",
    "T": "-{T|zh-hans:苏联;zh-hant:蘇聯;}-",
    "D": "-{D|zh-hans:鼠标;zh-hant:滑鼠;}-",
    "empty": "头-{}-发",
}
#: Markup that is wrong: the text, and the start of the message.
MALFORMED = {
    "not closed": ("甲-{乙", "conversion markup '-{' is not closed"),
    "never opened": ("甲}-乙", "'}-' closes conversion markup that was never opened"),
    "nested": ("-{甲-{乙}-}-", "conversion markup cannot be nested"),
    "unknown flag": ("-{X|zh-hans:甲;zh-hant:乙;}-", "unsupported conversion flag 'X|'"),
    "remove flag": ("-{-|zh-hans:鼠标;zh-hant:滑鼠;}-", "unsupported conversion flag '-|'"),
    "unknown variant": ("-{zh-hanz:甲;}-", "unknown variant code 'zh-hanz'"),
    "H without forms": ("-{H|甲}-", "-{H|...}- needs variant forms"),
    "A without forms": ("-{A|甲}-", "-{A|...}- needs variant forms"),
    "T without forms": ("-{T|甲}-", "-{T|...}- needs variant forms"),
    "D without forms": ("-{D|甲}-", "-{D|...}- needs variant forms"),
    "one-way outside H": ("-{鼠标=>zh-hant:滑鼠;}-", "one-way rules"),
    "one-way without source": ("-{H|鼠标=>zh-hant:滑鼠;zh-hans:鼠标;}-", "one-way rules"),
}
#: What the lint reports in every page: '并' in this sentence becomes '併' in zh-hant.
RISKY = "双方并为此目的而努力。"


def slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def check(mini: MiniSite) -> subprocess.CompletedProcess[str]:
    result = mini.build("check")
    assert "Traceback" not in result.stderr, result.stderr
    return result


def check_pages(folder: Path, markups: dict[str, str], before: str, after: str) -> subprocess.CompletedProcess[str]:
    """One check of a site with two pages for each markup: its body (line 5, and ``after`` on line
    6) or its summary (line 3) holds the markup between ``before`` and ``after``."""
    mini = MiniSite(folder)
    for name, markup in markups.items():
        mini.write(f"topics/body-{slug(name)}.md", f"---\ntitle: 甲\n---\n\n{before}{markup}\n{after}\n")
        mini.write(f"topics/summary-{slug(name)}.md", f"---\ntitle: 甲\nsummary: {before}{markup}{after}\n---\n")
    return check(mini)


@pytest.fixture(scope="module")
def valid(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    return check_pages(tmp_path_factory.mktemp("valid"), VALID, "", RISKY)


@pytest.mark.parametrize("name", VALID)
def test_check_reads_a_body_with_each_markup_and_reports_its_lint(
        valid: subprocess.CompletedProcess[str], name: str) -> None:
    assert valid.returncode == 0, valid.stderr
    assert valid.stderr.strip().endswith("check passed: 0 errors, 20 warnings")
    assert f"content/topics/body-{slug(name)}.md:6:3: warning: '并' becomes '併' in zh-hant" in valid.stderr


@pytest.mark.parametrize("name", VALID)
def test_check_reads_a_summary_with_each_markup_and_reports_its_lint(
        valid: subprocess.CompletedProcess[str], name: str) -> None:
    col = 10 + len(VALID[name]) + RISKY.index("并")
    assert (f"content/topics/summary-{slug(name)}.md:3:{col}: warning: '并' becomes '併' in zh-hant"
            in valid.stderr)


def test_a_page_rule_settles_what_the_lint_would_report(mini: MiniSite) -> None:
    """The page of the report: a -{H|}- rule in the body, with what the lint would otherwise warn about."""
    mini.write("topics/a.md", "---\ntitle: 甲\n---\n\n-{H|zh-hans:鼠标;zh-hant:滑鼠;}-\n"
               "-{H|zh-hans:并为;zh-hant:並為;}-双方并为此目的而努力。\n")
    result = check(mini)
    assert result.returncode == 0
    assert result.stderr.strip().endswith("check passed: 0 errors, 0 warnings")


@pytest.fixture(scope="module")
def malformed(tmp_path_factory: pytest.TempPathFactory) -> subprocess.CompletedProcess[str]:
    return check_pages(tmp_path_factory.mktemp("malformed"), {name: markup for name, (markup, _) in MALFORMED.items()},
                       "前文", "")


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_markup_in_a_body_is_an_error_at_its_place(
        malformed: subprocess.CompletedProcess[str], name: str) -> None:
    assert malformed.returncode == 1
    found = re.search(rf"^content/topics/body-{slug(name)}\.md:5:(\d+): error: (.*)$", malformed.stderr, re.MULTILINE)
    assert found is not None, malformed.stderr
    assert found.group(2).startswith(MALFORMED[name][1])
    assert 3 <= int(found.group(1)) <= 3 + len(MALFORMED[name][0])  # within the markup, after 前文


@pytest.mark.parametrize("name", MALFORMED)
def test_malformed_markup_in_a_summary_is_an_error_at_its_place(
        malformed: subprocess.CompletedProcess[str], name: str) -> None:
    found = re.search(rf"^content/topics/summary-{slug(name)}\.md:3:(\d+): error: 'summary': (.*)$",
                      malformed.stderr, re.MULTILINE)
    assert found is not None, malformed.stderr
    assert found.group(2).startswith(MALFORMED[name][1])
    assert 12 <= int(found.group(1)) <= 12 + len(MALFORMED[name][0])

