"""Markdown: CommonMark with tables and footnotes (markdown-it-py, mdit-py-plugins), plus
``[[id|text]]`` links, ``[@key, locator]`` citations and heading anchors (see fragments.py), each
heading followed by a link to itself; and figures: mdit-py-plugins' container ``::: figure`` holding
an image, its caption and a field list of its ``:credit:`` and ``:licence:`` (an image marked
``{.decorative}``, with mdit-py-plugins' attributes, may go without alt text).

A page's body is parsed once, as it is loaded, and rendered once for every variant (``compiled``):
what differs between variants (text a reader sees, links, what conversion markup changes) is left
as holes, which each variant fills (``Body.fill``), calling back into its converter for every piece
of text. Code is never converted. Tokens cross between processes packed (``pack``): unpacking them
costs less than parsing the body again, and unpickling them as they are did not.
"""

from __future__ import annotations

import marshal
import pickle
import re
import zlib
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from operator import attrgetter
from typing import Any, NamedTuple
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.renderer import RendererHTML
from markdown_it.rules_core import StateCore
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markdown_it.utils import EnvType, OptionsDict
from markupsafe import Markup
from mdit_py_plugins.attrs import attrs_plugin
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.field_list import fieldlist_plugin
from mdit_py_plugins.footnote import footnote_plugin

from docsite.text import fragments, rawhtml
from docsite.text.variants import PLACEHOLDER, Block, Converter, Rule, Text, block_at, restore

#: One item of a citation, up to the ``;`` after it or the citation's end.
_CITE_ITEM = re.compile(r"\s*@([A-Za-z0-9_][A-Za-z0-9_:.-]*)\s*(?:,\s*([^;]*?))?\s*(?:(;)|$)")
_ANCHOR_SUFFIX = re.compile(r"\s*\{#(" + fragments.EXPLICIT.pattern + r")\}\s*$")
_NOTE_MARK = re.compile(r"<sup\b.*?</sup>", re.DOTALL)
_MARKDOWN_SYNTAX = re.compile(r"[*_`\[\]<>!\\~]")
_CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳"
#: The fields a figure's field list may hold, in the order they are shown.
FIGURE_FIELDS = ("credit", "licence")
#: The class that marks an image as decorative: it needs no alt text, and gets an empty one.
DECORATIVE = "decorative"


class Reference(NamedTuple):
    """A ``[[...]]`` link or ``[@...]`` citation, or a Markdown link's or image's path, with its line
    in the body (0-based)."""

    kind: str  # "link", "cite", "file" (a Markdown link's path) or "image" (a Markdown image's path)
    target: str
    line: int
    raw: str
    anchor: str = ""


#: The kinds of reference to a file.
FILE_KINDS = ("file", "image")


@dataclass(frozen=True)
class Heading:
    """A heading of a rendered body: its level, its fragment and its text as the variant shows it."""

    level: int
    anchor: str
    text: str


@dataclass(frozen=True)
class Problem:
    """A mistake in a body's Markdown that parsing finds: at (0-based) body line ``line``, where ``raw`` is."""

    line: int
    raw: str
    message: str
    hint: str


