"""A page's body is parsed once per build, however many processes load and render it."""

from __future__ import annotations

import dataclasses
import hashlib
import pickle
from collections import Counter
from pathlib import Path

import pytest
from conftest import ROOT
from markdown_it.token import Token

from docsite import pipeline
from docsite.diagnostics import Diagnostics
from docsite.model.page import SHELVED, Page
from docsite.pipeline import build, load_site
from docsite.text import markdown
from docsite.text.variants import Block, protect


def _digest(source: str) -> str:
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def _body(page: Page) -> str:
    """The page's body as loading parses it: as written, its conversion markup set aside."""
    return protect("\n".join(page.raw.split("\n")[page.body_line - 1:])).source


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_body_is_parsed_once_per_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int) -> None:
    """Loading parses a body (for its links, citations and headings) and rendering uses those tokens,
    in the process that loaded the page or in another one: no body is parsed twice."""
    calls = tmp_path / "parsed"
    parse = markdown.parse

    def counted(source: str, blocks: tuple[Block, ...], allow_html: bool) -> list[Token]:
        with calls.open("a", encoding="utf-8") as out:  # from every process of the build
            out.write(_digest(source) + "\n")
        return parse(source, blocks, allow_html)

    monkeypatch.setattr(markdown, "parse", counted)
    result = build(ROOT, jobs=jobs)
    assert result.ok
    parsed = Counter(calls.read_text(encoding="utf-8").split())
    site = load_site(ROOT, Diagnostics(ROOT))
    assert site is not None
    assert {_digest(_body(page)) for page in site.pages.values()} <= parsed.keys()
    assert [digest for digest, times in parsed.items() if times > 1] == []
    if jobs > 1:  # loaded in some processes, rendered in others
        assert result.work.parsers.isdisjoint(result.work.makers)


def test_tokens_unpacked_in_another_process_are_those_parsed() -> None:
    """A page loaded in one process is rendered in another from its tokens packed: they are equal
    to the parsed ones for every body of the shipped site (figures, footnotes, tables, links,
    citations, markup), and carry every field of markdown-it's Token."""
    assert tuple(spec.name for spec in dataclasses.fields(Token)) == markdown.TOKEN_FIELDS
    site = load_site(ROOT, Diagnostics(ROOT))
    assert site is not None
    for page in site.pages.values():
        tokens = markdown.parse(_body(page), page.blocks, site.config.allow_html)
        assert markdown.unpack(markdown.pack(tokens)) == tokens, page.id


def test_a_site_in_one_process_holds_the_tokens_of_the_pages_being_made_only(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every page is loaded before any is made, and parsed tokens are most of a loaded page's
    memory: built in one process, the pages hold their tokens packed (as they cross between
    processes) until made, and released after, so that no part starts with parsed tokens at hand."""
    at_start: list[int] = []
    render_part = pipeline._render_part

    def watched(stage: pipeline._Stage, part: tuple[pipeline.Unit, ...]) -> object:
        pages = stage.localizers[0].site.pages.values()
        at_start.append(sum(page.parsed is not None for page in pages))
        return render_part(stage, part)

    monkeypatch.setattr(pipeline, "_render_part", watched)
    assert build(ROOT, jobs=1).ok
    assert len(at_start) > 1 and set(at_start) == {0}


def test_a_page_read_back_is_the_page_loaded() -> None:
    """A page crosses between processes, and is kept in .cache/, with its fields, headings and
    markup in one pickle (Page.__getstate__), unpacked when first read: read back, and written and
    read back again once unpacked, every page of the shipped site is the page loaded, its title
    one object with its field's."""
    site = load_site(ROOT, Diagnostics(ROOT))
    assert site is not None
    for page in site.pages.values():
        back = pickle.loads(pickle.dumps(page))
        assert SHELVED[0] not in vars(back), page.id
        assert back == page, page.id
        assert back.title is back.fields["title"], page.id
        assert pickle.loads(pickle.dumps(back)) == page, page.id
