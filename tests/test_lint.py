"""The conversion lint of `build.py check`: few warnings, each with place, candidates, context and fix."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from conftest import MiniSite

from docsite import cli
from docsite.incremental import lastbuild
from docsite.model.config import LintConfig
from docsite.text import lint


def set_lint(mini: MiniSite, settings: str) -> None:
    """Replace the lint settings of the test site's site.yaml."""
    site_yaml = mini.root / "site.yaml"
    text = site_yaml.read_text(encoding="utf-8")
    site_yaml.write_text(text[:text.index("\nlint:")] + "\nlint:\n" + settings, encoding="utf-8")


def warnings(mini: MiniSite, *args: str) -> list[str]:
    result = mini.build("check", *args)
    return [line for line in result.stderr.splitlines() if ": warning: " in line]


def test_phrase_table_choice_is_reported_with_context_and_fix(mini: MiniSite) -> None:
    mini.write("topics/a.md", "---\ntitle: 甲\n---\n\n双方并为此目的而努力。\n")
    result = mini.build("check")
    assert result.returncode == 0
    found = [line for line in result.stderr.splitlines() if ": warning: " in line]
    assert found == ["content/topics/a.md:5:3: warning: '并' becomes '併' in zh-hant (s2tw) from the words around "
                     "it: 「双方并为此目的」 -> 「雙方併為此目的」; candidates 並/併"]
    assert "write -{zh-hans:并;zh-hant:並;}- there" in result.stderr


def test_markup_glossary_and_accept_settle_it(mini: MiniSite) -> None:
    set_lint(mini, "  names_from: [person]\n  accept: []\n")
    mini.write("topics/a.md", "---\ntitle: 甲\n---\n双方-{zh-hans:并;zh-hant:並;}-为此目的。\n")
    mini.write("topics/b.md", "---\ntitle: 乙\nglossary:\n  - {zh-hans: 并为, zh-hant: 並為}\n---\n双方并为此目的。\n")
    mini.write("topics/c.md", "---\ntitle: 丙\n---\n这并不准确。\n")
    found = warnings(mini)
    assert len(found) == 1 and "'不准', which takes '准'" in found[0]  # 不准|确 or 不|准确: right, unreviewed
    set_lint(mini, "  names_from: [person]\n  accept: [不准确]\n")
    assert warnings(mini) == []


def test_usual_forms_and_code_give_no_warning(mini: MiniSite) -> None:
    mini.write("topics/a.md", "---\ntitle: 后来\n---\n以后发展，历史`并为`，[链接](https://example.org/并为)。\n")
    assert warnings(mini) == []


def test_person_names_are_checked_wherever_they_appear(mini: MiniSite) -> None:
    mini.write("people/wang-shijie.md", "---\ntitle: 王世-{杰}-\n---\n")
    mini.write("topics/a.md", "---\ntitle: 甲\nsummary: 关于王世杰\n---\n\n-{王世杰}-与王世杰。\n")
    found = warnings(mini)
    assert [re.match(r"(\S+): warning: (.*?) in ", w).groups() for w in found] == [
        ("content/topics/a.md:3:12", "the name '王世杰' becomes '王世傑'"),
        ("content/topics/a.md:6:9", "the name '王世杰' becomes '王世傑'"),
    ]


def test_strict_turns_warnings_into_errors(mini: MiniSite) -> None:
    mini.write("topics/a.md", "---\ntitle: 甲\n---\n双方并为此目的。\n")
    assert mini.build("check").returncode == 0
    result = mini.build("check", "--strict")
    assert result.returncode == 1
    assert "check failed: 0 errors, 1 warning" in result.stderr


def test_a_word_split_two_ways_is_reported(mini: MiniSite) -> None:
    mini.write("topics/a.md", "---\ntitle: 甲\n---\n技术协议书签订。\n")
    found = warnings(mini)
    assert len(found) == 1
    assert "'签' becomes '籤' in zh-hant (s2tw), but it may belong to '签订', which takes '簽'" in found[0]