@dataclass
class InlineHooks:
    """What rendering needs from the variant being built.

    Conversion follows the text in reading order, so a rule that ``-{H|...}-`` or ``-{A|...}-``
    adds applies to the rest of the page. A block's own text may hold Markdown: it is rendered as
    inline Markdown and not converted again.
    """

    converter: Converter | None  # None inside a block: its text is final
    layers: tuple[tuple[Rule, ...], ...]  # rules that apply after the page's own markup rules
    link: Callable[[Token], str]  # HTML of a [[...]] link
    cite: Callable[[Token], str]  # HTML of a [@...] citation
    blocks: tuple[Block, ...]
    self_link: Callable[[Heading], str] = lambda heading: ""  # HTML of the link after a heading to itself
    local: Callable[[str], str] = lambda href: href  # the URL of a Markdown link's target
    image: Callable[[Token, str], str] | None = None  # HTML of an image, given its converted alt text
    words: Mapping[str, str] = field(default_factory=dict)  # the interface's words (a figure's labels)
    active: list[Rule] = field(default_factory=list)  # rules added by markup so far

    def convert(self, source: str) -> str:
        """Plain converted text (for attributes such as alt and title)."""
        if self.converter is None:
            return restore(source, self.blocks)
        return self.converter(Text(source, self.blocks), tuple(self.active), *self.layers)

    def html(self, source: str, env: EnvType) -> str:
        """HTML of a text token: converted runs, and blocks shown as this variant wants them."""
        if self.converter is None:
            return escapeHtml(source)
        out = []
        for run in self.runs(source):
            if isinstance(run, str):
                out.append(escapeHtml(self.converter(run, tuple(self.active), *self.layers)))
                continue
            shown = self.converter.show(run)
            if _MARKDOWN_SYNTAX.search(shown):
                inner = replace(self, converter=None, layers=(), active=[])
                inline = parser(env["allow_html"]).renderInline
                out.append(inline(shown, {"hooks": inner, "allow_html": env["allow_html"], "blocks": self.blocks}))
            else:
                out.append(escapeHtml(shown))
        return "".join(out)

    def raw(self, html: str) -> str:
        """Raw HTML with the text a reader reads in it converted (``rawhtml.texts``) and its blocks
        shown as this variant wants them; blocks elsewhere in it (in a tag, in code) put back as
        written, as in code, and inert: no block's text ends a tag or an attribute."""
        if self.converter is None:
            return html
        converter = self.converter

        def text(source: str) -> str:
            return "".join(converter(run, tuple(self.active), *self.layers) if isinstance(run, str)
                           else converter.show(run) for run in self.runs(source))
        shown = rawhtml.converted(html, text)
        return PLACEHOLDER.sub(lambda match: rawhtml.inert(restore(match.group(), self.blocks)), shown)

    def runs(self, source: str) -> Iterator[str | Block]:
        """A text token's runs of text and its blocks, in order; a block that adds a rule adds it
        to ``active`` before the next run is read."""
        pos = 0
        for match in PLACEHOLDER.finditer(source):
            yield source[pos:match.start()]
            block = block_at(match.group(), self.blocks)
            if block.adds_rule and block.rule:
                self.active.append(block.rule)
            yield block
            pos = match.end()
        yield source[pos:]

    def texts(self, tokens: Sequence[Token]) -> Iterator[tuple[Text, tuple[tuple[Rule, ...], ...]]]:
        """What rendering ``tokens`` will ask the converter for (text and layers), in the order it
        will: so that the page's text can be converted in one batch beforehand. Uses a copy of the
        hooks, which it advances as rendering would."""
        ahead = replace(self, active=list(self.active))
        for token in tokens:
            code = 0
            for child in (token,) if token.type == "html_block" else token.children or ():
                code = _in_code(child, code)
                if child.type in ("html_block", "html_inline"):
                    found = rawhtml.texts(child.content)
                elif child.type == "text" and not code:
                    found = [child.content]
                else:
                    continue
                for run in (run for text in found for run in ahead.runs(text)):
                    if isinstance(run, str):
                        yield Text(run), (tuple(ahead.active), *ahead.layers)


def _next(state: StateInline, needle: str, start: int) -> int:
    """Where ``needle`` is next in the text being parsed, at or after ``start`` (-1: nowhere). The
    rules below try every ``[`` of a paragraph: searching on from each to the end took time in the
    square of its length (a paragraph of 80,000 ``[[``: 37 s), so the last answer is kept and is
    the answer again until ``start`` passes it."""
    found: dict[str, tuple[str, int, int]] = state.env.setdefault("next", {})
    src = state.src
    if needle in found:
        text, searched, at = found[needle]
        if text is src and searched <= start and (at == -1 or at >= start):
            return at
    at = src.find(needle, start)
    found[needle] = (src, start, at)
    return at


