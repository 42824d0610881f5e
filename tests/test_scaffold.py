"""`build.py new TYPE SLUG`: a new page from its archetype, never overwriting, with a valid name."""

from __future__ import annotations

import pytest
from conftest import MiniSite


def test_new_person_page_builds(mini: MiniSite) -> None:
    result = mini.build("new", "person", "andrei-gromyko", "--title", "安德烈·葛罗米柯")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "content/people/andrei-gromyko.md"
    text = (mini.root / "content/people/andrei-gromyko.md").read_text(encoding="utf-8")
    assert text.startswith("---\ntitle: 安德烈·葛罗米柯\n")
    # The page starts as a draft: the editor writes it in place of the placeholders and publishes it.
    head = text[:text.index("\n---\n")].replace("一句话说明此人与条约的关系。", "苏联外交官。")
    head = head.replace("draft: true", "")
    (mini.root / "content/people/andrei-gromyko.md").write_text(head + "\n---\n葛罗米柯的生平。\n", encoding="utf-8")
    assert mini.build().returncode == 0
    assert mini.page("zh-hant", "people/andrei-gromyko").select_one("h1").get_text() == "安德烈·葛羅米柯"


def test_new_event_needs_a_valid_date(mini: MiniSite) -> None:
    assert mini.build("new", "event", "gromyko-visit").returncode == 2
    bad = mini.build("new", "event", "gromyko-visit", "--date", "1950-02-30")
    assert bad.returncode == 2 and "month 2 of 1950 has no day 30" in bad.stderr
    assert not (mini.root / "content/events/gromyko-visit.md").exists()
    good = mini.build("new", "event", "gromyko-visit", "--date", "1950-02", "--title", "访问: 莫斯科")
    assert good.returncode == 0
    text = (mini.root / "content/events/gromyko-visit.md").read_text(encoding="utf-8")
    assert "title: '访问: 莫斯科'\ndate: 1950-02\n" in text


def test_new_never_overwrites(mini: MiniSite) -> None:
    path = mini.write("people/a.md", "---\ntitle: 原有\n---\n")
    result = mini.build("new", "person", "a")
    assert result.returncode == 2 and "exists already" in result.stderr
    assert path.read_text(encoding="utf-8") == "---\ntitle: 原有\n---\n"


@pytest.mark.parametrize(("args", "message"), [
    (["person", "Zhou_Enlai"], "cannot be a page name"),
    (["person", "../../etc"], "cannot be a page name"),
    (["spaceship", "a"], "unknown type 'spaceship'"),
    (["treaty", "a"], "has a single page"),
    (["article", "zhou"], "must be named like treaty/article-*"),
])
def test_new_rejects_bad_names_and_types(mini: MiniSite, args: list[str], message: str) -> None:
    result = mini.build("new", *args)
    assert result.returncode == 2
    assert message in result.stderr and "Traceback" not in result.stderr


def test_required_fields_are_left_for_the_editor_to_fill(mini: MiniSite) -> None:
    assert mini.build("new", "article", "article-7", "--title", "第七条").returncode == 0
    check = mini.build("check")
    assert check.returncode == 1
    assert "content/treaty/article-7.md:4:8: error: 'number': expected a whole number" in check.stderr
