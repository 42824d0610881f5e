"""Convert stage: one variant's view of every page, with every string a reader sees converted.

The views are plain data for the templates: converted titles and summaries, body HTML, facts,
links (already relative to the page that shows them), references and connections.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from functools import partial
from typing import Any

from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token
from markupsafe import Markup

from docsite.incremental.reads import Memo, remembered
from docsite.model import files, geo, urls
from docsite.model.chronology import Chronology
from docsite.model.config import COMMON, Variant
from docsite.model.fields import DateKind, GeoKind, NamesKind
from docsite.model.page import Page
from docsite.model.site import Site
from docsite.model.view import (
    Citation,
    CitedSource,
    Connection,
    Fact,
    Link,
    MapView,
    Mark,
    Membership,
    PageView,
    Preview,
    Section,
    TimelineEntry,
)
from docsite.stages import images, maps, overview, timelines
from docsite.text import citations, fragments, markdown
from docsite.text.dates import EDTF
from docsite.text.variants import LONG, PLACEHOLDER, Converter, Layers, Rule, Text, protect

_SPACE = re.compile(r"\s+")

#: Where a citation's address and access day go (see ``Localizer.citation``).
_URL, _ACCESSED = "\x01", "\x02"


def _shown(page: Page) -> list[tuple[Text, Layers]]:
    """The texts of ``page`` that other pages show (see ``Localizer.convert_shown``), with its layers."""
    summary = page.fields.get("summary")
    return [(page.title, page.layers), *([(summary, page.layers)] if summary is not None else [])]


#: The memos whose values come again within one build (see ``Localizer.memo``).
RECURRING = ("descriptions",)


class Localizer:
    """Builds the views of one variant, for one build. Conversion goes through one cached ``Converter``."""

    def __init__(self, site: Site, variant: Variant, converter: Converter, names: Mapping[str, str],
                 memos: Mapping[str, Memo] | None = None):
        self.site = site
        self.variant = variant
        self.convert = converter
        self.names = names  # the interface's words in this variant's script (templates/interface.html)
        # What many parts show, made once (``remembered``): each page's description, each event's
        # entry in a timeline and its record in the timeline's data; kept from build to build by the preview.
        self.memos = memos if memos is not None else defaultdict(Memo)
        self.memos_kept = memos is not None
        self._texts: dict[str, str] = {}  # see ``text``
        self._dates: dict[EDTF, Markup] = {}  # see ``date``

    def text(self, text: Text | str, layers: tuple[tuple[Rule, ...], ...] = ()) -> str:
        """``text`` in this variant's script. A short text without markup or rules of its own (a
        title, a label, an interface word: pages show the same ones again and again) is kept by
        itself, once converted: asking the converter, whose key holds the rules, cost more than
        the conversion. The short texts of one site bound what is kept, for one build."""
        plain = text if isinstance(text, str) else None if text.blocks else text.source
        if plain is None or len(plain) >= LONG or any(layers):
            return self.convert(text, *layers)
        converted = self._texts.get(plain)
        if converted is None:
            converted = self._texts[plain] = self.convert(plain)
        return converted

    def convert_shown(self) -> None:
        """Convert in one batch the texts that many pages show: every page's title and summary, its
        type's names, the tags. Done before the processes that make pages fork, each is converted
        once per build instead of once in each process, and the 404 page's list of every title
        costs nothing more."""
        labels = [Text(name) for kind in self.site.config.types for name in (kind.label, kind.plural)]
        self.convert.prefetch([(text, ()) for text in [*labels, *self.site.tags.values()]])
        self.convert.prefetch_of(list(self.site.pages.values()), _shown)

    def memo(self, name: str) -> Memo | None:
        """The memo ``name`` of ``remembered``, or None where it would keep what nothing asks for
        again: without a memory kept from build to build, only a page's description comes again
        (every link to the page shows it); a timeline's entries, its overview and an event's
        record are each asked for by the one part that shows them, and the processes making pages
        held them until the build ended (60 MiB of a cold build's peak at 10,000 pages)."""
        return self.memos[name] if self.memos_kept or name in RECURRING else None

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
        if pid == urls.MAP:
            return self.names["map"]
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
        return remembered(self.site, self.memo("descriptions"), pid, lambda: self._description(pid))

    def _description(self, pid: str) -> tuple[str, str, str]:
        page = self.site.pages.get(pid)
        summary = kind = ""
        if page is not None:
            summary = self.text(page.fields["summary"], page.layers) if "summary" in page.fields else ""
            kind = self.text(page.type.label)
        return self.title_of(pid), summary, kind

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

        def written(source: str) -> Text | str:
            """A piece of the body (a link's label, a citation's locator), with the body's markup
            when it holds some: without, it is the same text as on every other page."""
            return Text(source, page.blocks) if PLACEHOLDER.search(source) else source

        numbers = {key: i + 1 for i, key in enumerate(self.site.cited[page.id])}
        backrefs: dict[int, list[str]] = {n: [] for n in numbers.values()}

        linked = [value for spec in page.type.fields for value, _ in page.named(spec.name)]

        def wikilink(token: Token) -> str:
            meta = token.meta
            label = text(written(meta["label"])) if meta["label"] else None
            anchor = fragments.of_anchor(meta["anchor"]) if meta["anchor"] else ""
            target = self.link(here, meta["target"], anchor, label)
            linked.append(target.id)
            return f'<a href="{escapeHtml(target.url)}">{escapeHtml(target.title)}</a>'

        def cite(token: Token) -> str:
            out = []
            for key, locator in token.meta["items"]:
                n = numbers[key]
                ref_id = f"cite-{n}-{len(backrefs[n]) + 1}"
                backrefs[n].append(ref_id)
                loc = escapeHtml(text(written(locator))) if locator else ""
                out.append(f'<a href="#ref-{n}" id="{ref_id}" role="doc-noteref">[{n}]</a>{loc}')
            return '<sup class="citation">' + "".join(out) + "</sup>"

        def local(href: str) -> str:
            """A Markdown link's address: a page's file leads to the page, a file to where it is published."""
            named = self.file(page, href)
            if named is None:
                return href
            if named.page is not None:
                target = self.link(here, named.page, fragments.of_anchor(named.anchor) if named.anchor else "")
                linked.append(target.id)
                return target.url
            published = self.site.images[named.path].fallback.renditions[-1].path \
                if named.path in self.site.images else named.path
            return urls.relative(here, published, named.anchor)

        def image(token: Token, alt: str) -> str:
            named = self.file(page, str(token.attrGet("src")))
            title = text(str(token.attrGet("title"))) if token.attrGet("title") else ""
            assert named is not None, "an image's path is checked as its page is loaded"
            return images.html(self.site.images[named.path], alt, title, lambda path: urls.relative(here, path))

        hooks = markdown.InlineHooks(self.convert, page.layers, wikilink, cite, page.blocks, self.self_link, local,
                                     image, self.names)
        tokens = page.tokens()
        compiled = markdown.compiled(tokens, page.blocks, self.site.config.allow_html)  # once for every variant
        self.convert.prefetch(compiled.texts(hooks))
        html, headings = compiled.fill(hooks)
        body = Markup(html)
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
            contents=self.contents(headings, body),
            previews=self.previews(here, page.id, linked),
            locator=self.locator(page, here),
            extra=self.extra(page, here),
            changed=page.changed,
            names=self.other_names(page),
        )

    def file(self, page: Page, href: str) -> files.Local | None:
        """The file of the site a Markdown link or image of ``page`` names (checked as the page was loaded)."""
        try:
            return files.local(href, page.source)
        except files.Outside:
            return None

    def self_link(self, heading: markdown.Heading) -> str:
        """The link a heading has to itself, named for screen readers by the heading (its mark is CSS's)."""
        label = self.text(protect("-{zh-hans:本节链接;zh-hant:本節連結;}-：")) + heading.text
        return f'<a class="self-link" href="#{escapeHtml(heading.anchor)}" aria-label="{escapeHtml(label)}"></a>'

    def contents(self, headings: list[markdown.Heading], body: Markup) -> list[Section]:
        """The table of contents of a body long enough to need one (``contents`` in site.yaml): its
        sections (##), each with those under it (###)."""
        settings = self.site.config.contents
        listed = [h for h in headings if h.level in (2, 3)]
        if not listed or len(listed) < settings.min_headings \
                or len(_SPACE.sub("", body.striptags())) < settings.min_length:
            return []
        sections: list[Section] = []
        for heading in listed:
            section = Section(heading.anchor, heading.text)
            if heading.level == 3 and sections:
                sections[-1].subsections.append(section)
            else:
                sections.append(section)
        return sections

    def previews(self, here: str, own: str, names: list[str]) -> list[Preview]:
        """The previews of the pages that ``names`` (ids or titles, in reading order) lead to, each once."""
        found = []
        for pid in dict.fromkeys(self.site.target(name) or name for name in names):
            if pid != own and pid in self.site.pages:
                link = self.link(here, pid)
                found.append(Preview(link.url, link.title, link.kind, self.when(self.site.pages[pid]), link.summary))
        return found

    def when(self, page: Page) -> Markup:
        """A page's date for its preview: its date or period, else its type's dates, each with its label."""
        date = timelines.date_of(page)
        if date is not None:
            return self.date(date)
        return Markup("；").join(Markup("{}：{}").format(self.text(spec.label), self.date(page.fields[spec.name]))
                                for spec in page.type.fields
                                if isinstance(spec.kind, DateKind) and spec.name in page.fields)
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
            return {"entries": self.entries(here, self.chronology.named[page.id]),
                    "overview": self.chart(here, page.id)}
        if page.type.plain_text:
            return {"plain_text": urls.plain_text_file(page.id)}
        return {}

    def connections(self, here: str, page: Page) -> list[Connection]:
        """The related pages in the order written, then the other pages that link here."""
        related = self.links(here, page.fields.get("related", []))
        backlinks = self.site.backlinks.get(page.id, [])
        named = {link.id for link in related}
        return [Connection(link, True, link.id in backlinks) for link in related] + \
            [Connection(link, False, True) for link in self.links(here, [pid for pid in backlinks if pid not in named])]

    def other_names(self, page: Page) -> tuple[str, ...]:
        """The names search finds a page by besides its title: its aliases in this script, and its
        names in other languages as written."""
        aliases = [self.text(alias, page.layers) for alias in page.fields.get("aliases", ())]
        written = [name for spec in page.type.fields if isinstance(spec.kind, NamesKind)
                   for name in page.fields.get(spec.name, {}).values()]
        return tuple(dict.fromkeys([*aliases, *written]))

    def facts(self, page: Page, here: str) -> list[Fact]:
        """The page's date, its period and its type's fields, as the page's fact box shows them."""
        specs = [COMMON["date"], COMMON["period"], *page.type.fields]
        return [Fact(self.text(spec.label) if spec.label else self.names[spec.name],
                     spec.kind.show(page.fields[spec.name], self, page.layers, here))
                for spec in specs if spec.name in page.fields]

    def date(self, date: EDTF) -> Markup:
        """A date as <time datetime> where it is exact; an approximate or uncertain one is plain text,
        since HTML has no way to say 'about' and a <time> without datetime must be machine-readable.
        Made once a date (many pages and every timeline show the same ones), as ``text`` keeps texts."""
        shown = self._dates.get(date)
        if shown is None:
            shown = self._dates[date] = self._date(date)
        return shown

    def _date(self, date: EDTF) -> Markup:
        return Markup("").join(
            Markup.escape(self.text(part)) if isinstance(part, str) else
            Markup('<time datetime="{}">{}</time>').format(part.exact_iso, self.text(shown))
            if part.exact_iso else Markup('<span class="date">{}</span>').format(self.text(shown))
            for part, shown in date.shown())

    # -- generated pages -----------------------------------------------------------------------

    def list_page(self, pid: str, ids: list[str], kind: str = "") -> PageView:
        """A list of pages; one that lists pages with coordinates links to the map of them all."""
        here = self.dir_of(pid)
        located = any(listed in self.site.pages and maps.point_of(self.site.pages[listed]) for listed in ids)
        return PageView(id=pid, template="list.html", dir=here, title=self.title_of(pid), type_label=kind,
                        children=self.links(here, ids), breadcrumbs=self.breadcrumbs(here, pid),
                        extra={"map": self.link(here, urls.MAP)} if located else {})

    def generated_ids(self) -> list[str]:
        """The generated pages: a list page per type, the tag index and a page per tag, the site
        timeline and a page per related type that filters it."""
        ids = list(self.site.lists)
        if self.site.tagged:
            ids += [urls.TAGS, *(f"{urls.TAGS}/{tag}" for tag in self.site.tagged)]
        if self.chronology.events:
            ids += [urls.TIMELINE, *(f"{urls.TIMELINE}/{kind}" for kind in self.chronology.filters)]
        if next(self._points(), None):  # one is enough: every build asks, the map's own view reads them all
            ids.append(urls.MAP)
        return ids

    def generated(self, pid: str) -> PageView:
        """One of the ``generated_ids``."""
        if pid in self.site.lists:
            return self.list_page(pid, self.site.by_type[self.site.lists[pid].type.name])
        if pid == urls.TAGS:
            return self.list_page(pid, [f"{urls.TAGS}/{tag}" for tag in self.site.tagged])
        if pid.startswith(urls.TAGS + "/"):
            return self.list_page(pid, self.site.tagged[pid.removeprefix(urls.TAGS + "/")], self.names["tags"])
        if pid == urls.MAP:
            return self.map_page()
        return self.timeline_page(pid.partition("/")[2])

    # -- timelines ----------------------------------------------------------------------------

    @property
    def chronology(self) -> Chronology:
        assert self.site.chronology is not None
        return self.site.chronology

    def entries(self, here: str, ids: list[str]) -> list[TimelineEntry]:
        return [remembered(self.site, self.memo("entries"), (here, pid), partial(self._entry, here, pid))
                for pid in ids]

    def _entry(self, here: str, pid: str) -> TimelineEntry:
        anchor = self.chronology.anchors[pid]
        return TimelineEntry(anchor, self.date(timelines.event_date(self.site.pages[pid])), self.link(here, pid),
                             self.links(here, self.site.pages[pid].fields.get("related", [])),
                             urls.relative(here, self.dir_of(urls.TIMELINE), anchor))

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
                   "overview": self.chart(here, urls.TIMELINE) if not kind else None,
                   "downloads": [(name, urls.relative(here, self.dir_of(urls.TIMELINE) + file))
                                 for name, file in (("JSON", "events.json"), ("CSV", "events.csv"),
                                                    ("TimelineJS", "timelinejs.json"))]},
        )

    def chart(self, here: str, tid: str) -> dict[str, Any] | None:
        """The overview of timeline ``tid`` as the template draws it: each view (the whole, then each
        era) with its marks in the order a keyboard walks them, labels and dates converted; entries
        link to their place in the page's list, periods to their pages. Made once while nothing it
        shows changed: thousands of marks, which an edit to a person's title made again."""
        return remembered(self.site, self.memo("charts"), (here, tid), partial(self._chart, here, tid))

    def _chart(self, here: str, tid: str) -> dict[str, Any] | None:
        views = self.chronology.overviews.get(tid)
        if not views:
            return None
        eras = self.site.config.timeline.eras

        def drawn(pid: str, entry: bool = True) -> dict[str, Any]:
            page = self.site.pages[pid]
            date: EDTF = timelines.event_date(page) if entry else page.fields["period"]
            url = "#" + self.chronology.anchors[pid] if entry else self.link(here, pid).url
            return {"url": url, "title": self.title_of(pid), "date": self.text(date.display())}

        def bar(b: overview.Bar) -> dict[str, Any]:
            return {"kind": "bar", "x": b.start, "width": round(b.end - b.start, 2),
                    "middle": round((b.start + b.end) / 2, 2), "row": b.row, "place": b.place,
                    "short": b.end - b.start < overview.HIT, **drawn(b.id, b.entry)}

        def mark(m: overview.Mark) -> dict[str, Any]:
            if len(m.ids) == 1:
                return {"kind": "point", "x": m.x, "lane": m.lane, **drawn(m.ids[0])}
            return {"kind": "group", "x": m.x, "lane": m.lane, "url": "#" + self.chronology.anchors[m.ids[0]],
                    "members": [drawn(pid) for pid in m.ids]}

        def marks(v: overview.View) -> list[dict[str, Any]]:
            """In the order of time; a group names the list of its events, unique on the page."""
            drawn = sorted([bar(b) for b in v.bars] + [mark(m) for m in v.marks], key=lambda d: d["x"])
            return [{**d, "list": f"overview-{v.key or 'all'}-{n}"} if d["kind"] == "group" else d
                    for n, d in enumerate(drawn, 1)]

        whole = self.names["all_events"]
        return {"rows": max(v.rows for v in views), "lanes": overview.LANES, "views": [{
            "key": v.key or "all", "label": self.text(eras[v.era][0]) if v.era is not None else whole,
            "years": f"{v.first}—{v.last}" if v.first != v.last else str(v.first),
            "bands": [{"label": self.text(eras[b.index][0]), "x": b.start, "width": round(b.end - b.start, 2),
                       "index": b.index} for b in v.bands],
            "cuts": [{"x": c.x0, "width": round(c.x1 - c.x0, 2), "middle": round((c.x0 + c.x1) / 2, 2)}
                     for c in v.cuts],
            "scaled": [{"x": p.x0, "width": round(p.x1 - p.x0, 2)} for p in v.scaled],
            "years_at": v.years, "marks": marks(v)} for v in views]}

    # -- maps -------------------------------------------------------------------------------------

    #: The width of a page's own map to its height, and of the map of every place.
    LOCATOR_ASPECT = 1.5
    ATLAS_ASPECT = 2.4

    def located(self) -> dict[str, geo.Point]:
        """Every page with coordinates, from west to east (the order a keyboard walks the map in).
        Only pages of the types that have coordinates are looked at: a map that read every page
        would be made again (and its key hashed over the whole site) at any edit of any page."""
        return dict(sorted(self._points(), key=lambda item: (item[1].lon, item[0])))

    def _points(self) -> Iterator[tuple[str, geo.Point]]:
        kinds = [t.name for t in self.site.config.types if any(isinstance(f.kind, GeoKind) for f in t.fields)]
        return ((pid, point) for kind in kinds for pid in self.site.by_type.get(kind, [])
                if (point := maps.point_of(self.site.pages[pid])))

    def locator(self, page: Page, here: str) -> MapView | None:
        """A page's map: where it is, or else, for the types that show them, the located pages it names."""
        own = maps.point_of(page)
        if own is not None:
            return self.map_view(here, {page.id: own}, self.LOCATOR_ASPECT)
        if page.type.name not in self.site.config.maps.places_of:
            return None
        named = [self.site.target(value) for name in page.fields for value, _ in page.named(name)]
        points = {pid: point for pid in named if pid and pid in self.site.pages
                  and (point := maps.point_of(self.site.pages[pid]))}
        return self.map_view(here, points, self.LOCATOR_ASPECT) if points else None

    def map_view(self, here: str, points: dict[str, geo.Point], aspect: float) -> MapView:
        drawing = maps.draw(points, aspect)
        marks = [Mark(self.link(here, pid), x, y, self.text(geo.display(points[pid]))) for pid, x, y in drawing.marks]
        atlas = None if here == self.dir_of(urls.MAP) else self.link(here, urls.MAP)
        return MapView(maps.WIDTH, drawing.frame.height, drawing.land, drawing.borders, marks, atlas)

    def map_page(self) -> PageView:
        """Every page with coordinates on one map, each mark a link to its page."""
        here = self.dir_of(urls.MAP)
        return PageView(id=urls.MAP, template="map.html", dir=here, title=self.title_of(urls.MAP),
                        breadcrumbs=self.breadcrumbs(here, urls.MAP),
                        extra={"map": self.map_view(here, self.located(), self.ATLAS_ASPECT)})

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
