"""The addresses in the raw HTML a page's body may hold when site.yaml allows it (``allow_html: true``):
every one a browser follows or fetches, read as a browser reads it (the stdlib's HTML parser decodes
entities, names are case-blind), so that the one allow-list of ``urls.refused`` applies to them as to
Markdown's links.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
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
