"""Addresses a reader can click: only http, https, mailto and paths, wherever they are written
(Markdown links, autolinks and images, sources.yaml, site.yaml); anything else is an error at its
line, and no page is written with it."""

from __future__ import annotations

import re

import pytest
from conftest import MiniSite
from PIL import Image
from test_errors import assert_fails

from docsite.model import urls

#: Ways of writing a script address tried by hand against the site: (as written in Markdown, the
#: address as the error names it).
MARKDOWN_ATTACKS = {
    "mixed case": ("[甲](JaVaScRiPt:alert(1))", "JaVaScRiPt:alert(1)"),
    "tab entity": ("[甲](java&#x09;script:alert(1))", "java%09script:alert(1)"),
    "decimal entity": ("[甲](&#106;avascript:alert(1))", "javascript:alert(1)"),
    "named entity": ("[甲](javascript&colon;alert(1))", "javascript:alert(1)"),
    "leading space": ("[甲](< javascript:alert(1)>)", "javascript:alert(1)"),
    "control character entity": ("[甲](&#1;javascript:alert(1))", "&#1;javascript:alert(1)"),
    "newline inside": ("[甲](<java\nscript:alert(1)>)", None),  # not a link at all: a line break ends it
    "autolink": ("<javascript:alert(1)>", "javascript:alert(1)"),
    "data": ("[甲](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
             "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=="),
    "vbscript": ("[甲](vbscript:msgbox(1))", "vbscript:msgbox(1)"),
    "image": ("![甲](javascript:alert(1))", "javascript:alert(1)"),
    "reference definition": ("[甲][x]\n\n[x]: JAVASCRIPT:alert(1)", "JAVASCRIPT:alert(1)"),
    "inside conversion markup": ("-{zh-hans:[甲](javascript:alert(1));zh-hant:乙}-", "javascript:alert(1)"),
    "unknown scheme": ("[甲](file:///etc/passwd)", "file:///etc/passwd"),
}


@pytest.mark.parametrize("case", MARKDOWN_ATTACKS)
def test_a_markdown_link_to_a_script_is_an_error_at_its_line(mini: MiniSite, case: str) -> None:
    markup, named = MARKDOWN_ATTACKS[case]
    mini.write("people/a.md", f"---\ntitle: 甲\n---\n\n正文。\n\n见{markup}\n")
    if named is None:  # markdown-it leaves it as text: the page is built, with no link in it
        assert mini.build().returncode == 0
        assert not mini.page("zh-hans", "people/a").select("main a[href*=script]")
        return
    stderr = assert_fails(mini, rf"content/people/a\.md:7(:\d+)?: error: the link to '{re.escape(named)}': ")
    assert "Traceback" not in stderr
    assert stderr.count(": error: ") == 1


#: Source addresses as written in sources.yaml (YAML's double quotes read escapes), and the error's end.
SOURCE_ATTACKS = {
    "'javascript:alert(44)'": "not to 'javascript:'",
    "JaVaScRiPt:alert(44)": "not to 'JaVaScRiPt:'",
    "java&#x09;script:alert(44)": "U+0009",
    "java&Tab;script:alert(44)": "U+0009",
    "' javascript:alert(44)'": "U+0020",
    '"\\tjavascript:alert(44)"': "U+0009",
    '"java\\u200bscript:alert(44)"': "U+200B",
    "data:text/html,<script>alert(44)</script>": "not to 'data:'",
    "vbscript:msgbox(44)": "not to 'vbscript:'",
}


@pytest.mark.parametrize("written", SOURCE_ATTACKS)
def test_a_source_address_that_runs_script_is_an_error_and_nothing_is_published(mini: MiniSite, written: str) -> None:
    """``url: 'javascript:alert(44)'`` became a clickable link in the page's references, and ran when clicked."""
    mini.write("sources.yaml", f"a:\n  type: web\n  title: 甲\n  url: {written}\n")
    mini.write("people/a.md", "---\ntitle: 甲\n---\n正文[@a]。\n")
    expected = r"content/sources\.yaml:4: error: source 'a', 'url': .*" + re.escape(SOURCE_ATTACKS[written])
    stderr = assert_fails(mini, expected)
    assert "hint: write an address that starts with http://, https:// or mailto:" in stderr


@pytest.mark.parametrize("written", ["1.7e+09", "12", "true", "[https://example.org]", "{a: b}", "", "~"])
def test_a_source_address_must_be_text(mini: MiniSite, written: str) -> None:
    """``url: 1.7e+09`` is a number to YAML: an address is text, never a number's digits."""
    mini.write("sources.yaml", f"a:\n  title: 甲\n  url: {written}\n")
    assert_fails(mini, r"content/sources\.yaml:3: error: source 'a', 'url': .+ is not an address \(YAML read it as a "
                       r"[a-z ]+\): put it in quotes")


def test_base_url_must_be_an_address_readers_may_follow(mini: MiniSite) -> None:
    config = mini.root / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace("base_url: /", "base_url: 'JavaScript:alert(1)//'"),
                      encoding="utf-8")
    assert_fails(mini, r"site\.yaml:\d+: error: base_url: links may lead to http, https, mailto addresses and to "
                       r"paths, not to 'JavaScript:'")


def test_addresses_readers_may_follow_are_links(mini: MiniSite) -> None:
    mini.write("sources.yaml", "a:\n  type: web\n  title: 甲\n  url: 'https://example.org/a?b=1&c=2'\n")
    mini.write("people/b.md", "---\ntitle: 乙\n---\n## 甲\n")
    mini.write("people/a.md", "---\ntitle: 甲\n---\n正文[@a]：[乙](https://example.org/乙) [丙](mailto:a@example.org) "
                              "[丁](b.md#jia) <HTTPS://EXAMPLE.ORG/> [戊](#top) ![己](/static/x.png)\n")
    Image.new("RGB", (8, 8)).save(mini.root / "static/x.png")
    assert mini.build().returncode == 0
    page = mini.page("zh-hans", "people/a")
    hrefs = [a["href"] for a in page.select("main a[href]")]
    for href in ["https://example.org/%E4%B9%99", "mailto:a@example.org", "../b/#jia", "HTTPS://EXAMPLE.ORG/", "#top",
                 "https://example.org/a?b=1&c=2"]:
        assert href in hrefs
    assert re.fullmatch(r"(\.\./)+static/figures/x\.[0-9a-f]+-8\.png", page.select_one("main img")["src"])


@pytest.mark.parametrize("address", ["JaVaScRiPt:alert(1)", "java&#x09;script:alert(1)", "java&Tab;script:x",
                                     " javascript:x", "\x01javascript:x", "java\tscript:x", "java\nscript:x",
                                     "javascript\u3000:x", "data:text/html,x", "vbscript:x", "%6Aavascript:x",
                                     "&#x6A;avascript:x", "jav&#97;script:x", "a:b", 1.7e9, 12, None, ["https://a"]])
def test_the_one_check_refuses_every_encoding_of_a_script(address: object) -> None:
    assert urls.refused(address) is not None


@pytest.mark.parametrize("address", ["https://example.org/", "http://example.org/a?b=1&c=2", "mailto:a@example.org",
                                     "../people/a/", "#x", "a/b:c", "//example.org/", "?q=1", "",
                                     "https://zh.wikipedia.org/wiki/中苏友好同盟条约"])
def test_the_one_check_lets_addresses_readers_may_follow_through(address: str) -> None:
    assert urls.refused(address) is None
