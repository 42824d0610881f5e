"""A page's body is rendered once for both scripts: each variant fills in only what differs."""

from __future__ import annotations

import copy
import hashlib
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest
from conftest import ROOT
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict

from docsite.diagnostics import Diagnostics
from docsite.pipeline import build, load_site
from docsite.text import markdown
from docsite.text.markdown import Body
from docsite.text.variants import Block


def _digest(tokens: Sequence[Token]) -> str:
    text = "\0".join(f"{token.type}:{token.content}" for token in tokens)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@pytest.mark.parametrize("jobs", [1, 2])
def test_each_body_is_rendered_once_for_both_variants(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      jobs: int) -> None:
    """markdown-it's renderer goes through a page's body once in a build, not once per variant, in
    one process or several."""
    site = load_site(ROOT, Diagnostics(ROOT))
    assert site is not None
    bodies = Counter(_digest(tokens) for page in site.pages.values() if (tokens := page.tokens()))
    assert len(bodies) > 50
    calls = tmp_path / "rendered"
    render = RendererHTML.render

    def counted(self: RendererHTML, tokens: Sequence[Token], options: OptionsDict, env: EnvType) -> str:
        if tokens and tokens[0].block:  # a body (not the inline text of a block of markup)
            with calls.open("a", encoding="utf-8") as out:  # from every process of the build
                out.write(_digest(tokens) + "\n")
        return render(self, tokens, options, env)

    monkeypatch.setattr(RendererHTML, "render", counted)
    assert build(ROOT, jobs=jobs).ok
    rendered = Counter(calls.read_text(encoding="utf-8").split())
    assert {digest: rendered[digest] for digest in bodies} == bodies


def test_a_body_filled_in_the_second_variant_is_as_if_rendered_for_it_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """What the first variant's rendering leaves for the second holds nothing of the first script:
    the site is the same byte for byte when each variant renders the body anew."""
    shared = build(ROOT)
    assert shared.ok
    compiled = markdown.compiled

    def alone(tokens: Sequence[Token], blocks: tuple[Block, ...], allow_html: bool) -> Body:
        return compiled(copy.deepcopy(tokens), blocks, allow_html)  # other tokens: compiled again

    monkeypatch.setattr(markdown, "compiled", alone)
    again = build(ROOT)
    assert again.ok
    assert again.files.keys() == shared.files.keys()
    assert [path for path, data in again.files.items() if shared.files[path] != data] == []
