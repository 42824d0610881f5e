"""With ``allow_html: true`` in site.yaml, the addresses in a body's raw HTML pass the one allow-list
of Markdown's links (http, https, mailto and paths): every attribute a browser follows or fetches,
in every encoding tried against Markdown (tests/test_urls.py), is an error at its line, and no page
is written with it."""

from __future__ import annotations

import re

import pytest
from conftest import MiniSite
from test_errors import assert_fails

#: Raw HTML on the page's 7th line, and the address as the error names it.
ATTACKS = {
    "mixed case": ('<a href="JaVaScRiPt:alert(1)">甲</a>', "JaVaScRiPt:alert(1)"),
    "tab entity": ('<a href="java&#x09;script:alert(1)">甲</a>', "java\tscript:alert(1)"),
    "named tab entity": ('<a href="java&Tab;script:alert(1)">甲</a>', "java\tscript:alert(1)"),
    "decimal entity": ('<a href="&#106;avascript:alert(1)">甲</a>', "javascript:alert(1)"),
    "named entity": ('<a href="javascript&colon;alert(1)">甲</a>', "javascript:alert(1)"),
    "leading space": ('<a href=" javascript:alert(1)">甲</a>', "javascript:alert(1)"),
    "control character entity": ('<a href="&#1;javascript:alert(1)">甲</a>', "javascript:alert(1)"),  # &#1; is dropped
    "zero-width space": ('<a href="java&#x200b;script:alert(1)">甲</a>', "java\u200bscript:alert(1)"),
    "percent-encoded": ('<a href="%6Aavascript:alert(1)">甲</a>', "%6Aavascript:alert(1)"),
    "unquoted, upper-case attribute": ("<A HREF=javascript:alert(1)>甲</A>", "javascript:alert(1)"),
    "data image": ('<img src="data:text/html;base64,PHNjcmlwdD4=" alt="甲">', "data:text/html;base64,PHNjcmlwdD4="),
    "srcset": ('<img src="a.png" srcset="a.png 1x, javascript:alert(1) 2x" alt="甲">', "javascript:alert(1)"),
    "form action": ('<form action="javascript:alert(1)"><button>甲</button></form>', "javascript:alert(1)"),
    "formaction": ('<form><button formaction="vbscript:msgbox(1)">甲</button></form>', "vbscript:msgbox(1)"),
    "xlink:href": ('<svg><a xlink:href="javascript:alert(1)"><text>甲</text></a></svg>', "javascript:alert(1)"),
    "SVG animation of href": ('<svg><a><animate attributeName="href" values="javascript:alert(1)"/><text>甲</text></a>'
                              "</svg>", "javascript:alert(1)"),
    "style url()": ("<span style=\"background: url('javascript:alert(1)')\">甲</span>", "javascript:alert(1)"),
    "style url() with CSS escapes": (r'<span style="background: u\72l(java\73 cript:x)">甲</span>', "javascript:x"),
    "style sheet": ("<style>p { background: URL(javascript:x) }</style>", "javascript:x"),
    "refresh": ('<meta http-equiv="refresh" content="0; url=javascript:alert(1)">', "javascript:alert(1)"),
    "second of two": ('<a href="https://example.org/" href="javascript:alert(1)">甲</a>', "javascript:alert(1)"),
    "file": ('<a href="file:///etc/passwd">甲</a>', "file:///etc/passwd"),
    "inside conversion markup": ('-{zh-hans:<a href="javascript:alert(1)">甲</a>;zh-hant:乙}-', "javascript:alert(1)"),
}


def _allow_html(mini: MiniSite) -> None:
    config = mini.root / "site.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "\nallow_html: true\n", encoding="utf-8")


@pytest.mark.parametrize("case", ATTACKS)
@pytest.mark.parametrize("block", [False, True], ids=["inline", "block"])
def test_a_script_address_in_raw_html_is_an_error_at_its_line(mini: MiniSite, case: str, block: bool) -> None:
    html, named = ATTACKS[case]
    _allow_html(mini)
    # inline: inside a paragraph; block: an HTML block, its address on the block's second line
    body = f"<div>\n{html}\n</div>\n" if block else f"见{html}。\n"
    mini.write("people/a.md", f"---\ntitle: 甲\n---\n\n正文。\n\n{body}")
    line = 8 if block else 7
    stderr = assert_fails(mini, rf"content/people/a\.md:{line}(:\d+)?: error: the link to '{re.escape(named)}': ")
    assert stderr.count(": error: ") == 1, stderr


def test_a_tag_left_open_before_a_blank_line_is_an_error(mini: MiniSite) -> None:
    """An HTML block ends at a blank line: a tag still open there takes the text after it for its
    attributes, in a browser, so that what is checked would not be what runs."""
    _allow_html(mini)
    mini.write("people/a.md", '---\ntitle: 甲\n---\n\n<div>\n<a href="javascript:alert(1)"\n\n正文 title="x">甲</a>\n')
    assert_fails(mini, r"content/people/a\.md:6:1: error: this HTML tag or comment is not closed before the blank "
                       r"line that ends the HTML")


def test_raw_html_with_addresses_readers_may_follow_is_published(mini: MiniSite) -> None:
    _allow_html(mini)
    mini.write("people/a.md", '---\ntitle: 甲\n---\n\n<div style="background: url(/static/x.png)">\n'
                              '<a href=" https://example.org/乙 ">乙</a> <a href="mailto:a@example.org">丙</a>\n'
                              '<img src="../b/" srcset="x.png 1x, y.png 2x" alt="丁">\n</div>\n\n'
                              '见<a href="#x">戊</a>。\n')
    assert mini.build().returncode == 0
    page = mini.page("zh-hans", "people/a")
    assert [a["href"] for a in page.select(".body a")] == [" https://example.org/乙 ", "mailto:a@example.org", "#x"]
    assert page.select_one(".body img")["srcset"] == "x.png 1x, y.png 2x"