def test_site_can_add_risky_characters_and_words(mini: MiniSite) -> None:
    mini.write("topics/a.md", "---\ntitle: 甲\n---\n抵御外侮。\n")
    assert warnings(mini) == []  # 御 is not on the shipped list
    set_lint(mini, "  characters:\n    御: {禦: [防御], 御: [御用]}\n")
    found = warnings(mini)
    assert len(found) == 1
    assert "'御' becomes '禦' in zh-hant (s2tw) from the words around it: 「抵御外侮。」 -> 「抵禦外侮。」" in found[0]
    set_lint(mini, "  characters:\n    御: {禦: [防御, 抵御], 御: [御用]}\n")
    assert warnings(mini) == []


def test_an_edit_build_compares_what_the_warnings_depend_on_once(mini: MiniSite, monkeypatch: pytest.MonkeyPatch,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    """After an edit, pages kept with their warnings are not linted again, and what those depend on
    (the settings, the names at risk) is compared once for the site, not once a page (a deep
    comparison, 0.4 s at 10,000 pages); a new name at risk still has every page linted again."""
    monkeypatch.setattr(lastbuild, "RACY_NS", 0)  # each page is loaded again only when its file changed
    for n in range(30):
        mini.write(f"topics/t{n}.md", f"---\ntitle: 题{n}\n---\n王世杰第{n}次发言。\n")
    build = ["build", "--root", str(mini.root), "--jobs", "1"]
    assert cli.main(build) == 0
    mini.write("topics/t0.md", "---\ntitle: 题0\n---\n王世杰第一次发言。\n")
    compared = []
    equal = LintConfig.__eq__
    monkeypatch.setattr(LintConfig, "__eq__", lambda self, other: compared.append(self) or equal(self, other))
    capsys.readouterr()
    assert cli.main(build) == 0
    assert len(compared) <= 2, len(compared)
    assert "王世傑" not in capsys.readouterr().err
    mini.write("people/wang-shijie.md", "---\ntitle: 王世-{杰}-\n---\n")
    assert cli.main(build) == 0
    named = [line for line in capsys.readouterr().err.splitlines() if "the name '王世杰' becomes '王世傑'" in line]
    assert sorted(line.split(":")[0] for line in named) == sorted(f"content/topics/t{n}.md" for n in range(30))


def test_a_name_at_risk_that_comes_or_goes_relints_the_pages_that_hold_it(mini: MiniSite, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit to a person's title changes the names at risk: the pages that hold the name that went
    or came are linted again, the others keep their warnings (at 10,000 pages, relinting every page
    took most of a title edit); the warnings are those of a build from nothing."""
    monkeypatch.setattr(lastbuild, "RACY_NS", 0)
    for n in range(20):
        said = "王世杰" if n < 5 else "宋干海" if n < 8 else "外交部"
        mini.write(f"topics/t{n:02}.md", f"---\ntitle: 题{n}\n---\n{said}第{n}次发言。\n")
    linted: list[str] = []
    lint_page = lint._lint_page
    monkeypatch.setattr(lint, "_lint_page", lambda page, *rest: linted.append(page.id) or lint_page(page, *rest))
    build = ["build", "--root", str(mini.root), "--jobs", "1"]
    assert cli.main(build) == 0
    # a name comes; then it goes, and another comes (which the person's own title is warned of)
    for title, holding, warned in [("王世-{杰}-", range(5), 5), ("宋干海", range(8), 3 + 1)]:
        mini.write("people/p.md", f"---\ntitle: {title}\n---\n")
        linted.clear()
        assert cli.main(build) == 0
        assert sorted(linted) == ["people/p", *(f"topics/t{n:02}" for n in holding)]
        kept = warnings(mini)
        fresh = MiniSite.__new__(MiniSite)
        fresh.root = tmp_path / title
        shutil.copytree(mini.root, fresh.root, ignore=shutil.ignore_patterns(".cache", "_site"))
        assert warnings(fresh) == kept and len(kept) == warned
