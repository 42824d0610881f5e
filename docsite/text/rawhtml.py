"""The raw HTML a page's body may hold when site.yaml allows it (``allow_html: true``), read as a
browser reads it (the stdlib's HTML parser: entities decoded, names case-blind):

- its addresses, every one a browser follows or fetches, so that the one allow-list of
  ``urls.refused`` applies to them as to Markdown's links (``scan``);
- where its text is, what a reader reads, so that each variant converts that and nothing else: not
  a tag's or an attribute's name, an address or a class (``texts``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html import escape, unescape
from html.parser import HTMLParser

#: Attributes whose value is an address, on any element (SVG's xlink:href too).
ADDRESSES = frozenset({"href", "src", "action", "formaction", "xlink:href", "poster", "data", "cite", "background"})
#: The spaces a browser drops at the ends of an address in an attribute (the HTML standard's ASCII whitespace).
_ENDS = " \t\n\r\f"
_SPACES = re.compile(f"[{_ENDS}]+")
#: A CSS address, url(...) with or without quotes, once CSS escapes are decoded.
_CSS_URL = re.compile(r"""url\(\s*(["']?)(.*?)\1\s*(?:\)|$)""", re.IGNORECASE | re.DOTALL)
_CSS_ESCAPE = re.compile(r"\\(?:([0-9a-fA-F]{1,6})\s?|(.))", re.DOTALL)
#: <meta http-equiv="refresh" content="0; url=...">: the address after url=.
_REFRESH = re.compile(r"url\s*=\s*['\"]?([^'\"]*)", re.IGNORECASE)


@dataclass
class Scan:
    """What a piece of raw HTML holds: each address with its line (counted from 1 in the piece), and
    the line of a tag it leaves open, if any (one a browser would close with the text after it)."""

    addresses: list[tuple[str, int]] = field(default_factory=list)
    unclosed: int | None = None


def scan(html: str) -> Scan:
    """The addresses of ``html`` and its unclosed tag (see ``Scan``)."""
    reader = _Reader()
    reader.feed(html)
    if not reader.in_style and reader.rawdata.lstrip().startswith("<"):  # left unread: a tag without its end
        reader.found.unclosed = reader.getpos()[0]
    reader.close()
    if reader.in_style:  # a style sheet without its end tag, which the parser leaves unread
        reader.handle_data(reader.rawdata)
    return reader.found


def _css(css: str) -> list[tuple[str, int]]:
    """The addresses of url(...) in CSS, each with its line in ``css`` (from 0)."""
    def decoded(escape: re.Match[str]) -> str:
        code = escape.group(1)
        return chr(min(int(code, 16), 0x10FFFF) or 0xFFFD) if code else escape.group(2)
    css = _CSS_ESCAPE.sub(decoded, css)
    return [(match.group(2), css.count("\n", 0, match.start())) for match in _CSS_URL.finditer(css)]


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found = Scan()
        self.in_style = False

    def add(self, address: str, line: int) -> None:
        self.found.addresses.append((address.strip(_ENDS), line))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        line = self.getpos()[0]
        named = {name: value or "" for name, value in reversed(attrs)}  # a browser keeps the first of two
        for name, value in attrs:
            if value is None:
                continue
            if name in ADDRESSES:
                self.add(value, line)
            elif name == "srcset":  # candidates, each an address and then its width or density
                for candidate in value.split(","):
                    self.add(_SPACES.split(candidate.strip(_ENDS))[0], line)
            elif name == "style":
                for address, below in _css(value):
                    self.add(address, line + below)
            elif tag in ("animate", "set") and name in ("to", "from", "values") \
                    and named.get("attributename", "").lower() in ("href", "xlink:href"):
                for address in value.split(";"):  # SVG animation that sets a link's address
                    self.add(address, line)
            elif tag == "meta" and name == "content" and named.get("http-equiv", "").lower() == "refresh":
                for address in _REFRESH.findall(value):
                    self.add(address, line)
        self.in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self.in_style = False

    def handle_data(self, data: str) -> None:
        if self.in_style:
            for address, below in _css(data):
                self.add(address, self.getpos()[0] + below)


#: Attributes whose value a reader reads: a tooltip, an image's text, what a screen reader says.
TEXT_ATTRIBUTES = frozenset({"title", "alt", "aria-label", "aria-description", "placeholder", "label"})
#: Elements whose text is code, not prose, and is never converted (as Markdown's code is not).
CODE = frozenset({"code", "kbd", "samp", "script", "style"})
#: An attribute of a start tag, after the tag's name (the stdlib parser's own pattern): its name,
#: and its value, in quotes or not.
_ATTRIBUTE = re.compile(r"""((?<=['"\s/])[^\s/>][^\s/=>]*)(?:\s*=+\s*(?:'([^']*)'|"([^"]*)"|(?!['"])([^>\s]*)))?""")
_TAG_NAME = re.compile(r"<[a-zA-Z][^\t\n\r\f />\x00]*")


#: Where a text is in a piece of HTML (start, end), and how it is written there: between tags
#: ("text"), or as an attribute's value in quotes ("quoted") or without ("unquoted": converted, it
#: may hold a space, which would end it, so it is written back in quotes).
Span = tuple[int, int, str]


def texts(html: str) -> list[str]:
    """The text a reader reads in ``html``, in reading order, piece by piece: the text between tags
    but in ``CODE``, and the values of ``TEXT_ATTRIBUTES``, character references decoded."""
    return [unescape(html[start:end]) for start, end, _ in _spans(html)]


def converted(html: str, convert: Callable[[str], str]) -> str:
    """``html`` with each piece of its ``texts`` given to ``convert`` and written back in its place,
    escaped (what a conversion makes is text, never markup); the rest as written."""
    out, pos = [], 0
    for start, end, written in _spans(html):
        made = escape(convert(unescape(html[start:end])), quote=written != "text")
        out += [html[pos:start], f'"{made}"' if written == "unquoted" else made]
        pos = end
    out.append(html[pos:])
    return "".join(out)


def inert(text: str) -> str:
    """``text`` written so that, wherever it is put in HTML (between tags, in an attribute's value
    with or without quotes, in a tag), it ends nothing and starts nothing: &, <, >, quotes, spaces,
    = and ` as character references."""
    return _INERT.sub(lambda match: f"&#{ord(match.group())};", text)


_INERT = re.compile(r"""[&<>"'=`\s]""")


def _spans(html: str) -> list[Span]:
    reader = _Texts(html)
    reader.feed(html)
    reader.close()
    return reader.spans


class _Texts(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)  # a reference between tags is left as written
        self.html = html
        self.lines = [0, *(match.end() for match in re.finditer("\n", html))]  # where each line starts
        self.spans: list[Span] = []
        self.code: list[str] = []  # the elements of ``CODE`` open

    def _at(self) -> int:
        """Where what the parser is handling starts in the text."""
        line, col = self.getpos()
        return self.lines[line - 1] + col

    def handle_data(self, data: str) -> None:
        start = self._at()
        if not self.code and data.strip() and self.html.startswith(data, start):
            self.spans.append((start, start + len(data), "text"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_startendtag(tag, attrs)
        if tag in CODE:
            self.code.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start, written = self._at(), self.get_starttag_text() or ""
        named = _TAG_NAME.match(written)
        for match in _ATTRIBUTE.finditer(written, named.end() if named else len(written)):
            value = next((group for group in (2, 3, 4) if match.group(group)), None)
            if value is not None and match.group(1).lower() in TEXT_ATTRIBUTES:
                self.spans.append((start + match.start(value), start + match.end(value),
                                   "unquoted" if value == 4 else "quoted"))

    def handle_endtag(self, tag: str) -> None:
        if tag in self.code:
            del self.code[len(self.code) - 1 - self.code[::-1].index(tag):]
