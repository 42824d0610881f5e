"""Convert stage: one variant's view of every page, with every string a reader sees converted.

The views are plain data for the templates: converted titles and summaries, body HTML, facts,
links (already relative to the page that shows them), references and connections.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markupsafe import Markup

from docsite.model import urls
from docsite.model.chronology import Bar, Chronology
from docsite.model.config import COMMON, Variant
from docsite.model.page import Page
from docsite.model.site import Site
from docsite.model.view import Citation, CitedSource, Connection, Fact, Link, Membership, PageView, TimelineEntry
from docsite.stages import timelines
from docsite.text import citations, markdown
from docsite.text.dates import EDTF
from docsite.text.variants import Converter, Rule, Text, protect

#: Where a citation's address and access day go (see ``Localizer.citation``).
_URL, _ACCESSED = "\x01", "\x02"


class Localizer:
    """Builds the views of one variant. Conversion goes through one cached ``Converter``."""

    def __init__(self, site: Site, variant: Variant, converter: Converter, names: Mapping[str, str]):
        self.site = site
        self.variant = variant
        self.convert = converter
        self.names = names  # the interface's words in this variant's script (templates/interface.html)
        self._descriptions: dict[str, tuple[str, str, str]] = {}

    def text(self, text: Text | str, layers: tuple[tuple[Rule, ...], ...] = ()) -> str:
        return self.convert(text, *layers)

    def title_of(self, pid: str) -> str:
        if pid in self.site.pages:
            page = self.site.pages[pid]
            return self.text(page.title, page.layers)
        if pid in self.site.lists:
            return self.text(self.site.lists[pid].type.plural)
        if pid == urls.TAGS:
            return self.names["tags"]
        if pid == urls.SEARCH:
            return self.names["search"]
        if pid == urls.TIMELINE:
            return self.names["timeline"]
        if pid.startswith(urls.TIMELINE + "/"):
            kind = next(t for t in self.site.config.types if t.name == pid.partition("/")[2])
            return self.names["timeline_of"].replace("{kind}", self.text(kind.plural))
        return self.text(self.site.tags[pid.removeprefix(urls.TAGS + "/")])

    def dir_of(self, pid: str) -> str:
        return urls.page_dir(self.variant.code, pid)

    def link(self, from_dir: str, name: str, anchor: str = "", title: str | None = None) -> Link:
        """A link to a page named by id or by title (see Site.target)."""
        pid = self.site.target(name) or name
        own_title, summary, kind = self._described(pid)
        return Link(urls.relative(from_dir, self.dir_of(pid), anchor), title or own_title, summary, kind, pid)

    def _described(self, pid: str) -> tuple[str, str, str]:
        """A page's title, summary and kind in this variant: asked for by every link to it, made once."""
        if pid not in self._descriptions:
            page = self.site.pages.get(pid)
            summary = kind = ""
            if page is not None:
                summary = self.text(page.fields["summary"], page.layers) if "summary" in page.fields else ""
                kind = self.text(page.type.label)
            self._descriptions[pid] = (self.title_of(pid), summary, kind)
        return self._descriptions[pid]

    def links(self, from_dir: str, ids: list[str]) -> list[Link]:
        return [self.link(from_dir, pid) for pid in ids]

    def breadcrumbs(self, from_dir: str, pid: str) -> list[Link]:
        trail: list[Link] = []
        parent = self.site.parent(pid)
        while parent:
            trail.insert(0, self.link(from_dir, parent))
            parent = self.site.parent(parent)
        home = self.link(from_dir, urls.HOME, title=self.names["home"])
        return [home, *trail] if pid != urls.HOME else []

    # -- pages ---------------------------------------------------------------------------------

    def page(self, page: Page) -> PageView:
        here = self.dir_of(page.id)

        def text(value: Text | str) -> str:
            return self.text(value, page.layers)

        numbers = {key: i + 1 for i, key in enumerate(self.site.cited[page.id])}
        backrefs: dict[int, list[str]] = {n: [] for n in numbers.values()}

        def wikilink(token: Token) -> str:
            meta = token.meta
            label = text(Text(meta["label"], page.blocks)) if meta["label"] else None
            target = self.link(here, meta["target"], meta["anchor"], label)
            return f'<a href="{escapeHtml(target.url)}">{escapeHtml(target.title)}</a>'

        def cite(token: Token) -> str:
            out = []
            for key, locator in token.meta["items"]:
                n = numbers[key]
                ref_id = f"cite-{n}-{len(backrefs[n]) + 1}"
                backrefs[n].append(ref_id)
                loc = escapeHtml(text(Text(locator, page.blocks))) if locator else ""
                out.append(f'<a href="#ref-{n}" id="{ref_id}" role="doc-noteref">[{n}]</a>{loc}')
            return '<sup class="citation">' + "".join(out) + "</sup>"

        hooks = markdown.InlineHooks(self.convert, page.layers, wikilink, cite, page.blocks)
        tokens = page.tokens(self.site.config.allow_html)
        self.convert.prefetch(hooks.texts(tokens))
        body = Markup(markdown.render_body(tokens, hooks, self.site.config.allow_html))
        references = []
        for key, n in numbers.items():
            source = citations.format_source(self.site.sources[key])
            references.append(CitedSource(n, text(protect(source.text)), source.url, tuple(backrefs[n])))
        previous, following = self.site.neighbours(page.id)
        return PageView(
            id=page.id,
            template=page.type.template,
            dir=here,
            title=text(page.title),
            type_name=page.type.name,
            type_label=self.text(page.type.label),
            summary=text(page.fields["summary"]) if "summary" in page.fields else "",
            body=body,
            facts=self.facts(page, here),
            tags=[Link(urls.relative(here, self.dir_of(f"{urls.TAGS}/{t}")), self.text(self.site.tags[t]))
                  for t in page.fields.get("tags", [])],
            connections=self.connections(here, page),
            children=self.links(here, self.site.children.get(page.id, [])),
            references=references,
            breadcrumbs=self.breadcrumbs(here, page.id),
            previous=self.link(here, previous) if previous else None,
            next=self.link(here, following) if following else None,
            timeline=self.entries(here, self.chronology.by_page.get(page.id, [])),
            in_timelines=self.memberships(here, page.id),
            extra=self.extra(page, here),
            changed=page.changed,
        )

    def citation(self, view: PageView) -> Citation:
        """The entries that cite ``view``'s page: its title in this script, the site's, its address
        (absolute when base_url names a host, else from the site's root, for the script to complete)
        and the day its source last changed."""
        config = self.site.config
        url = urls.public(config.base_url, view.dir, view.dir) if urls.is_absolute(config.base_url) \
            else urls.base_path(config.base_url) + view.dir
        site, key = self.text(config.title), view.id.replace("/", ":")
        marks = {_URL: Markup('<span class="cite-url">{}</span>').format(url),
                 _ACCESSED: Markup('<span class="cite-accessed">{}</span>').format(self.text("引用日期"))}

        def marked(text: str) -> Markup:
            out = Markup.escape(text)
            for mark, markup in marks.items():
                out = out.replace(mark, markup)
            return out

        return Citation(marked(citations.web_page(view.title, site, view.changed, _URL, _ACCESSED)),
                        marked(citations.bibtex(key, view.title, site, view.changed, _URL, _ACCESSED)))

    def extra(self, page: Page, here: str) -> dict[str, Any]:
        """What some pages show besides the common parts: the home page's sections, a named timeline's events."""
        if page.id == urls.HOME:
            return {"sections": self.sections(here)}
        if page.id in self.chronology.named:
            return {"entries": self.entries(here, self.chronology.named[page.id])}
        return {}

    def connections(self, here: str, page: Page) -> list[Connection]:
        """The related pages in the order written, then the other pages that link here."""
        related = self.links(here, page.fields.get("related", []))
        backlinks = self.site.backlinks.get(page.id, [])
        named = {link.id for link in related}
        return [Connection(link, True, link.id in backlinks) for link in related] + \
            [Connection(link, False, True) for link in self.links(here, [pid for pid in backlinks if pid not in named])]

    def facts(self, page: Page, here: str) -> list[Fact]:
        """The page's date, its period and its type's fields, as the page's fact box shows them."""
        specs = [COMMON["date"], COMMON["period"], *page.type.fields]
        return [Fact(self.text(spec.label) if spec.label else self.names[spec.name],
                     spec.kind.show(page.fields[spec.name], self, page.layers, here))
                for spec in specs if spec.name in page.fields]

    def date(self, date: EDTF) -> Markup:
        """A date as <time datetime> where it is exact; an approximate or uncertain one is plain text,
        since HTML has no way to say 'about' and a <time> without datetime must be machine-readable."""
        return Markup("").join(
            Markup.escape(self.text(part)) if isinstance(part, str) else
            Markup('<time datetime="{}">{}</time>').format(part.exact_iso, self.text(part.display()))
            if part.exact_iso else Markup('<span class="date">{}</span>').format(self.text(part.display()))
            for part in date.parts())

    # -- generated pages -----------------------------------------------------------------------

    def list_page(self, pid: str, ids: list[str], kind: str = "") -> PageView:
        here = self.dir_of(pid)
        return PageView(id=pid, template="list.html", dir=here, title=self.title_of(pid), type_label=kind,
                        children=self.links(here, ids), breadcrumbs=self.breadcrumbs(here, pid))

    def generated_ids(self) -> list[str]:
        """The generated pages: a list page per type, the tag index and a page per tag, the site
        timeline and a page per related type that filters it."""
        ids = list(self.site.lists)
        if self.site.tagged:
            ids += [urls.TAGS, *(f"{urls.TAGS}/{tag}" for tag in self.site.tagged)]
        if self.chronology.events:
            ids += [urls.TIMELINE, *(f"{urls.TIMELINE}/{kind}" for kind in self.chronology.filters)]
        return ids

    def generated(self, pid: str) -> PageView:
        """One of the ``generated_ids``."""
        if pid in self.site.lists:
            return self.list_page(pid, self.site.by_type[self.site.lists[pid].type.name])
        if pid == urls.TAGS:
            return self.list_page(pid, [f"{urls.TAGS}/{tag}" for tag in self.site.tagged])
        if pid.startswith(urls.TAGS + "/"):
            return self.list_page(pid, self.site.tagged[pid.removeprefix(urls.TAGS + "/")], self.names["tags"])
        return self.timeline_page(pid.partition("/")[2])

    # -- timelines ----------------------------------------------------------------------------

    @property
    def chronology(self) -> Chronology:
        assert self.site.chronology is not None
        return self.site.chronology

    def entries(self, here: str, ids: list[str]) -> list[TimelineEntry]:
        site_timeline = self.dir_of(urls.TIMELINE)
        return [
            TimelineEntry(self.chronology.anchors[pid], self.date(timelines.event_date(self.site.pages[pid])),
                  self.link(here, pid), self.links(here, self.site.pages[pid].fields.get("related", [])),
                  urls.relative(here, site_timeline, self.chronology.anchors[pid]))
            for pid in ids
        ]

    def memberships(self, here: str, pid: str) -> list[Membership]:
        return [Membership(self.link(here, place.timeline, self.chronology.anchors[pid]),
                           self.link(here, place.previous) if place.previous else None,
                           self.link(here, place.next) if place.next else None)
                for place in self.chronology.timelines_of(pid)]

    def timeline_page(self, kind: str = "") -> PageView:
        """The site timeline, or the page that filters it to the events related to pages of ``kind``
        (no JavaScript needed)."""
        pid = f"{urls.TIMELINE}/{kind}" if kind else urls.TIMELINE
        ids = self.chronology.filters[kind] if kind else self.chronology.events
        here = self.dir_of(pid)
        entries = self.entries(here, ids)
        years: dict[int, list[TimelineEntry]] = {}
        for event, entry in zip(ids, entries, strict=True):
            years.setdefault(timelines.event_date(self.site.pages[event]).earliest.year, []).append(entry)
        filters = [(self.link(here, f"{urls.TIMELINE}/{k}" if k else urls.TIMELINE,
                              title=self.text(next(t.plural for t in self.site.config.types if t.name == k))
                              if k else self.names["all_events"]), k == kind)
                   for k in ["", *self.chronology.filters]]
        return PageView(
            id=pid, template="site-timeline.html", dir=here, title=self.title_of(pid),
            breadcrumbs=self.breadcrumbs(here, pid),
            extra={"years": sorted(years.items()), "filters": filters,
                   "overview": self.overview(here) if not kind else None,
                   "downloads": [(name, urls.relative(here, self.dir_of(urls.TIMELINE) + file))
                                 for name, file in (("JSON", "events.json"), ("CSV", "events.csv"),
                                                    ("TimelineJS", "timelinejs.json"))]},
        )

    def overview(self, here: str) -> dict[str, Any] | None:
        """The proportional overview, with converted labels and links relative to ``here``."""
        overview = self.chronology.overview
        if overview is None:
            return None

        def mark(bar: Bar) -> dict[str, Any]:
            label = self.text(bar.label) if isinstance(bar.label, Text) else str(bar.label)
            url = self.link(here, bar.id).url if bar.id else ""
            return {"label": label, "url": url, "x": bar.start, "width": round(bar.end - bar.start, 1),
                    "row": bar.row, "date": self.text(timelines.event_date(self.site.pages[bar.id]).display())
                    if bar.id else ""}

        return {
            "first": overview.first_year, "last": overview.last_year, "rows": overview.rows,
            "eras": [mark(e) for e in overview.eras], "bars": [mark(b) for b in overview.bars],
            "ticks": [{"x": t.x, "url": self.link(here, t.id).url, "label": self.title_of(t.id),
                       "date": self.text(timelines.event_date(self.site.pages[t.id]).display())}
                      for t in overview.ticks],
            "years": overview.years, "width": timelines.WIDTH,
        }

    def sections(self, here: str) -> list[dict[str, Any]]:
        """The home page's overview: each navigation entry with the pages under it."""
        out = []
        for pid in (item.id for item in self.site.config.nav):
            if pid in self.site.lists:
                ids = self.site.by_type[self.site.lists[pid].type.name]
            elif pid in self.site.pages:
                ids = self.site.children.get(pid, [])
            else:
                continue
            out.append({"link": self.link(here, pid), "pages": self.links(here, ids)})
        return out
