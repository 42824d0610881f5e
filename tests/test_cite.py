"""Cite this page: every page carries its own GB/T 7714 and BibTeX entries, with its title in the
reader's script, the site's, its address and the day its source last changed (`changed:`, else its
last commit's); in the browser the day of reading is filled in and each entry copies with a button."""

from __future__ import annotations

import datetime as dt
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, MiniSite, Published, Visit, soup
from playwright.sync_api import expect

from docsite.incremental.buildcache import BuildCache
from docsite.pipeline import build

GIT = ["git", "-c", "user.name=编者", "-c", "user.email=editor@example.org"]


def entries(page: Path) -> tuple[str, str]:
    """The page's GB/T 7714 and BibTeX entries as written (without JavaScript)."""
    gbt, bibtex = (pre.get_text() for pre in soup(page).select(".cite .cite-text"))
    return gbt, bibtex


def commit(folder: Path, day: str, *paths: str) -> None:
    """Commit ``paths`` (below ``folder``) on ``day``, as a commit made that day at noon in Beijing."""
    env = {"GIT_AUTHOR_DATE": f"{day}T12:00:00+08:00", "GIT_COMMITTER_DATE": f"{day}T12:00:00+08:00",
           "PATH": "/usr/bin:/bin"}
    subprocess.run([*GIT, "add", *paths], cwd=folder, check=True, env=env)
    subprocess.run([*GIT, "commit", "-q", "-m", f"{day}"], cwd=folder, check=True, env=env)


def last_commit_day(path: Path) -> str:
    return subprocess.run(["git", "log", "-1", "--format=%cs", "--", path.name], cwd=path.parent, capture_output=True,
                          text=True, check=False).stdout.strip()


def test_every_page_cites_itself_in_both_scripts(published: Published) -> None:
    pages = sorted(published.folder.glob("zh-*/**/index.html"))
    assert len(pages) > 200
    for page in pages:
        gbt, bibtex = entries(page)
        url = published.root + page.parent.relative_to(published.folder).as_posix() + "/"
        title = soup(page).h1.get_text()
        assert gbt.startswith(f"{title}[EB/OL]. ") and gbt.endswith(f"[引用日期]. {url}."), (page, gbt)
        assert bibtex.startswith("@online{") and f"  title = {{{title}}},\n" in bibtex
        assert f"  url = {{{url}}},\n" in bibtex


@pytest.mark.parametrize(("variant", "site"), [("zh-hans", "中苏友好同盟互助条约"),
                                               ("zh-hant", "中蘇友好同盟互助條約")])
def test_a_page_is_cited_with_the_day_of_its_last_commit(published: Published, variant: str, site: str) -> None:
    day = last_commit_day(ROOT / "content/people/zhou-enlai.md")  # none where the site is not a checkout
    gbt, bibtex = entries(published.folder / variant / "people/zhou-enlai/index.html")
    title = "周恩来" if variant == "zh-hans" else "周恩來"
    when = f", ({day})" if day else ""
    assert gbt == f"{title}[EB/OL]. {site}{when}[引用日期]. {published.root}{variant}/people/zhou-enlai/."
    assert (f"  date = {{{day}}},\n" in bibtex) == bool(day)
    assert "  organization = {" + site + "},\n" in bibtex


