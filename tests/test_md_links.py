"""Markdown links to files: a link to a page's .md file leads to that page in each script, under any
subpath; a link or image to a file that is not there is an error at its file and line."""

from __future__ import annotations

import re
from urllib.parse import urljoin

import pytest
from conftest import MiniSite

BASE = "https://example.org/treaty-1950/"


def people(mini: MiniSite) -> None:
    mini.write("people/zhou-enlai.md", "---\ntitle: 周恩来\n---\n## 生平\n\n总理。\n")


def test_a_link_to_a_page_file_leads_to_the_page_in_each_script(mini: MiniSite) -> None:
    people(mini)
    mini.write("topics/treaty.md", "---\ntitle: 条约\n---\n"
               "[周恩来](../people/zhou-enlai.md)签字；[生平](/people/zhou-enlai.md#生平)；[首页](../index.md)。\n")
    result = mini.build("--base-url", BASE)
    assert result.returncode == 0, result.stderr
    for variant, title in (("zh-hans", "周恩来"), ("zh-hant", "周恩來")):
        page = mini.page(variant, "topics/treaty")
        here = f"{BASE}{variant}/topics/treaty/"
        links = page.select(".body a")
        targets = [urljoin(here, a["href"]) for a in links]
        assert targets == [f"{BASE}{variant}/people/zhou-enlai/", f"{BASE}{variant}/people/zhou-enlai/#sheng-ping",
                           f"{BASE}{variant}/"]
        assert all(not a["href"].startswith(("/", "http")) for a in links)  # relative: right under any subpath
        assert links[0].get_text() == title
        # The page linked to knows it is linked, as with [[people/zhou-enlai]].
        linked = mini.page(variant, "people/zhou-enlai")
        assert [a.get_text() for a in linked.select(".connections li > a")] == [page.select_one("h1").get_text()]


@pytest.mark.parametrize(("body", "expected", "hint"), [
    ("见[周](../people/zhou.md)。", r"content/topics/treaty\.md:4:6: error: no file content/people/zhou\.md",
     r"\[\[people/zhou\]\]"),
    ("文本\n\n见[下载](/static/treaty.pdf)。", r"content/topics/treaty\.md:6:7: error: no file static/treaty\.pdf", ""),
    ("![条约文本](../../static/images/treaty.png)",
     r"content/topics/treaty\.md:4:9: error: no file static/images/treaty\.png "
     r"\(from '\.\./\.\./static/images/treaty\.png'\)",
     "relative to this file"),
    ("![条约文本](treaty.png)", r"content/topics/treaty\.md:4:9: error: no file content/topics/treaty\.png", ""),
    ("[密码](../../site.yaml)", r"content/topics/treaty\.md:4:6: error: '\.\./\.\./site\.yaml' leads out of content/ "
     r"and static/", "static/"),
    ("[周](../people/zhou-enlai.md#生年)", r"content/topics/treaty\.md:4:5: error: 'people/zhou-enlai' has no heading "
     r"with the anchor '生年'", "生平"),
])
def test_a_link_to_a_missing_file_is_an_error_at_its_line(mini: MiniSite, body: str, expected: str, hint: str) -> None:
    people(mini)
    mini.write("topics/treaty.md", f"---\ntitle: 条约\n---\n{body}\n")
    result = mini.build("check")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len([line for line in result.stderr.splitlines() if ": error: " in line]) == 1, result.stderr
    assert re.search(expected, result.stderr), result.stderr
    assert re.search(hint, result.stderr), result.stderr


def test_a_link_to_a_draft_page_file_says_it_is_a_draft(mini: MiniSite) -> None:
    mini.write("people/zhou-enlai.md", "---\ntitle: 周恩来\ndraft: true\n---\n")
    mini.write("topics/treaty.md", "---\ntitle: 条约\n---\n[周恩来](../people/zhou-enlai.md)\n")
    result = mini.build()
    assert result.returncode == 1
    assert "content/topics/treaty.md:4:7: error: 'people/zhou-enlai' is a draft" in result.stderr


def test_links_to_the_web_and_in_the_page_are_left_as_written(mini: MiniSite) -> None:
    mini.write("topics/treaty.md", "---\ntitle: 条约\n---\n## 背景\n\n[维基](https://www.wilsoncenter.org/digital-archive)"
               "、[背景](#bei-jing)、<mailto:a@example.org>\n")
    result = mini.build()
    assert result.returncode == 0, result.stderr
    hrefs = [a["href"] for a in mini.page("zh-hans", "topics/treaty").select(".body p a")]
    assert hrefs == ["https://www.wilsoncenter.org/digital-archive", "#bei-jing", "mailto:a@example.org"]
