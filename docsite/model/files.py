"""Files a page's Markdown names by path: other pages (``[周恩来](../people/zhou-enlai.md)``), images
and downloads, where they are in the site's folder, and an image as the build published it.

A path is read as the editor's own tools read it (a Markdown preview, GitHub): relative to the page's
file; from the site's folder when it starts with ``/static/``; else, starting with ``/``, from
content/. It must stay inside content/ or static/: nothing else of the site's folder is published.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

#: What a figure may show: the formats browsers read, which Pillow reads too.
IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif"})
#: The folders a path may lead into, below the site's folder.
FOLDERS = ("content", "static")


@dataclass(frozen=True)
class Local:
    """A file of the site named by a link or an image."""

    path: str  # below the site's folder: content/people/zhou-enlai.md, static/images/map.png
    anchor: str  # what followed '#', unquoted
    page: str | None  # the page's id, for a Markdown file in content/

    @property
    def is_image(self) -> bool:
        return PurePosixPath(self.path).suffix.lower() in IMAGE_SUFFIXES


class Outside(ValueError):
    """A path that leads out of content/ and static/."""


def page_id(relative: PurePosixPath | Path) -> str:
    """The id of the page in the file ``relative`` to content/: people/zhou-enlai, treaty (treaty/index.md)."""
    parts = list(relative.with_suffix("").parts)
    if parts[-1] == "index" and len(parts) > 1:
        parts.pop()
    return "/".join(parts)


def local(href: str, page: str) -> Local | None:
    """The file ``href`` names, written in the page file ``page`` (its path below the site's folder,
    with "/": ``Page.source``); None for an address on the web (a scheme or a host), in the page
    itself (``#...``) or a query. Raises ``Outside`` for a path out of content/ and static/."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc or not parts.path or parts.query:
        return None
    path = unquote(parts.path)
    if path.startswith("/static/"):
        joined = path[1:]
    elif path.startswith("/"):
        joined = "content" + path
    else:
        joined = posixpath.join(posixpath.dirname(page), path)
    normal = posixpath.normpath(joined)
    top = normal.split("/")[0]
    if top not in FOLDERS or normal == top or "\\" in normal:
        raise Outside(href)
    relative = PurePosixPath(normal)
    is_page = top == "content" and relative.suffix == ".md"
    return Local(normal, unquote(parts.fragment), page_id(relative.relative_to("content")) if is_page else None)


@dataclass(frozen=True)
class Rendition:
    """One file of an image as published: its path in the output and its width in pixels."""

    path: str
    width: int


@dataclass(frozen=True)
class Encoding:
    """An image in one format at each of its widths, narrowest first."""

    mime: str
    renditions: tuple[Rendition, ...]


@dataclass(frozen=True)
class Image:
    """An image as the build published it: its size, and its encodings, the modern formats first
    (kept only where smaller than the original's) and the original's format last, which every
    browser reads."""

    source: str  # below the site's folder
    digest: str  # of its bytes and how it was processed: the published names hold it
    width: int
    height: int
    encodings: tuple[Encoding, ...]

    @property
    def fallback(self) -> Encoding:
        return self.encodings[-1]
