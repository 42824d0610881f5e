"""Field kinds and the words the build shows: a kind is one class (parse, pages named, display,
JSON-LD), and the names of generated pages and common facts are the templates' to choose."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import pytest
from bs4 import BeautifulSoup
from conftest import MiniSite
from markupsafe import Markup
from test_errors import assert_fails

from docsite import pipeline
from docsite.model import fields
from docsite.model.fields import FieldError, FieldKind, Layers, Shows, States, Written


def soup_of(files: Any, path: str) -> BeautifulSoup:
    return BeautifulSoup(files[path].decode("utf-8"), "html.parser")


@pytest.fixture
def isbn(mini: MiniSite) -> Iterator[MiniSite]:
    """The site with a kind the engine does not have: ISBN-13 digits, shown as a link, stated as text.
    Defining its class is all it takes (it leaves the registry after the test)."""

    class IsbnKind(FieldKind):
        name = "isbn"

        def parse(self, value: Any, written: Written) -> str:
            digits = str(value).replace("-", "")
            if not re.fullmatch(r"97[89]\d{10}", digits):
                raise FieldError("expected 13 digits of an ISBN")
            return digits

        def show(self, value: Any, shows: Shows, layers: Layers, here: str) -> Markup:
            return Markup('<a class="isbn" href="https://openlibrary.org/isbn/{0}">{1}{0}</a>').format(
                value, shows.text("书号"))

        def state(self, value: Any, states: States, layers: Layers) -> Any:
            return value

    assert fields.KINDS["isbn"] == IsbnKind()
    path = mini.root / "site.yaml"
    text = path.read_text(encoding="utf-8")
    term = "      term: {kind: text, label: 有效期}\n"
    line = "      isbn: {kind: isbn, label: 书号, schema: isbn}\n"
    path.write_text(text.replace(term, term + line), encoding="utf-8")
    yield mini
    del fields.KINDS["isbn"]


def test_a_new_kind_is_one_class(isbn: MiniSite) -> None:
    isbn.write("documents/a.md", "---\ntitle: 甲\nisbn: 978-7-5633-2556-3\n---\n")
    result = pipeline.build(isbn.root)
    assert result.ok, [d.format() for d in result.diagnostics.items]
    page = soup_of(result.files, "zh-hant/documents/a/index.html")
    fact = {div.dt.get_text(): div.dd for div in page.select(".facts > div")}["書號"]
    assert fact.a["href"] == "https://openlibrary.org/isbn/9787563325563" and fact.get_text() == "書號9787563325563"
    graph = json.loads(page.select_one('script[type="application/ld+json"]').string)["@graph"]
    assert next(node for node in graph if node["@type"] == "Legislation")["isbn"] == "9787563325563"


def test_a_new_kinds_mistakes_are_reported_at_their_line(isbn: MiniSite) -> None:
    isbn.write("documents/a.md", "---\ntitle: 甲\nisbn: 12345\n---\n")
    result = pipeline.build(isbn.root)
    assert [d.format() for d in result.diagnostics.errors] == [
        "content/documents/a.md:3:7: error: 'isbn': expected 13 digits of an ISBN"]


def _interface(mini: MiniSite, old: str, new: str) -> None:
    path = mini.root / "templates" / "interface.html"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_words_the_build_shows_are_the_templates(mini: MiniSite) -> None:
    """首页 and 标签 as templates/interface.html writes them, converted for each script."""
    _interface(mini, '"首页"|t', '"主页"|t')
    _interface(mini, '"标签"|t', '"话题"|t')
    _interface(mini, '"日期"|t', '"发生于"|t')
    mini.write("tags.yaml", "alliance: 同盟\n")
    mini.write("events/a.md", "---\ntitle: 签字\ndate: 1950-02-14\ntags: [alliance]\n---\n")
    assert mini.build().returncode == 0
    hant = mini.page("zh-hant", "events/a")
    assert hant.select_one(".breadcrumbs a").get_text() == "主頁"
    assert [div.dt.get_text() for div in hant.select(".facts > div")] == ["發生於"]
    assert mini.page("zh-hant", "tags").select_one("h1").get_text() == "話題"
    assert mini.page("zh-hans", "tags/alliance").select_one(".kind").get_text() == "话题"


def test_a_word_the_interface_template_lacks_is_reported(mini: MiniSite) -> None:
    _interface(mini, '{% set home = "首页"|t %}\n', "")
    assert_fails(mini, r"templates/interface\.html:1: error: template error: interface\.html sets no 'home'")


def test_a_mistake_in_the_interface_template_is_reported_at_its_line(mini: MiniSite) -> None:
    _interface(mini, '{% set tags = "标签"|t %}', '{% set tags = "标签"|nope %}')
    assert_fails(mini, r"templates/interface\.html:\d+: error: template error: .*nope")
