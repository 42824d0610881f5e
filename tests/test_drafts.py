"""Drafts by default: `build.py new` starts a draft, and a page still holding its archetype's
placeholders (or titled by its file name) is never published."""

from __future__ import annotations

import time

import pytest
from conftest import ROOT, MiniSite

from docsite.diagnostics import Diagnostics
from docsite.incremental.lastbuild import RACY_NS
from docsite.pipeline import load_site

PERSON = "content/people/placeholder-test.md"


def new_person(mini: MiniSite) -> str:
    result = mini.build("new", "person", "placeholder-test")
    assert result.returncode == 0, result.stderr
    assert "draft: true" in result.stderr
    return (mini.root / PERSON).read_text(encoding="utf-8")


def test_an_untouched_new_page_fails_strict_check_and_is_not_published(mini: MiniSite) -> None:
    text = new_person(mini)
    assert "\ndraft: true" in text
    mini.write("people/finished.md", "---\ntitle: 甲\nsummary: 一位外交官。\ndraft: true\n---\n生平。\n")
    check = mini.build("check", "--strict")
    assert check.returncode == 1
    assert "finished.md" not in check.stderr  # a draft written in full is quietly left out
    lines = [line for line in check.stderr.splitlines() if line.startswith(PERSON)]
    assert lines == [
        f"{PERSON}:2:8: warning: the title is still the file's name 'placeholder-test' (a draft: not published)",
        f"{PERSON}:3:10: warning: 'summary' is still the archetype's placeholder「一句话说明此人与条约的关系。」"
        " (a draft: not published)",
        f"{PERSON}:9:1: warning: the text is still the archetype's placeholder「此人在条约史上的角色。"
        "每一句事实都注明出处，写法如 `[@文献键]`（文献先登记在 content/sources.yaml）。」 (a draft: not published)",
    ]
    assert "write the page's title in Chinese" in check.stderr
    assert mini.build("check").returncode == 0  # a draft is no error
    build = mini.build()
    assert build.returncode == 0, build.stderr
    assert not (mini.root / "_site/zh-hans/people/placeholder-test").exists()
    assert "placeholder-test" not in (mini.root / "_site/zh-hans/search/index.html").read_text(encoding="utf-8")


def test_a_half_made_page_without_draft_is_an_error(mini: MiniSite) -> None:
    text = new_person(mini)
    (mini.root / PERSON).write_text(text.replace("draft: true", "# draft: true"), encoding="utf-8")
    result = mini.build()
    assert result.returncode == 1
    assert f"{PERSON}:2:8: error: the title is still the file's name 'placeholder-test'\n" in result.stderr
    assert f"{PERSON}:3:10: error: 'summary' is still the archetype's placeholder" in result.stderr
    assert f"{PERSON}:9:1: error: the text is still the archetype's placeholder" in result.stderr
    assert not (mini.root / "_site").exists()
    filled = text.replace("draft: true", "").replace("title: placeholder-test", "title: 葛罗米柯")
    filled = filled.replace("一句话说明此人与条约的关系。", "苏联外交官。")
    (mini.root / PERSON).write_text(filled[:filled.index("此人在条约史上")] + "葛罗米柯的生平。\n", encoding="utf-8")
    assert mini.build().returncode == 0
    assert mini.page("zh-hant", "people/placeholder-test").select_one("h1").get_text() == "葛羅米柯"


def test_a_changed_archetype_is_looked_for_in_the_pages_the_last_build_kept(mini: MiniSite) -> None:
    """Placeholder lines are found as a page loads; a page kept in .cache/ from the build before is
    looked at again once its archetype changes."""
    mini.write("people/finished.md", "---\ntitle: 甲\nsummary: 一位外交官。\n---\n\n生平待考。\n")
    time.sleep(RACY_NS / 1e9)  # else the next build reads it again, whatever it kept (lastbuild.RACY_NS)
    first = mini.build()
    assert first.returncode == 0, first.stderr
    archetype = mini.root / "templates/archetypes/person.md"
    archetype.write_text(archetype.read_text(encoding="utf-8") + "\n生平待考。\n", encoding="utf-8")
    result = mini.build()
    assert result.returncode == 1
    assert "content/people/finished.md:6:1: error: the text is still the archetype's placeholder「生平待考。」\n" \
        in result.stderr


def test_drafts_previewed_are_warned_of_and_shown(mini: MiniSite) -> None:
    new_person(mini)
    result = mini.build("--drafts")
    assert result.returncode == 0, result.stderr
    assert "(a draft: previewed, not published)" in result.stderr
    assert (mini.root / "_site/zh-hans/people/placeholder-test/index.html").is_file()



@pytest.mark.parametrize("order", [("--drafts", None), (None, "--drafts")])
def test_drafts_previewed_by_one_build_are_not_taken_over_by_the_next(mini: MiniSite,
                                                                      order: tuple[str | None, str | None]) -> None:
    """A build with --drafts and one without, in either order, with nothing changed between them:
    each publishes what its own option says, though the second starts from what the first kept."""
    mini.write("people/finished.md", "---\ntitle: 甲\nsummary: 一位外交官。\ndraft: true\n---\n生平。\n")
    mini.write("people/published.md", "---\ntitle: 乙\nsummary: 一位翻译。\n---\n生平。\n")
    time.sleep(RACY_NS / 1e9)  # else the second build loads the pages again (lastbuild.RACY_NS)
    for option in order:
        result = mini.build(*([option] if option else []))
        assert result.returncode == 0, result.stderr
        page = mini.root / "_site/zh-hans/people/finished/index.html"
        assert page.is_file() == (option == "--drafts"), option
        listed = [a.get_text() for a in mini.page("zh-hans", "people").select("main a")]
        assert ("甲" in listed) == (option == "--drafts"), (option, listed)

@pytest.mark.parametrize(("kind", "extra"), [("person", []), ("place", []), ("event", ["--date", "1950-02"]),
                                             ("timeline", []), ("topic", []), ("document", [])])
def test_placeholders_cite_and_link_nothing(mini: MiniSite, kind: str, extra: list[str]) -> None:
    made = mini.build("new", kind, "placeholder-test", *extra)
    assert made.returncode == 0, made.stderr
    site = load_site(mini.root, diags := Diagnostics(mini.root), drafts=True)
    assert site is not None, [d.format() for d in diags.items]
    page = next(p for p in site.pages.values() if p.id.endswith("/placeholder-test"))
    assert page.references == []
    said = [d for d in diags.items if d.path.endswith("placeholder-test.md")]
    assert said and all(d.severity == "warning" for d in said)


def test_the_shipped_archetypes_make_drafts() -> None:
    for path in (ROOT / "templates/archetypes").glob("*.md"):
        assert "\ndraft: true" in path.read_text(encoding="utf-8"), path.name