def test_the_day_is_the_fields_else_the_last_commits_else_none(mini: MiniSite) -> None:
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲。\n")
    mini.write("people/b.md", "---\ntitle: 乙\nchanged: 2025-03-01\n---\n乙。\n")
    mini.write("people/c.md", "---\ntitle: 丙\n---\n丙。\n")
    assert mini.build().returncode == 0
    assert "(2025-03-01)" in entries(mini.root / "_site/zh-hans/people/b/index.html")[0]
    assert "(" not in entries(mini.root / "_site/zh-hans/people/a/index.html")[0]  # no git here: no day
    subprocess.run(["git", "init", "-q"], cwd=mini.root, check=True)
    commit(mini.root, "2024-05-01", "content")
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲，后来改过。\n")
    commit(mini.root, "2024-06-02", "content/people/a.md")
    mini.write("people/d.md", "---\ntitle: 丁\n---\n丁，还没有提交。\n")
    assert mini.build().returncode == 0
    days = {name: entries(mini.root / f"_site/zh-hant/people/{name}/index.html")[0] for name in "abcd"}
    assert "甲[EB/OL]. " in days["a"] and ", (2024-06-02)[引用日期]" in days["a"]
    assert ", (2025-03-01)[" in days["b"]  # the field wins
    assert ", (2024-05-01)[" in days["c"]
    assert "(" not in days["d"]
    bibtex = entries(mini.root / "_site/zh-hans/people/c/index.html")[1]
    assert bibtex == ("@online{people:c,\n  title = {丙},\n  organization = {中苏友好同盟互助条约},\n"
                      "  date = {2024-05-01},\n  url = {/zh-hans/people/c/},\n  urldate = {引用日期},\n}")


def test_a_commit_alone_renews_the_day_in_a_build_from_the_cache(mini: MiniSite) -> None:
    """Committing changes no file: the cache must still see the page's new day."""
    mini.write("people/a.md", "---\ntitle: 甲\n---\n甲。\n")
    subprocess.run(["git", "init", "-q"], cwd=mini.root, check=True)
    assert mini.build().returncode == 0  # with .cache/, as editors build
    assert "(" not in entries(mini.root / "_site/zh-hans/people/a/index.html")[0]
    commit(mini.root, "2024-05-01", "content")
    assert mini.build().returncode == 0
    assert ", (2024-05-01)[" in entries(mini.root / "_site/zh-hans/people/a/index.html")[0]
    cached = build(mini.root, cache=BuildCache(stored=True))
    assert ", (2024-05-01)[" in cached.files["zh-hant/people/a/index.html"].decode()


def test_a_changed_day_that_is_no_day_is_an_error_at_its_line(mini: MiniSite) -> None:
    mini.write("people/a.md", "---\ntitle: 甲\nchanged: 2025-02-30\n---\n甲。\n")
    result = mini.build()
    assert result.returncode == 1
    assert "people/a.md:3" in result.stderr and "'changed': expected a day such as 2026-11-30" in result.stderr


def test_the_browser_fills_in_the_day_of_reading_and_copies_an_entry(visit: Visit, published: Published) -> None:
    page = visit("zh-hant/treaty/", permissions=["clipboard-read", "clipboard-write"])
    page.locator(".cite summary").click()
    today = page.evaluate("(d => [d.getFullYear(), d.getMonth() + 1, d.getDate()])(new Date())")
    day = dt.date(*today).isoformat()
    gbt = page.locator(".cite-text").first
    expect(gbt).to_contain_text(f"[{day}]. {published.root}zh-hant/treaty/.")
    expect(page.locator(".cite-hint")).to_be_hidden()
    page.locator(".cite-copy").first.click()
    expect(page.locator(".cite-status")).to_have_text("已複製 GB/T 7714")
    assert page.evaluate("navigator.clipboard.readText()") == gbt.inner_text()
    page.locator(".cite-copy").nth(1).click()
    expect(page.locator(".cite-status")).to_have_text("已複製 BibTeX")
    assert page.evaluate("navigator.clipboard.readText()").endswith(f"  urldate = {{{day}}},\n}}")


def test_without_javascript_the_entries_read_whole_and_no_button_is_dead(visit: Visit) -> None:
    page = visit("zh-hans/timeline/", javascript=False)
    page.locator(".cite summary").click()
    expect(page.locator(".cite-text").first).to_contain_text("[引用日期]")
    expect(page.locator(".cite-hint")).to_be_visible()
    expect(page.locator(".cite-copy")).to_have_count(2)
    expect(page.locator(".cite-copy").first).to_be_hidden()
