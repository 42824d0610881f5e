"""With ``allow_html: true``, the raw HTML of a body is converted into each variant's script as the
rest of the page is: its text and the attributes a reader reads (title, alt, aria-label, placeholder,
label), with conversion markup shown as the variant wants it; never a tag's or an attribute's name,
an address, a class, an id, code (in an HTML block or a paragraph) or a style sheet. The tests read
both variants' pages as a browser does and compare their text character by character."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup, Tag
from conftest import MiniSite
from test_raw_html_urls import _allow_html

from docsite.text import markdown
from docsite.text.variants import PLACEHOLDER, Converter, protect

BODY = """\
<div class="国务院" id="国务院" title="国务院发表" data-note="国务院">国务院 -{王世杰}- 发表</div>

段落里的<abbr title="国务院">国务院</abbr>，<samp>国务院</samp>发表了<q title=国务院>声明</q>。

<p>国务院<img alt="国务院&amp;外交部" src="https://example.org/国务院.png" aria-label='-{王世杰}-与国务院'>发表</p>

<p><a href="https://example.org/国务院" title="&#22269;务院">国务院</a><code>国务院</code><kbd>国务院</kbd></p>

<style>.body { font-family: "国务院"; }</style>

<p><span data-x="-{a" onclick="b}-">国务院</span></p>
"""

#: Per variant: what a reader reads, each where it is.
EXPECTED = {
    "zh-hans": {
        "div": "国务院 王世杰 发表", "div@title": "国务院发表",
        "abbr": "国务院", "abbr@title": "国务院", "q@title": "国务院", "q": "声明",
        "img@alt": "国务院&外交部", "img@aria-label": "王世杰与国务院", "a": "国务院", "a@title": "国务院",
    },
    "zh-hant": {
        "div": "國務院 王世杰 發表", "div@title": "國務院發表",
        "abbr": "國務院", "abbr@title": "國務院", "q@title": "國務院", "q": "聲明",
        "img@alt": "國務院&外交部", "img@aria-label": "王世杰與國務院", "a": "國務院", "a@title": "國務院",
    },
}
#: What no variant converts: names, addresses, classes, ids, data, code and style, as written.
KEPT = {"div@class": ["国务院"], "div@id": "国务院", "div@data-note": "国务院", "img@src": "https://example.org/国务院.png",
        "a@href": "https://example.org/国务院", "code": "国务院", "kbd": "国务院", "samp": "国务院",
        "style": '.body { font-family: "国务院"; }'}


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BeautifulSoup]:
    mini = MiniSite(tmp_path_factory.mktemp("site"))
    _allow_html(mini)
    mini.write("topics/raw.md", f"---\ntitle: 原始\n---\n\n{BODY}")
    result = mini.build()
    assert result.returncode == 0, result.stderr
    return {variant: mini.page(variant, "topics/raw") for variant in EXPECTED}


def _read(body: Tag, where: str) -> object:
    name, _, attribute = where.partition("@")
    element = body.find(name)
    assert isinstance(element, Tag), where
    return element.get(attribute) if attribute else element.get_text()


@pytest.mark.parametrize("variant", EXPECTED)
def test_the_text_of_raw_html_is_in_the_variants_script(pages: dict[str, BeautifulSoup], variant: str) -> None:
    body = pages[variant].select_one(".body")
    assert body is not None
    read = {where: _read(body, where) for where in EXPECTED[variant]}
    assert read == EXPECTED[variant]
    for where, text in EXPECTED[variant].items():  # character by character, for the message
        assert list(str(read[where])) == list(text), where


@pytest.mark.parametrize("variant", EXPECTED)
def test_names_addresses_code_and_style_are_as_written(pages: dict[str, BeautifulSoup], variant: str) -> None:
    body = pages[variant].select_one(".body")
    assert body is not None
    assert {where: _read(body, where) for where in KEPT} == KEPT


@pytest.mark.parametrize("variant", EXPECTED)
def test_markup_shows_no_placeholder_and_ends_no_attribute(pages: dict[str, BeautifulSoup], variant: str) -> None:
    """Conversion markup in a tag, where nothing is converted, is put back as written, as in code;
    its text cannot end the attribute it is in (no onclick is made of it)."""
    html = str(pages[variant])
    assert not PLACEHOLDER.search(html)
    assert not re.search("[\ue000-\uf8ff]", html)
    span = pages[variant].select_one(".body span[data-x]")
    assert span is not None and span.attrs == {"data-x": '-{a" onclick="b}-'}
    assert not pages[variant].select("[onclick]")


def test_the_text_of_raw_html_is_converted_in_the_pages_batch() -> None:
    """What rendering asks the converter for in raw HTML, a rule that markup in it adds for the rest
    of the page included, is among what the page converts beforehand, in one batch."""
    body = protect('<div title="国务院">-{H|zh-hans:发表;zh-hant:發佈;}-国务院发表</div>\n\n'
                   '外交部<abbr title="外交部发表">发表</abbr><code>国务院</code>\n')
    converter = Converter("zh-hant", "s2tw")
    hooks = markdown.InlineHooks(converter, (), str, str, body.blocks)
    tokens = markdown.parse(body.source, body.blocks, True)
    converter.prefetch(hooks.texts(tokens))
    before = converter.stats.texts
    html, _ = markdown.compiled(tokens, hooks.blocks, True).fill(hooks)
    assert converter.stats.texts == before
    soup = BeautifulSoup(html, "html.parser")
    assert [soup.div["title"], soup.div.get_text(), soup.abbr["title"], soup.get_text()] == \
        ["國務院", "國務院發佈", "外交部發佈", "國務院發佈\n外交部發佈国务院\n"]
