"""A page as a plain-text file, in each variant's script, for the types with ``plain_text: true`` in
site.yaml: readers who want the text itself (to quote it, print it or keep it) download it from the
page. The file holds what the page says (title, summary, text with its citation marks, references),
laid out by ``templates/page.txt``; the page links to it (``templates/partials/plain_text.html``).
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable

import jinja2

from docsite.model.view import PageView
from docsite.stages.views import Localizer

TEMPLATE = "page.txt"
_BLOCK_END = re.compile(r"</(?:p|li|h[1-6]|blockquote|t[dh]|d[td]|figcaption)>|<br\b[^>]*>")
#: Marks that only make sense on the web page: a heading's link to itself.
_SELF_LINKS = re.compile(r'<a\b[^>]*\bclass="[^"]*\bheading-link\b[^"]*"[^>]*>.*?</a>', re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def body_text(body: str) -> str:
    """The text of a body's HTML: each block a paragraph, citation marks as they read ([1]), no markup."""
    text = html.unescape(_TAG.sub("", _BLOCK_END.sub("\n\n", _SELF_LINKS.sub("", body))))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def files(env: jinja2.Environment, loc: Localizer, views: Iterable[PageView]) -> dict[str, bytes]:
    """The plain-text file of each view that has one (``extra["plain_text"]``, its name), by output path."""
    made = {}
    for view in views:
        name = view.extra.get("plain_text")
        if name:
            text = env.get_template(TEMPLATE).render(page=view, text=body_text(view.body), convert=loc.text,
                                                     site_title=loc.text(loc.site.config.title))
            made[view.dir + name] = text.encode("utf-8")
    return made
