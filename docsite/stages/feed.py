"""Feed stage: an Atom feed (RFC 4287) per variant of the pages new and changed most lately, each
dated by the day its source last changed (``changed:``, else git's; see load and history), titles
and summaries in the variant's script.

A feed's ids and links must be absolute, so there is a feed only when base_url names a host (as
for the sitemap); each page's <head> then links to its variant's feed.
"""

from __future__ import annotations

from dataclasses import dataclass

import jinja2

from docsite.model import urls
from docsite.model.config import SiteConfig
from docsite.stages.views import Localizer

NAME = "feed.xml"
#: The entries a feed holds, newest first: what a reader's feed reader shows, not an archive.
ENTRIES = 50
#: A feed without a dated page still has an ``updated`` (RFC 4287 requires one): the earliest there is.
NEVER = "1970-01-01"


@dataclass(frozen=True)
class Entry:
    url: str
    title: str
    summary: str
    updated: str  # RFC 3339


def address(config: SiteConfig, code: str) -> str:
    """The absolute URL of a variant's feed, or '' when base_url names no host (no feed is written)."""
    return config.base_url + urls.page_dir(code, urls.HOME) + NAME if urls.is_absolute(config.base_url) else ""


def feed(env: jinja2.Environment, loc: Localizer) -> dict[str, bytes]:
    """``loc``'s variant's feed, by output path; nothing without an absolute base_url."""
    config = loc.site.config
    url = address(config, loc.variant.code)
    if not url:
        return {}
    dated = sorted(((page.changed, pid) for pid, page in loc.site.pages.items() if page.changed),
                   key=lambda item: (item[0] or "", item[1]), reverse=True)[:ENTRIES]
    entries = [Entry(config.base_url + loc.dir_of(pid), loc.title_of(pid), _summary(loc, pid), _moment(day))
               for day, pid in dated]
    title = loc.text(config.title)
    xml = env.get_template(NAME).render(
        lang=loc.variant.lang, id=url, home=config.base_url + loc.dir_of(urls.HOME), title=title,
        subtitle=loc.text(config.tagline), updated=entries[0].updated if entries else _moment(NEVER), entries=entries)
    return {urls.page_dir(loc.variant.code, urls.HOME) + NAME: xml.encode("utf-8")}


def _summary(loc: Localizer, pid: str) -> str:
    page = loc.site.pages[pid]
    return loc.text(page.fields["summary"], page.layers) if "summary" in page.fields else ""


def _moment(day: str | None) -> str:
    """A day as Atom's date-time: its start, in UTC."""
    return f"{day}T00:00:00Z"