def _wikilink(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith("[[", pos):
        return False
    end = _next(state, "]]", pos + 2)
    if end == -1 or -1 < _next(state, "\n", pos) < end:
        return False
    inner = src[pos + 2:end]
    target, bar, label = inner.partition("|")
    target, _, anchor = target.strip().partition("#")
    if not target:
        return False
    if not silent:
        token = state.push("wikilink", "a", 0)
        token.meta = {"target": target, "anchor": anchor, "label": label.strip() if bar else None,
                      "raw": src[pos:end + 2]}
    state.pos = end + 2
    return True


def _citation(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith("[@", pos):
        return False
    end = _next(state, "]", pos)
    if end == -1:
        return False
    items = []
    at = pos + 1
    while True:  # item by item: a bracket that is no citation is left at its first item that is none
        match = _CITE_ITEM.match(src, at, end)
        if not match:
            return False
        items.append((match.group(1), (match.group(2) or "").strip()))
        if not match.group(3):
            break
        at = match.end()
    if not silent:
        token = state.push("citation", "sup", 0)
        token.meta = {"items": items, "raw": src[pos:end + 1]}
    state.pos = end + 1
    return True


def _plain_text(children: Sequence[Token], blocks: tuple[Block, ...]) -> str:
    parts = []
    for child in children:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type == "wikilink":
            parts.append(child.meta["label"] or child.meta["target"])
    return restore("".join(parts), blocks)


#: The inline tokens given their line: what names a page, a source or an address.
_LINED = ("wikilink", "citation", "link_open", "image")


def _positions_and_anchors(state: StateCore) -> None:
    """Give every heading an id (and its fragment of old as an alias), and every link or citation
    its line; runs before footnotes move."""
    blocks = state.env.get("blocks", ())
    seen: dict[str, int] = {}
    seen_before: dict[str, int] = {}
    line = 0
    headings = []
    for i, token in enumerate(state.tokens):
        if token.map:
            line = token.map[0]
        if token.type == "inline" and token.children:
            breaks = 0
            for child in token.children:
                if child.type in ("softbreak", "hardbreak"):
                    breaks += 1
                elif child.type in _LINED:
                    child.meta["line"] = line + breaks
        if token.type != "heading_open":
            continue
        inline = state.tokens[i + 1]
        last = inline.children[-1] if inline.children else None
        explicit = _ANCHOR_SUFFIX.search(last.content) if last is not None and last.type == "text" else None
        if last is not None and explicit:
            last.content = last.content[:explicit.start()]
        text = _plain_text(inline.children or [], blocks)
        slug, before = (explicit.group(1),) * 2 if explicit else (fragments.slug(text), fragments.legacy(text))
        token.attrSet("id", _unique(slug, seen))
        token.meta = {"text": fragments.plain(text), "alias": _unique(before, seen_before)}
        headings.append(token)
    ids = {token.attrGet("id") for token in headings}
    for token in headings:
        if token.meta["alias"] in ids:
            token.meta["alias"] = ""


def _unique(slug: str, seen: dict[str, int]) -> str:
    """``slug``, or ``slug-2``, ``slug-3`` ... when a heading before took it."""
    seen[slug] = seen.get(slug, 0) + 1
    return f"{slug}-{seen[slug]}" if seen[slug] > 1 else slug


def _hooks(env: EnvType) -> InlineHooks:
    """The variant's hooks, which ``Body.fill`` puts in the renderer's environment."""
    hooks: InlineHooks = env["hooks"]
    return hooks


def _render_text(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                 env: EnvType) -> str:
    if env.get("raw_code", {}).get(id(tokens)):  # in a paragraph's raw <code>: code, as Markdown's
        return escapeHtml(restore(tokens[idx].content, _hooks(env).blocks))
    return _hooks(env).html(tokens[idx].content, env)


def _render_html(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
    if tokens[idx].type == "html_inline":  # ``tokens``: the paragraph's, whose raw tags open and close code
        open_ = env.setdefault("raw_code", {})
        open_[id(tokens)] = _in_code(tokens[idx], open_.get(id(tokens), 0))
    return _hooks(env).raw(tokens[idx].content)


#: A raw tag that opens or closes an element whose text is code (``rawhtml.CODE``).
_CODE_TAG = re.compile(rf"<(/?)(?:{'|'.join(sorted(rawhtml.CODE))})[\s/>]", re.IGNORECASE)


def _in_code(token: Token, depth: int) -> int:
    """How many elements of code are open in a paragraph after its ``token``, ``depth`` before it."""
    match = _CODE_TAG.match(token.content) if token.type == "html_inline" else None
    if match is None:
        return depth
    return max(depth - 1, 0) if match.group(1) else depth + 1


def _render_code_inline(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                        env: EnvType) -> str:
    return "<code>" + escapeHtml(restore(tokens[idx].content, env["blocks"])) + "</code>"


def _render_code_block(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                       env: EnvType) -> str:
    token = tokens[idx]
    info = escapeHtml(token.info.strip().split(" ")[0]) if token.info else ""
    cls = f' class="language-{info}"' if info else ""
    return f"<pre><code{cls}>" + escapeHtml(restore(token.content, env["blocks"])) + "</code></pre>\n"


def _figures(state: StateCore) -> None:
    """Make each ``::: figure`` a figure: its first paragraph, the image, stands alone; the paragraphs
    after it and its fields (credit, licence) are the caption. A figure otherwise made is left as
    written, with its mistake for ``problems``."""
    tokens = state.tokens
    i = 0
    while i < len(tokens):
        if tokens[i].type == "container_figure_open":
            i = _figure(tokens, i)
        i += 1


def _figure(tokens: list[Token], start: int) -> int:
    """The figure opening at ``start`` made one (see ``_figures``); returns where it closes."""
    opening = tokens[start]
    depth, end = 0, start
    for end in range(start, len(tokens)):
        depth += tokens[end].nesting if tokens[end].type.startswith("container_figure") else 0
        if depth == 0:
            break
    image = tokens[start + 2] if start + 3 < end and tokens[start + 1].type == "paragraph_open" else None
    children = image.children or [] if image is not None else []
    if image is None or not children or children[0].type != "image" \
            or (len(children) > 1 and children[1].type != "softbreak"):
        opening.meta["problem"] = "a figure starts with its image, on a line of its own"
        return end
    if len(children) > 2:  # the caption's first paragraph begins on the image's next line
        rest = Token("inline", "", 0, map=image.map, children=children[2:], content="")
        image.children = children[:1]
        tokens[start + 4:start + 4] = [Token("paragraph_open", "p", 1, block=True), rest,
                                       Token("paragraph_close", "p", -1, block=True)]
        end += 3
    tokens[start + 1].hidden = tokens[start + 3].hidden = True
    caption: list[Token] = []
    name, in_field = "", False
    for i in range(start + 4, end):
        token = tokens[i]
        if token.type in ("field_list_open", "field_list_close", "fieldlist_name_open", "fieldlist_name_close"):
            continue
        if token.type == "inline" and tokens[i - 1].type == "fieldlist_name_open":
            name = token.content.strip()
            if name not in FIGURE_FIELDS:
                opening.meta["problem"] = f"a figure has no field '{name}'"
                return end
        elif token.type == "fieldlist_body_open":
            caption.append(Token("figure_field_open", "p", 1, meta={"name": name}, block=True))
            in_field = True
        elif token.type == "fieldlist_body_close":
            caption.append(Token("figure_field_close", "p", -1, block=True))
            in_field = False
        else:
            token.hidden = token.hidden or (in_field and token.type.startswith("paragraph_"))
            caption.append(token)
    if caption:
        caption = [Token("figcaption_open", "figcaption", 1, block=True), *caption,
                   Token("figcaption_close", "figcaption", -1, block=True)]
    tokens[start + 4:end] = caption
    return start + 4 + len(caption)


def _decorative(token: Token) -> bool:
    return DECORATIVE in str(token.attrGet("class") or "").split()


def _render_image(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                  env: EnvType) -> str:
    token = tokens[idx]
    hooks = _hooks(env)
    alt = "" if _decorative(token) else hooks.convert(self.renderInlineAsText(token.children or [], options, env))
    if hooks.image is not None:
        return hooks.image(token, alt)
    title = token.attrGet("title")
    title_attr = f' title="{escapeHtml(hooks.convert(str(title)))}"' if title else ""
    return f'<img src="{escapeHtml(str(token.attrGet("src")))}" alt="{escapeHtml(alt)}"{title_attr} loading="lazy">'


def _render_link_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                      env: EnvType) -> str:
    token = tokens[idx]
    href = escapeHtml(_hooks(env).local(str(token.attrGet("href"))))
    title = token.attrGet("title")
    title_attr = f' title="{escapeHtml(_hooks(env).convert(str(title)))}"' if title else ""
    external = ' rel="external"' if href.startswith(("http://", "https://")) else ""
    return f'<a href="{href}"{title_attr}{external}>'


def _render_figure_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                        env: EnvType) -> str:
    return '<figure class="figure">\n' if tokens[idx].nesting == 1 else "</figure>\n"


def _render_figure_field(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                         env: EnvType) -> str:
    """A figure's credit or licence, after its label in the reader's script."""
    if tokens[idx].nesting == -1:
        return "</p>\n"
    name = tokens[idx].meta["name"]
    label = escapeHtml(_hooks(env).words.get(name, name))
    return f'<p class="figure-field figure-{name}"><span class="figure-label">{label}</span>'


def _render_footnote_caption(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                             env: EnvType) -> str:
    n = tokens[idx].meta["id"]
    return _CIRCLED[n] if n < len(_CIRCLED) else f"({n + 1})"


def _render_heading_open(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                         env: EnvType) -> str:
    """A heading and its link to itself share a box, which holds the heading's old fragment. The
    heading's HTML, for its entry in the contents, starts in ``env["out"]`` after this box's start."""
    token = tokens[idx]
    env["heading"] = token, len(env["out"]) + 1
    alias = f' id="{escapeHtml(token.meta["alias"])}"' if token.meta.get("alias") else ""
    return f'<div class="heading"{alias}>' + self.renderToken(tokens, idx, options, env)


def _render_heading_close(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict,
                          env: EnvType) -> str:
    opened, start = env.pop("heading")
    text = Markup(_NOTE_MARK.sub("", "".join(env["out"][start:]))).striptags()
    heading = Heading(int(opened.tag[1:]), str(opened.attrGet("id")), text)
    env["headings"].append(heading)
    return f"</{opened.tag}>" + _hooks(env).self_link(heading) + "</div>\n"


#: A render rule of markdown-it, as ``add_render_rule`` takes it.
RenderRule = Callable[[RendererHTML, Sequence[Token], int, OptionsDict, EnvType], str]
#: Where a compiled body has a hole: NUL, which no body holds (a file with a control character is
#: refused as it is read, ``sourcetext.read_text``, and markdown-it replaces NUL).
HOLE = "\x00"


def _per_variant(rule: RenderRule) -> RenderRule:
    """``rule``, whose HTML differs between variants (it converts text or names a page), or which
    needs what the holes before it were filled with (a heading's): compiling a body leaves a hole
    for it (``Body``)."""
    def render(self: RendererHTML, tokens: Sequence[Token], idx: int, options: OptionsDict, env: EnvType) -> str:
        holes = env.get("holes")
        if holes is None:
            return rule(self, tokens, idx, options, env)
        holes.append((rule, tokens, idx))
        return HOLE
    return render


@dataclass(frozen=True)
class Body:
    """A body's HTML as far as it is the same in every variant, rendered once for them all: the
    HTML between the holes (``parts``), and for each hole the rule that fills it, with its token.
    A variant fills the holes in reading order (``fill``), as rendering the tokens would call their
    rules, so conversion follows the text in the same order and the HTML is the same."""

    tokens: Sequence[Token]
    parts: list[str]
    holes: list[tuple[RenderRule, Sequence[Token], int]]
    allow_html: bool
    _texts: list[tuple[tuple[Any, ...], list[tuple[Text, tuple[tuple[Rule, ...], ...]]]]] = field(default_factory=list)

    def fill(self, hooks: InlineHooks) -> tuple[str, list[Heading]]:
        """The body's HTML in the variant of ``hooks``, and its headings in order."""
        md = parser(self.allow_html)
        assert isinstance(md.renderer, RendererHTML)
        out = [self.parts[0]]
        env: EnvType = {"hooks": hooks, "allow_html": self.allow_html, "blocks": hooks.blocks, "headings": [],
                        "out": out}
        for (rule, tokens, idx), part in zip(self.holes, self.parts[1:], strict=True):
            out.append(rule(md.renderer, tokens, idx, md.options, env))
            out.append(part)
        return "".join(out), env["headings"]

    def texts(self, hooks: InlineHooks) -> list[tuple[Text, tuple[tuple[Rule, ...], ...]]]:
        """What filling with ``hooks`` will ask the converter for (``InlineHooks.texts``): the same
        for the hooks of every variant of a page (same markup, same rules), so found once."""
        key = (hooks.blocks, hooks.layers, tuple(hooks.active))
        if not self._texts or self._texts[0][0] != key:
            self._texts[:] = [(key, list(hooks.texts(self.tokens)))]
        return self._texts[0][1]


def compiled(tokens: Sequence[Token], blocks: tuple[Block, ...], allow_html: bool) -> Body:
    """The ``Body`` of ``tokens``, kept for the next call with the same tokens: a page's variants
    are made one after the other, and the second fills what the first compiled."""
    if _compiled and _compiled[0][1].tokens is tokens and _compiled[0][0] == (blocks, allow_html):
        return _compiled[0][1]
    md = parser(allow_html)
    holes: list[tuple[RenderRule, Sequence[Token], int]] = []
    parts = md.renderer.render(tokens, md.options, {"holes": holes, "blocks": blocks}).split(HOLE)
    assert len(parts) == len(holes) + 1, "a body holds no NUL"
    _compiled[:] = [((blocks, allow_html), Body(tokens, parts, holes, allow_html))]
    return _compiled[0][1]


#: The last body compiled, with its markup and whether it allows HTML (see ``compiled``).
_compiled: list[tuple[tuple[tuple[Block, ...], bool], Body]] = []


class _Parser(MarkdownIt):
    """markdown-it, its links and images made whatever their address: markdown-it leaves those whose
    scheme it deems bad as text, silently; the load stage refuses every address but those
    ``urls.refused`` lets through, at its line, from ``addresses``."""

    def validateLink(self, url: str) -> bool:
        return True


@cache
def parser(allow_html: bool) -> MarkdownIt:
    md = _Parser("commonmark", {"html": allow_html}).enable(["table", "strikethrough"])
    md.use(footnote_plugin, inline=False)
    md.use(container_plugin, "figure").use(fieldlist_plugin).use(attrs_plugin, after=("image",), allowed=["class"])
    md.inline.ruler.before("link", "wikilink", _wikilink)
    md.inline.ruler.before("link", "citation", _citation)
    md.core.ruler.after("inline", "positions_and_anchors", _positions_and_anchors)
    md.core.ruler.after("positions_and_anchors", "figures", _figures)
    md.add_render_rule("text", _per_variant(_render_text))
    md.add_render_rule("html_block", _per_variant(_render_html))
    md.add_render_rule("html_inline", _per_variant(_render_html))
    md.add_render_rule("code_inline", _render_code_inline)
    md.add_render_rule("code_block", _render_code_block)
    md.add_render_rule("fence", _render_code_block)
    md.add_render_rule("image", _per_variant(_render_image))
    md.add_render_rule("link_open", _per_variant(_render_link_open))
    md.add_render_rule("footnote_caption", _render_footnote_caption)
    md.add_render_rule("heading_open", _per_variant(_render_heading_open))
    md.add_render_rule("container_figure_open", _render_figure_open)
    md.add_render_rule("container_figure_close", _render_figure_open)
    md.add_render_rule("figure_field_open", _per_variant(_render_figure_field))
    md.add_render_rule("figure_field_close", _render_figure_field)
    md.add_render_rule("heading_close", _per_variant(_render_heading_close))
    md.add_render_rule("wikilink", _per_variant(lambda self, tokens, idx, options, env: env["hooks"].link(tokens[idx])))
    md.add_render_rule("citation", _per_variant(lambda self, tokens, idx, options, env: env["hooks"].cite(tokens[idx])))
    return md


def parse(source: str, blocks: tuple[Block, ...], allow_html: bool) -> list[Token]:
    return parser(allow_html).parse(source, {"blocks": blocks})


#: A token's fields in the order ``pack`` writes them and ``_unpacked`` sets them: markdown-it's ``Token``'s own.
TOKEN_FIELDS = ("type", "tag", "nesting", "attrs", "map", "level", "children", "content", "markup", "info", "meta",
                "block", "hidden")
_CHILDREN = TOKEN_FIELDS.index("children")
_fields_of = attrgetter(*TOKEN_FIELDS)


def pack(tokens: Sequence[Token]) -> bytes:
    """A body's tokens as bytes, to cross between processes: each token as the tuple of its fields,
    pickled and compressed (a fifth of the size of the tokens pickled as they are, which took as
    long to unpickle as the body takes to parse)."""
    return zlib.compress(pickle.dumps(_packed(tokens), pickle.HIGHEST_PROTOCOL), 1)


def pack_references(references: list[Reference]) -> bytes:
    """A body's references as bytes (see Page.refs)."""
    return marshal.dumps([tuple(ref) for ref in references])


def unpack_references(data: bytes) -> list[Reference]:
    """The references ``pack_references`` made ``data`` of."""
    return list(map(Reference._make, marshal.loads(data)))


def unpack(data: bytes) -> list[Token]:
    """The tokens that ``pack`` made ``data`` of, equal to those it was given."""
    unpacked: list[Token] = _unpacked(pickle.loads(zlib.decompress(data)))
    return unpacked


def _packed(tokens: Sequence[Token]) -> list[tuple[Any, ...]]:
    out = []
    for token in tokens:
        values = _fields_of(token)
        if token.children is not None:
            values = (*values[:_CHILDREN], _packed(token.children), *values[_CHILDREN + 1:])
        out.append(values)
    return out


def _unpacked(packed: list[tuple[Any, ...]]) -> list[Token]:
    """Tokens made without ``Token.__init__``, whose checks cost three times what setting the fields
    does: ``tests/test_one_parse.py`` checks that ``TOKEN_FIELDS`` are the fields of markdown-it's Token."""
    out = []
    for values in packed:
        token = object.__new__(Token)
        (token.type, token.tag, token.nesting, token.attrs, token.map, token.level, children, token.content,
         token.markup, token.info, token.meta, token.block, token.hidden) = values
        token.children = None if children is None else _unpacked(children)
        out.append(token)
    return out


def references(tokens: Sequence[Token], blocks: tuple[Block, ...], allow_html: bool = False) -> list[Reference]:
    """Every [[...]] link and [@...] citation of a body, in reading order, markup blocks included."""
    found = []
    for child in _lined(tokens, blocks, allow_html):
        if child.type == "wikilink":
            found.append(Reference("link", child.meta["target"], child.meta["line"], child.meta["raw"],
                                   child.meta["anchor"]))
        elif child.type == "citation":
            found += [Reference("cite", key, child.meta["line"], child.meta["raw"]) for key, _ in child.meta["items"]]
        else:  # a Markdown link or image: to a page's file, a file of static/, or the web
            target = str(child.attrGet("href" if child.type == "link_open" else "src"))
            found.append(Reference("file" if child.type == "link_open" else "image", target, child.meta["line"],
                                   unquote(target)))  # as written: markdown-it percent-encodes it
    return found


def addresses(tokens: Sequence[Token], blocks: tuple[Block, ...], allow_html: bool = False) -> list[tuple[str, int]]:
    """The address of every Markdown link, autolink and image of a body, and every one in its raw
    HTML (``allow_html``: see rawhtml.py), with its line, in reading order, markup blocks included."""
    found = []
    for token in tokens:
        line = token.map[0] if token.map else 0
        if token.type == "html_block":
            found += _html_addresses(token.content, line, blocks)
        elif allow_html and token.type == "inline":
            found += _html_addresses(_as_html(token.children or []), line, blocks)
        found += [(str(child.attrGet("src" if child.type == "image" else "href")), child.meta["line"])
                  for child in _lined((token,), blocks, allow_html) if child.type in ("link_open", "image")]
    return found


def _html_addresses(html: str, line: int, blocks: tuple[Block, ...]) -> list[tuple[str, int]]:
    """The addresses of raw HTML that starts on body line ``line``, with those of its markup's texts."""
    found = [(address, line + at - 1) for address, at in rawhtml.scan(html).addresses]
    for offset, text in _markup_texts(html, blocks):  # at the line of the markup
        found += [(address, line + html.count("\n", 0, offset)) for address, _ in rawhtml.scan(text).addresses]
    return found


def _as_html(children: Sequence[Token]) -> str:
    """A paragraph's raw HTML and text as a browser reads them: the tags as written, the text escaped
    (so that a style sheet that spans both is read whole), a line break where the source had one."""
    breaks = {"softbreak": "\n", "hardbreak": "\n"}
    return "".join(child.content if child.type == "html_inline" else breaks.get(child.type, escapeHtml(child.content))
                   for child in children)


def _lined(tokens: Sequence[Token], blocks: tuple[Block, ...], allow_html: bool) -> Iterator[Token]:
    """The inline tokens of a body that have a line (``_LINED``), in reading order, with those of
    the texts of its markup blocks, at the line of the block."""
    for token in tokens:
        for child in token.children or ():
            if child.type in _LINED:
                yield child
            elif child.type == "text":
                for _, text in _markup_texts(child.content, blocks):
                    inline = parser(allow_html).parseInline(text, {"blocks": ()})
                    for inner in _lined(inline, (), allow_html):
                        inner.meta["line"] = _line_of(child, tokens)
                        yield inner


def _markup_texts(text: str, blocks: tuple[Block, ...]) -> Iterator[tuple[int, str]]:
    """The texts of the markup blocks in ``text`` (each form of a choice), with where each block is."""
    for match in PLACEHOLDER.finditer(text):
        block = block_at(match.group(), blocks)
        for form in [block.verbatim] if block.rule is None else [f for _, f in block.rule.forms]:
            yield match.start(), form


def problems(tokens: Sequence[Token]) -> list[Problem]:
    """The body's figures that are not made as a figure is, its images without alt text (but those
    marked decorative), and the tags its raw HTML leaves open, which a browser would close with
    the text after them (``<a href="javascript:x"``, then a blank line and a paragraph)."""
    found = []
    for token in tokens:
        unclosed = rawhtml.scan(token.content).unclosed if token.type == "html_block" and token.map else None
        if token.map and unclosed is not None:
            found.append(Problem(token.map[0] + unclosed - 1, "<", "this HTML tag or comment is not closed before the "
                                 "blank line that ends the HTML", "end the tag with '>' (a comment with '-->') "
                                 "before any blank line"))
        if token.type == "container_figure_open" and "problem" in token.meta:
            found.append(Problem(token.map[0] if token.map else 0, ":::", token.meta["problem"],
                                 "::: figure\n  ![what the image shows](images/photo.jpg)\n  the caption\n\n"
                                 "  :credit: who made it\n  :licence: on what terms\n  :::"))
        found += [Problem(child.meta.get("line", 0), str(child.attrGet("src")),
                          "this image has no alt text, which readers who cannot see it hear instead",
                          "say what it shows: ![1950年2月14日的签字仪式](…); an image that only decorates: "
                          "![](…){.decorative}")
                  for child in token.children or ()
                  if child.type == "image" and not child.content.strip() and not _decorative(child)]
    return found


def _line_of(child: Token, tokens: Sequence[Token]) -> int:
    """The body line of an inline child, from the block that holds it."""
    holder = next(t for t in tokens if child in (t.children or ()))
    return holder.map[0] if holder.map else 0


def anchors(tokens: Sequence[Token]) -> dict[str, str]:
    """The fragment of each heading, with its text as written (for the hint when a link misses)."""
    return {str(t.attrGet("id")): t.meta["text"] for t in tokens if t.type == "heading_open"}
