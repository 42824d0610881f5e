"""Resolve stage: the site graph. Checks that every link, related page, tag and source exists,
and works out what each page needs from the others: backlinks, children, order, citations.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import replace
from functools import partial
from typing import Any

from docsite.diagnostics import Diagnostics
from docsite.model.chronology import Chronology
from docsite.model.config import SiteConfig
from docsite.model.page import Content, Page
from docsite.model.site import Found, ListPage, Site
from docsite.stages import timelines
from docsite.text import fragments
from docsite.text.markdown import FILE_KINDS, Reference
from docsite.text.variants import Text, fold_to_simplified, plain, restore


def _order_key(page: Page) -> tuple[Any, ...]:
    """Where a page comes among its type's: by id, by its date or period, or by the field its type
    is ordered by (site.yaml), pages without it last."""
    order = page.type.order
    if order == "id":
        return (page.id,)
    value = timelines.date_of(page) if order == "date" else page.fields.get(order)
    if value is None:
        return (1, (), page.id)
    return (0, page.type.every_field[order].kind.sort_key(value), page.id)


def resolve(content: Content, config: SiteConfig, diags: Diagnostics, drafts: bool = False,
            previous: Site | None = None, keep: bool = False) -> Site:
    """The site graph of ``content``. ``previous`` (the last good build's site, built with the
    same site.yaml) is taken over with the new pages when nothing resolving reads changed, drafts
    included or left out as before; else what it found of each page is, where it still holds
    (see ``Found``): an edit to a title looks again at the pages naming the old or the new title.
    ``keep``: the site is kept for the next resolve (the preview's), which then needs what was
    found of each page; one restored from .cache/ comes without it (``Site.__getstate__``), and is
    resolved again in full, once."""
    if previous is not None and (previous.found or not keep) and _resolves_alike(previous.content, content) \
            and previous.pages.keys() == {page.id for page in content.pages if drafts or not page.draft}:
        now = {page.id: page for page in content.pages}
        return replace(previous, config=config, content=content, pages={pid: now[pid] for pid in previous.pages})
    pages = {p.id: p for p in sorted(content.pages, key=lambda p: p.id) if drafts or not p.draft}
    drafted = {p.id for p in content.pages} - pages.keys()
    site = Site(config, pages, content.sources, content.tags, content)
    before = previous.found if previous is not None and _ids_alike(previous, site) else {}
    same = {pid for pid, page in pages.items() if pid in before and before[pid].page is page}

    def own(page: Page) -> tuple[str, tuple[Any, ...]]:
        """A page's title folded and its order key: the earlier ones while it is the same record."""
        if page.id in same:
            return before[page.id].title, before[page.id].order
        return fold_to_simplified(plain(page.title)), _order_key(page)

    owned = {pid: own(page) for pid, page in pages.items()}
    moved = [pid for pid in pages if pid not in same]  # the pages whose own record changed (all, with no ``before``)
    if previous is not None and before and all(
            pages[pid].type == before[pid].page.type and owned[pid][1] == before[pid].order for pid in moved):
        site.by_type, site.lists = previous.by_type, previous.lists
    else:
        _order(site, owned, diags)
    if previous is not None and previous.lists.keys() != site.lists.keys():
        before, same, moved = {}, set(), list(pages)
    prior = previous if before else None  # the site whose tables this one's are made from, with ``before``
    site.titles = _regrouped(prior.titles if prior else {},
                             {pid: (before[pid].title,) for pid in moved if pid in before},
                             {pid: (owned[pid][0],) for pid in moved})
    # The titles whose pages may have changed: a page naming one is looked at again.
    retitled = {owned[pid][0] for pid in moved} | {before[pid].title for pid in moved if pid in before}
    find = partial(_find, site, drafted, diags)
    site.found = {pid: before[pid] if pid in same and before[pid].looked_up.isdisjoint(retitled)
                  else find(page, *owned[pid]) for pid, page in pages.items()}
    # The tables of the pages looked at again changed, where those pages were or are now.
    again = {pid: found for pid, found in site.found.items() if found is not before.get(pid)}
    was = {pid: before[pid] for pid in again if pid in before}
    empty: dict[str, list[str]] = {pid: [] for pid in sorted(pages.keys() | site.lists.keys())}
    site.backlinks = _regrouped(prior.backlinks if prior else empty,
                                {pid: found.linked for pid, found in was.items()},
                                {pid: found.linked for pid, found in again.items()}, keep_empty=True)
    site.tagged = _regrouped(prior.tagged if prior else {},
                             {pid: found.tags for pid, found in was.items()},
                             {pid: found.tags for pid, found in again.items()})
    site.cited = dict(prior.cited) if prior else {}
    site.cited.update((pid, list(found.cited)) for pid, found in again.items())
    if prior and site.by_type is prior.by_type:  # the same order: the same children, in the same order
        site.children = prior.children
    else:
        order = {pid: i for ids in site.by_type.values() for i, pid in enumerate(ids)}
        for pid, found in site.found.items():
            if found.parent:
                site.children.setdefault(found.parent, []).append(pid)
        site.children = {pid: sorted(ids, key=lambda c: (pages[c].type.name, order[c]))
                         for pid, ids in site.children.items()}
    for pid, found in site.found.items():
        for target, anchor, ref in found.anchors:  # the heading linked to may have changed with its page
            if target in pages and fragments.of_anchor(anchor) not in pages[target].anchors:
                line, col = _located(pages[pid], ref)
                listed = ", ".join(f"{text} (#{fragment})" for fragment, text in pages[target].anchors.items()) \
                    or "none"
                diags.error(pages[pid].path, line, f"'{target}' has no heading with the anchor '{anchor}'",
                            f"anchors of that page: {listed}", col=col)
    # What the chronology reads of each page looked at again the same as before: the same chronology.
    if prior and all(_chronicled(site, found.page) == _chronicled(prior, was[pid].page)
                     for pid, found in again.items()):
        site.chronology = prior.chronology
    else:
        site.chronology = _chronology(site, diags)
    if previous is not None and not prior:
        _share(site, previous)
    return site


def _order(site: Site, owned: dict[str, tuple[str, tuple[Any, ...]]], diags: Diagnostics) -> None:
    """Each type's pages in order (by their order keys in ``owned``), and the list page of each
    type that has one and pages."""
    pages = site.pages
    of_type: dict[str, list[Page]] = {}  # each page compared with its own type only, not with every type
    for page in pages.values():
        of_type.setdefault(page.type.name, []).append(page)
    for ptype in site.config.types:
        members = sorted((p for p in of_type.get(ptype.name, []) if p.type == ptype), key=lambda p: owned[p.id][1])
        site.by_type[ptype.name] = [p.id for p in members]
        if ptype.list_id and members:
            if ptype.list_id in pages:
                diags.error(pages[ptype.list_id].path, 1, f"'{ptype.list_id}' is the list page of type "
                            f"'{ptype.name}'", "rename the page or remove 'list' from the type in site.yaml")
            site.lists[ptype.list_id] = ListPage(ptype.list_id, ptype)


def _regrouped(table: dict[str, list[str]], was: dict[str, Iterable[str]], now: dict[str, Iterable[str]],
               keep_empty: bool = False) -> dict[str, list[str]]:
    """``table`` (keys, each with ids in order, the keys in order) with the ids of ``now`` moved
    from the keys they were under (``was``) to those they are under now: the lists of the keys
    they left or joined are made again, the others are the same lists; a key left without ids is
    dropped, unless ``keep_empty``."""
    left = {key for keys in was.values() for key in keys}
    came: dict[str, list[str]] = {}
    for pid, keys in now.items():
        for key in keys:
            came.setdefault(key, []).append(pid)
    out = dict(table)
    for key in left | came.keys():
        ids = sorted([pid for pid in out.get(key, ()) if pid not in now] + came.get(key, []))
        if ids or keep_empty:
            out[key] = ids
        else:
            out.pop(key, None)
    return out if out.keys() <= table.keys() else dict(sorted(out.items()))


def _ids_alike(previous: Site, site: Site) -> bool:
    """Whether what a page's links and names resolve to, but titles, is as it was for ``previous``:
    the same pages (and drafts), sources and tags."""
    before, now = previous.content, site.content
    return (previous.pages.keys() == site.pages.keys() and before.sources.keys() == now.sources.keys()
            and before.tags.keys() == now.tags.keys() and (before.broken, before.unread) == (now.broken, now.unread)
            and {p.id for p in before.pages} == {p.id for p in now.pages})


def _find(site: Site, drafted: set[str], diags: Diagnostics, page: Page, title: str,
          order: tuple[Any, ...]) -> Found:
    """What resolving finds of ``page`` on its own (see ``Found``); its mistakes reported to ``diags``."""
    content, pages = site.content, site.pages
    looked_up: set[str] = set()

    def check_target(name: str, where: Callable[[], tuple[int, int]]) -> str | None:
        """The page ``name`` links to, or None and an error at ``where()`` (worked out only then)."""
        if name not in pages and name not in site.lists:  # not an id: looked up by its title
            looked_up.add(fold_to_simplified(name))
        target = site.target(name)
        if target is not None or name in content.broken:  # a page that could not be read has its own error
            return target
        line, col = where()
        sharing = site.titles.get(fold_to_simplified(name), [])
        if len(sharing) > 1:
            diags.error(page.path, line, f"the title '{name}' is shared by {', '.join(sharing)}",
                        f"link by id instead, e.g. [[{sharing[0]}|{name}]]", col=col)
        elif name in drafted:
            diags.error(page.path, line, f"'{name}' is a draft and will not be published",
                        "publish it (remove 'draft: true') or remove the link", col=col)
        else:
            hint = _closest(name, pages.keys() | site.lists.keys() | {plain(p.title) for p in pages.values()})
            diags.error(page.path, line, f"no page has the id or title '{name}'", hint, col=col)
        return None

    linked: set[str] = set()
    anchors: list[tuple[str, str, Reference]] = []
    cited: list[str] = []
    for ref in page.references:
        if ref.kind in FILE_KINDS:  # checked as it was loaded
            continue
        if ref.kind == "link":
            target = check_target(plain(Text(ref.target, page.blocks)), partial(_located, page, ref))
            if target:
                linked.add(target)
            if target and ref.anchor:
                anchors.append((target, ref.anchor, ref))
        elif ref.target not in content.sources and "sources.yaml" not in content.unread:
            line, col = _located(page, ref)
            diags.error(page.path, line, f"no source has the key '{ref.target}'",
                        _closest(ref.target, content.sources.keys(), "add it to content/sources.yaml"), col=col)
        elif ref.target not in cited:
            cited.append(ref.target)
    for i, key in enumerate(page.fields.get("sources", [])):
        if key not in content.sources and "sources.yaml" not in content.unread:
            line, col = page.loc("sources", i)
            diags.error(page.path, line, f"no source has the key '{key}'",
                        _closest(key, content.sources.keys(), "add it to content/sources.yaml"), col=col)
        elif key not in cited:
            cited.append(key)
    for field in page.fields:
        for name, key in page.named(field):
            target = check_target(name, partial(page.loc, *key))
            if target:
                linked.add(target)
    tags = []
    for i, tag in enumerate(page.fields.get("tags", [])):
        if tag not in content.tags and "tags.yaml" not in content.unread:
            line, col = page.loc("tags", i)
            diags.error(page.path, line, f"unknown tag '{tag}'",
                        _closest(tag, content.tags.keys(), "add it to content/tags.yaml"), col=col)
        else:
            tags.append(tag)
    return Found(page, title, order, site.parent(page.id), frozenset(linked - {page.id}), tuple(anchors),
                 tuple(cited), tuple(tags), frozenset(looked_up))


def _chronicled(site: Site, page: Page) -> tuple[object, ...]:
    """What the chronology (``_chronology``, with its checks) reads of ``page`` of ``site``: its
    type, faults, date, period, its title where the overview draws it, and the pages its
    timeline fields name."""
    settings = site.config.timeline
    date, period = timelines.date_of(page), page.fields.get("period")
    names = ("related", settings.timelines_field, settings.events_field, settings.concerning_field)
    return (page.type.name, page.faulty, date, period, page.title.source if date or period else None,
            settings.timelines_field in page.fields,
            tuple(tuple(site.target(written) for written, _ in page.named(name)) for name in names))


#: The site's tables of ids (see ``_share``).
_TABLES = ("by_type", "backlinks", "children", "cited", "titles", "tagged")


def _share(site: Site, previous: Site) -> None:
    """Each list of ids of ``site``'s tables that equals ``previous``'s taken as that very list. An
    edit that resolves the site again (a title, a link) leaves most of them the same, and the
    cache's comparison of the two sites (cache.Keys) passes over the same object at once, where
    it would hash each of thousands of lists. Sites are not changed once resolved, so sharing is safe."""
    for name in _TABLES:
        now, before = getattr(site, name), getattr(previous, name)
        for key, ids in now.items():
            earlier = before.get(key)
            if earlier is not None and earlier == ids:
                now[key] = earlier


def _resolves_alike(before: Content, now: Content) -> bool:
    """Whether resolving ``now`` gives what resolving ``before`` gave: the same data files, and the
    same pages in the same order, each the same record or with the same ``_outline`` (a body
    edit that changes no link)."""
    return ((before.sources, before.tags, before.glossary, before.broken, before.unread)
            == (now.sources, now.tags, now.glossary, now.broken, now.unread)
            and len(before.pages) == len(now.pages)
            and all(a is b or _outline(a) == _outline(b) for a, b in zip(before.pages, now.pages, strict=True)))


def _outline(page: Page) -> tuple[object, ...]:
    """All that resolving reads of a page (where in the body a link is written serves only errors)."""
    return (page.id, page.type, page.fields, [(r.kind, r.target, r.anchor) for r in page.references],
            page.anchors, page.blocks)


def _chronology(site: Site, diags: Diagnostics) -> Chronology:
    """The site's timelines; a named timeline may only select entries (events with a date), and an
    entry may only name named timelines. Either side may put an entry on a timeline; when an entry
    names its timelines, a timeline that lists it must be among them (``_disagree``)."""
    settings = site.config.timeline
    hint = "list events here" + (f"; select the events about a page with '{settings.concerning_field}'"
                                 if settings.concerning_field else "")
    for page in site.pages.values():
        if page.type.name == settings.named:
            for pid, key in page.named(settings.events_field):
                entry = site.pages.get(site.target(pid) or "")
                if entry is None or entry.faulty:
                    continue
                line, col = page.loc(*key)
                if entry.type.name not in settings.entries or timelines.date_of(entry) is None:
                    diags.error(page.path, line, f"'{pid}' is not a dated event, so no timeline can show it", hint,
                                col=col)
                elif settings.timelines_field in entry.fields:
                    _disagree(site, page, entry, line, col, diags)
        elif page.type.name in settings.entries:
            for tid, key in page.named(settings.timelines_field):
                target = site.pages.get(site.target(tid) or "")
                if target is not None and target.type.name != settings.named:
                    line, col = page.loc(*key)
                    diags.error(page.path, line, f"'{tid}' is not a timeline", f"name pages of the type "
                                f"'{settings.named}' in '{settings.timelines_field}'", col=col)
            if page.named(settings.timelines_field) and timelines.date_of(page) is None and not page.faulty:
                line, col = page.loc(settings.timelines_field)
                diags.error(page.path, line, "this page has no date, so no timeline can show it",
                            "give it a date (or a period)", col=col)
    return timelines.build(site.pages, settings, site.target)


def _disagree(site: Site, timeline: Page, entry: Page, line: int, col: int, diags: Diagnostics) -> None:
    """Report ``timeline`` listing ``entry`` (at ``line``) while the entry's own list of its
    timelines leaves it out: taking a timeline off an entry's list would otherwise not take the
    entry off the timeline."""
    field = site.config.timeline.timelines_field
    if timeline.id in (site.target(tid) for tid, _ in entry.named(field)):
        return
    where = f"{entry.path.relative_to(site.config.root).as_posix()}:{entry.loc(field)[0]}"
    diags.error(timeline.path, line, f"'{entry.id}' is listed here, but its '{field}' ({where}) leaves out "
                f"'{timeline.id}'", f"add {timeline.id} to '{field}' in {where.rpartition(':')[0]}, or take "
                f"{entry.id} out of this list", col=col)


def _located(page: Page, ref: Reference) -> tuple[int, int]:
    """File line and column of a link or citation in the body: for its error, if it has one."""
    return page.locate(ref.line, restore(ref.raw, page.blocks))


def _closest(word: str, candidates: Iterable[str], fallback: str = "") -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else fallback
