"""Where lines may not break in a page's text: a separator dot stays with its neighbours.

Chinese writes the names of foreigners with a separator dot (安德烈·维辛斯基, the 间隔号), and pages
join parts with one (全文·第一条, 相关 · 提及本页). Chinese typesetting never begins or ends a line
with it, but browsers break on either side of it between Chinese characters, so that on a phone a
line may begin with the dot. The dot and the character on each side of it (with the spaces between,
if any) are wrapped in a span that CSS keeps on one line (``.nobreak``): the text read, searched and
copied is unchanged, and the line breaks before or after the three instead.

Only the text of a page is touched: never its scripts (whose hashes the Content-Security-Policy
allows), styles, title, comments or attribute values.
"""

from __future__ import annotations

import re

#: The separator dots: MIDDLE DOT (as Chinese text writes it), KATAKANA MIDDLE DOT, HYPHENATION POINT
#: (as Taiwan writes it), HALFWIDTH KATAKANA MIDDLE DOT.
DOTS = "\u00b7\u30fb\u2027\uff65"

#: Either markup left as it is (an element whose content is not text to lay out, a comment, a tag
#: with its attributes) or, in text, a dot with a letter, digit or character on each side (an
#: entity's ';' is none of those, so that an entity is never cut).
_MARKUP_OR_DOTS = re.compile(
    r"(?P<markup><(?P<raw>script|style|title|textarea)\b.*?</(?P=raw)\s*>|<!--.*?-->|<[^>]*>)"
    rf"|(?P<kept>[^\W_](?: ?[{DOTS}] ?[^\W_])+)",
    re.DOTALL | re.IGNORECASE)

#: The class of the span (its rule is in static/style.css).
CLASS = "nobreak"


def keep_separators(html: str) -> str:
    """``html`` with each separator dot of its text kept on one line with its neighbours."""
    if not any(dot in html for dot in DOTS):
        return html
    return _MARKUP_OR_DOTS.sub(_keep, html)


def _keep(match: re.Match[str]) -> str:
    kept = match.group("kept")
    return match.group(0) if kept is None else f'<span class="{CLASS}">{kept}</span>'
