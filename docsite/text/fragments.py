"""Heading fragments (``#...``) that are the same in every script variant.

A heading's fragment is its text in Hanyu Pinyin without tones, one syllable a word (期满失效 ->
``qi-man-shi-xiao``): the simplified and the traditional page share it, so the switcher and shared
links keep the place, and a link written in either script (``[[treaty#期满失效]]``,
``[[treaty#期滿失效]]``) reaches it. An editor may set one instead (``## 第一条 {#article-1}``).
Before, a fragment was the heading's text as written; that form is kept as an alias, so old links
still arrive.
"""

from __future__ import annotations

import re

from docsite.text import pinyin

#: What an editor may write as a fragment of their own: ``{#article-1}``.
EXPLICIT = re.compile(r"[A-Za-z0-9_-]+")
_MARKUP = re.compile(r"-\{(?:[^|}]*\|)?(?:zh(?:-[a-z]+)?:)?([^;}]*)[^}]*\}-")
_WORD = re.compile(r"\w+")
_LEGACY_DROP = re.compile(r"[^\w\- ]+")


def plain(text: str) -> str:
    """A heading's text with its conversion markup read as its first form: -{zh-hans:苏联;zh-hant:蘇聯;}- -> 苏联."""
    return _MARKUP.sub(r"\1", text).strip()


def slug(text: str) -> str:
    """The fragment of a heading's text: its syllables and other words, lowercase, joined by hyphens."""
    words = [word for item in pinyin.read(plain(text)) for word in _WORD.findall(item.lower())]
    return "-".join(words) or "section"


def legacy(text: str) -> str:
    """The fragment the text had before pinyin: the text itself, less punctuation, spaces as hyphens."""
    return _LEGACY_DROP.sub("", plain(text).lower()).replace(" ", "-") or "section"


def of_anchor(anchor: str) -> str:
    """The fragment a link's ``#anchor`` names: an explicit id as written, a heading's text by its slug."""
    return anchor if EXPLICIT.fullmatch(anchor) else slug(anchor)
