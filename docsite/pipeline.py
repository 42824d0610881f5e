"""The build pipeline: load -> resolve -> convert -> render -> publish, returning files for the write stage.

Each stage reports problems into one ``Diagnostics``. Loading, resolving and the conversion lint go
on over what is valid when they find errors, so that one run reports them all; nothing is rendered
or written when there is one, so rendering only ever sees valid input.
"""

from __future__ import annotations

import hashlib
import os
import sys
import time
import traceback
from collections.abc import Callable, Collection, Iterator, MutableMapping
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Protocol, TypeVar

import jinja2

from docsite.config.settings import load_config
from docsite.diagnostics import Diagnostics
from docsite.incremental import cache as outputs
from docsite.incremental.buildcache import BuildCache, NotFound
from docsite.incremental.reads import Reading, Reads
from docsite.model import urls
from docsite.model.config import SiteConfig
from docsite.model.result import BuildResult, Work
from docsite.model.site import Site
from docsite.model.view import PageView
from docsite.processes import collected_less_often, process_map, start_method
from docsite.stages import exports, feed, images, plaintext, publish, render, search, unfinished, write
from docsite.stages.load import LoadCache, load_content
from docsite.stages.render import RenderMemo, interface, render_404, render_neutral, render_sitemap, render_variant
from docsite.stages.resolve import resolve
from docsite.stages.views import Localizer
from docsite.text import pinyin
from docsite.text.lint import lint_site

T = TypeVar("T")


def load_site(root: Path, diags: Diagnostics, base_url: str | None = None, drafts: bool = False,
              files: LoadCache | None = None, jobs: int = 1, previous: Site | None = None,
              parsed: Callable[[str, int], None] | None = None) -> Site | None:
    """Load (in ``jobs`` processes; ``files``: the preview server's pages loaded before) and
    resolve: the valid site graph, or None when the content has errors. ``previous`` is the last
    good build's site (see ``resolve``); ``parsed`` is told of each page parsed, and by which process."""
    site = checked_site(root, diags, base_url, drafts, files, jobs, previous, parsed)
    return None if diags.errors else site


def checked_site(root: Path, diags: Diagnostics, base_url: str | None = None, drafts: bool = False,
                 files: LoadCache | None = None, jobs: int = 1, previous: Site | None = None,
                 parsed: Callable[[str, int], None] | None = None, keep: bool = False) -> Site | None:
    """As ``load_site``, but the site graph of what could be read even when there are errors: each
    stage goes on over the valid part, so that one run reports every mistake (a page with a bad
    date still has its links checked). None only when site.yaml cannot be read. ``keep``: the
    site is kept for the next build's resolve (see ``resolve``)."""
    config = load_config(root, diags, base_url)
    if config is None:
        return None
    content = load_content(config, diags, unfinished.by_type(config), files, jobs, parsed)
    unfinished.check(content, config, diags, drafts)
    site = resolve(content, config, diags, drafts, previous, keep)
    if urls.HOME not in site.pages and urls.HOME not in content.broken:
        diags.error(config.content_dir / "index.md", 0, "the home page content/index.md is missing",
                    "create it with a title and a short introduction")
    publish.check(site, diags)
    return site


@collected_less_often()
def build(root: Path, base_url: str | None = None, drafts: bool = False, progress: bool = False,
          jobs: int = 1, cache: BuildCache | None = None,
          output: MutableMapping[str, bytes] | None = None, first: Collection[str] | None = None) -> BuildResult:
    """Everything but writing: load, resolve and lint the conversion (reporting every problem of
    the site), then, when there is no error, each variant's pages, content and generated, made (in
    ``jobs`` processes) or recalled from ``cache`` (BuildCache: by default it keeps nothing), then
    the search pages and what the whole site has once. ``progress`` shows progress bars on a
    terminal; ``output`` receives the files as they are made (a ``write.Staging``), else they are
    kept in ``result.files``. ``first`` (page ids; the preview's, with a memory): make only those
    pages now, and leave the rest of what changed, the search pages and what the whole site has
    once, as they are, for the next build to make (``result.deferred``)."""
    start, cache = time.perf_counter(), cache or BuildCache()
    result = BuildResult(Diagnostics(root))
    previous = cache.begin(root)
    site = checked_site(root, result.diagnostics, base_url, drafts, cache.loading(), jobs,
                        previous.site if previous else None, result.work.note_parsed, cache.memory)
    if site is None:
        return result
    figures = images.process(site, result.diagnostics, cache.images(root))
    site.images, result.work.images = figures.images, figures.processed
    assets = publish.assets(site.config.root)
    site.assets = assets.paths
    try:
        stage = _Stage.of(site, cache, assets)
    except Exception as exc:  # a mistake in templates/interface.html
        TemplateProblem.of(exc, site.config).report(result.diagnostics)
        return result
    lint_site(site, stage.localizers, result.diagnostics, cache.lint_memo(), jobs, first)
    if result.diagnostics.errors:
        return result
    ids = [*site.pages, *stage.localizers[0].generated_ids()]
    units = [(v, pid) for pid in ids for v in range(len(stage.localizers))]
    names = {unit: outputs.name(stage.localizers[unit[0]].variant.code, unit[1]) for unit in units}
    recall = cache.recall(site, list(names.values()), previous)
    files = output if output is not None else {}
    try:
        files.update(stage.assets.files | figures.files)
        indexed = _pages(stage, recall, units, names, files, jobs, progress, result.work, first)
        if first is None:
            not_found = _not_found(stage, cache, recall.keys, result.work)
            files.update(_whole_site(stage, indexed, ids, list(figures.files), not_found, jobs, result.work))
        else:
            result.deferred = True
    except TemplateProblem as problem:  # met in a process making pages
        problem.report(result.diagnostics)
    except Exception as exc:  # a mistake in a template, reported at its line
        TemplateProblem.of(exc, site.config).report(result.diagnostics)
    finally:
        cache.end(recall, result.ok, files, whole=first is None)
    result.work.rendered = list(stage.render_memo.rendered) if stage.render_memo else []
    if not result.ok:
        return result
    result.files = files
    result.pages_per_variant = {loc.variant.code: len(ids) + 1 for loc in stage.localizers}
    if not urls.is_absolute(site.config.base_url):
        result.notes.append(f"base_url '{site.config.base_url}' names no host, so canonical and hreflang links are "
                            "relative and sitemap.xml is left out; to publish, build with "
                            "--base-url https://your.host/path/")
    result.seconds = time.perf_counter() - start
    return result


def _whole_site(stage: _Stage, indexed: list[search.Pages], ids: list[str], figures: list[str],
                not_found: Callable[[list[str]], render.Missing], jobs: int, work: Work) -> dict[str, bytes]:
    """What is made once for the whole site, from every page (``ids``, in order): each variant's
    search page and index (``indexed``, merged by ``jobs`` processes), its feed, the 404 page
    (``not_found``, given the ids), the sitemap, robots.txt, the hosts' _headers and the mark of a
    build's folder (``figures``: the images' files, named by their content)."""
    files: dict[str, bytes] = {}
    immutable = [*stage.assets.fingerprinted, *figures]
    for loc, pages in zip(stage.localizers, indexed, strict=True):
        made = search.page(loc, pages, stage.search_memo, jobs)
        work.indexers |= made.merged_by
        files |= _rendered(stage, loc, [made.view]) | made.pieces | {made.listing_path: made.listing}
        files |= feed.feed(stage.env, loc)
        immutable.append(f"{made.folder}*")
    site = stage.localizers[0].site
    config = site.config
    listed = [*ids, urls.SEARCH]
    missing = not_found(listed)
    files |= missing.files
    immutable.append(missing.addresses)
    files |= render_sitemap(stage.env, config, listed, {pid: page.changed for pid, page in site.pages.items()})
    files["robots.txt"] = publish.robots(config)
    files["_headers"] = publish.headers(config, immutable, str(stage.env.globals["content_security_policy"]))
    files[write.MARKER] = write.MARKER_TEXT
    return files


#: The 404 page, in ``Work.whole``.
NOT_FOUND = "404.html"


def _not_found(stage: _Stage, cache: BuildCache, keys: outputs.Keys,
               work: Work) -> Callable[[list[str]], render.Missing]:
    """The 404 page of the site whose pages are ``ids`` (see ``render_404``), made again only when
    the ids or what it read of the site (each page's title, by way of its front matter) changed
    since ``cache`` kept it: a key as a part's (``keys``), and the ids apart, which it is given."""
    def made(ids: list[str]) -> render.Missing:
        listed = hashlib.sha256("\0".join(ids).encode()).digest()
        kept = cache.not_found
        if kept is not None and kept.ids == listed and (keys.still(kept.read)
                                                        or kept.key == keys.of(NOT_FOUND, kept.read)):
            return kept.missing
        with _reading(stage) as reads:
            missing = render_404(stage.env, stage.localizers, stage.assets, ids)
        work.whole.append(NOT_FOUND)
        if cache.memory or cache.persisted:
            read = reads.sorted()
            cache.not_found = NotFound(listed, keys.of(NOT_FOUND, read), read, missing)
        return missing
    return made


def _pages(stage: _Stage, recall: outputs.Recall, units: list[Unit], names: dict[Unit, str],
           files: MutableMapping[str, bytes], jobs: int, progress: bool, work: Work,
           first: Collection[str] | None = None) -> list[search.Pages]:
    """Every variant's pages and generated pages (``units``) into ``files``: recalled where their
    key is the same, else made (and kept), or put off when ``first`` names other pages (see
    ``build``). Returns each variant's pages for its index (none when ``first`` puts it off)."""
    site = stage.localizers[0].site
    entries: dict[Unit, search.IndexedPage | None] = {}
    bars = [_progress(len(units) // len(stage.localizers), f"{loc.variant.code} 转换、渲染", progress)
            for loc in stage.localizers]
    todo = []
    # The parts ``first`` leaves out are not looked at: the next build does (see outputs.Keys).
    for unit in units if first is None else [unit for unit in units if unit[1] in first]:
        recalled = recall.get(names[unit])
        if recalled is not None:
            files.update(_take(recalled, unit, entries))
            bars[unit[0]].update()
        else:
            todo.append(unit)
    # The generated pages first: they are the largest units, and a process making them holds the
    # most memory, best while this one holds few results; and the last parts even out the work.
    todo.sort(key=lambda unit: unit[1] in site.pages)
    parts = _parts(todo)
    if stage.keeps_conversions and len(todo) < min(SHARED_UNITS, len(units) // 2):
        jobs = 1
    if len(parts) > 1 or stage.keeps_conversions:
        _load_shared(stage)
    for part, (rendered, process) in zip(parts, _render_parts(stage, parts, jobs), strict=True):
        work.makers.add(process)
        for unit, (made, read) in zip(part, rendered, strict=True):
            given_back = recall.put(names[unit], made, read)  # then the index asks for it when it needs it
            files.update(_take(made._replace(entry=None) if given_back else made, unit, entries))
            bars[unit[0]].update()
    for bar in bars:
        bar.close()
    work.made, work.recalled = recall.made, recall.recalled
    if first is not None:
        return []
    return [_indexed(stage, [unit for unit in units if unit[0] == v], names, entries, recall)
            for v in range(len(stage.localizers))]


def _indexed(stage: _Stage, units: list[Unit], names: dict[Unit, str],
             entries: dict[Unit, search.IndexedPage | None], recall: outputs.Recall) -> search.Pages:
    """A variant's pages (``units``) for its index: the entries of those made are at hand, those of
    the others are read from the cache if the index asks for them; a part whose entry the cache no
    longer holds (its store given up since the part was recalled) is made again, here."""
    def now(number: int) -> search.IndexedPage:
        unit = units[number]
        entry = entries[unit] or recall.entry(names[unit]) or _unit(stage, *unit)[0].entry
        assert entry is not None, "a part made holds its entry"
        return entry

    return search.Pages([recall.current.get(names[unit]) for unit in units], now,
                        lambda number, key: recall.entry(names[units[number]], key))


@dataclass
class _Stage:
    """What rendering a part of the site needs; processes inherit it when they fork."""

    env: jinja2.Environment
    localizers: list[Localizer]
    assets: publish.Assets
    # The converters live on to the next build (the preview's): the texts many pages show are then
    # settled in every build, taken over from the build before, so that they stay converted.
    keeps_conversions: bool
    render_memo: RenderMemo | None
    search_memo: search.Memo | None

    def __reduce__(self) -> tuple[Callable[[Site, publish.Assets], _Stage], tuple[Site, publish.Assets]]:
        """What a spawned process receives (see processes): the site and the assets. Compiled
        templates and converters do not pickle, so the process makes its own; the preview's memos
        stay here (they only save work)."""
        return _spawned_stage, (self.localizers[0].site, self.assets)

    @classmethod
    def of(cls, site: Site, cache: BuildCache, assets: publish.Assets) -> _Stage:
        """The stage of a build: a localizer per variant, with its converter and the interface's
        words in its script."""
        env = cache.environment(site.config)
        converters = [cache.converter(variant, site.content.glossary) for variant in site.config.variants]
        localizers = [Localizer(site, variant, converter, interface(env, converter), cache.view_memos(variant))
                      for variant, converter in zip(site.config.variants, converters, strict=True)]
        return cls(env, localizers, assets, cache.memory, *cache.memos())


def _spawned_stage(site: Site, assets: publish.Assets) -> _Stage:
    """A ``_Stage`` made again in a spawned process from what ``_Stage.__reduce__`` sent."""
    stage = _Stage.of(site, BuildCache(), assets)
    _load_shared(stage)
    return stage


#: What a build makes: a variant's page (variant index, page id), content or generated (lists,
#: tags, timelines; the site timeline with the timeline data). A page's variants come one after
#: the other, so a part made in another process parses the page once for all of them.
Unit = tuple[int, str]
#: Units per part sent to a process: enough to outweigh sending it, few enough to share the work evenly.
UNITS_PER_PART = 50
#: A build that keeps a memory (the preview's) shares its parts among processes only when it makes
#: this many, or half the site (its first build, a template's edit): what a forked process learns
#: (the views' values, such as every event's timeline entry; conversions) is lost to the builds
#: after, and forking a process that holds a large site costs more than making a few parts here.
SHARED_UNITS = 500


def _parts(items: list[T]) -> list[tuple[T, ...]]:
    return [tuple(items[i:i + UNITS_PER_PART]) for i in range(0, len(items), UNITS_PER_PART)]


def _load_shared(stage: _Stage) -> None:
    """Load what making any page loads (each variant's conversion tables and the texts many pages
    show, the search's folding classes) before the parts are made: before the processes fork, so
    that they share it instead of each loading its own (a spawned process loads its own as it
    starts). Those texts are kept for the build; each part's own are forgotten after it."""
    for loc in stage.localizers:
        loc.convert.ready()
        loc.convert_shown()
        loc.convert.settle()
    search.search_form("")


def _render_parts(stage: _Stage, parts: list[tuple[Unit, ...]],
                  jobs: int) -> Iterator[tuple[list[tuple[outputs.Output, outputs.Paths]], int]]:
    """Each part's output, unit by unit, in order, made by ``jobs`` processes, and the process that
    made it; a mistake in a template met in any process is raised here. Processes that fork share
    the pinyin dictionaries, loaded here, with which search reads pages' names (some 45 MB each)."""
    if jobs > 1 and len(parts) > 1 and start_method() == "fork":
        pinyin.load()
    for made in process_map(partial(_render_part, stage), parts, jobs):
        if isinstance(made, TemplateProblem):
            raise made
        units, process, read = made
        pinyin.learn(read)
        yield units, process


def _render_part(stage: _Stage, part: tuple[Unit, ...]) \
        -> tuple[list[tuple[outputs.Output, outputs.Paths]], int, pinyin.Readings] | TemplateProblem:
    """Minified files and search entries of each unit of ``part``, what each read of the site (for
    its key in the cache), the process that made them and what it read in pinyin (names, for
    search); or the mistake in a template it met, as data, which may cross between processes. Its
    pages' tokens and conversions are then forgotten, the preview's too: kept, they were most of its
    memory, and an edit makes again a few pages, which unpack theirs."""
    count = len(pinyin.known())
    try:
        made = [_unit(stage, variant, pid) for variant, pid in part]
    except Exception as exc:
        return TemplateProblem.of(exc, stage.localizers[0].site.config)
    for _, pid in part:
        if pid in stage.localizers[0].site.pages:
            stage.localizers[0].site.pages[pid].release()
    for loc in stage.localizers:
        loc.convert.forget_unsettled()
    return made, os.getpid(), pinyin.since(count)


def _unit(stage: _Stage, variant: int, pid: str) -> tuple[outputs.Output, outputs.Paths]:
    """A part of the output, made from the site as every localizer reads it through one ``Reading``."""
    make = _page if pid in stage.localizers[0].site.pages else _generated
    with _reading(stage) as reads:
        files, views = make(stage, stage.localizers[variant], pid)
    return outputs.Output(files, search.indexed(*views)), reads.sorted()


@contextmanager
def _reading(stage: _Stage) -> Iterator[Reads]:
    """Within the block, every localizer reads the site through one ``Reading``, which notes each path read."""
    site = stage.localizers[0].site
    reads = Reads()
    for loc in stage.localizers:
        loc.site = Reading(site, reads)  # type: ignore[assignment]
    try:
        yield reads
    finally:
        for loc in stage.localizers:
            loc.site = site


def _page(stage: _Stage, loc: Localizer, pid: str) -> tuple[dict[str, bytes], list[PageView]]:
    """A page's files, and its view."""
    views = [loc.page(loc.site.pages[pid])]
    return _rendered(stage, loc, views) | plaintext.files(stage.env, loc, views), views


def _generated(stage: _Stage, loc: Localizer, pid: str) -> tuple[dict[str, bytes], list[PageView]]:
    """A generated page's files (the site timeline's with the timeline data), and its view."""
    views = [loc.generated(pid)]
    data = exports.timeline_files(loc) if pid == urls.TIMELINE else {}
    return _rendered(stage, loc, views) | data, views


def _take(made: outputs.Output, unit: Unit, entries: dict[Unit, search.IndexedPage | None]) -> dict[str, bytes]:
    """A unit's files, its search entry put aside (None: to be asked of the cache, see ``_indexed``)."""
    entries[unit] = made.entry
    return made.files


def _rendered(stage: _Stage, loc: Localizer, views: list[PageView]) -> dict[str, bytes]:
    """The views' pages, and with the first variant's, their script-neutral addresses: these show
    the page's title in every script, so they are made (and kept) with the page itself, and a
    title edit makes one again, not all."""
    files = render_variant(stage.env, loc, views, stage.assets, stage.render_memo)
    if loc is stage.localizers[0]:
        files |= render_neutral(stage.env, stage.localizers, [view.id for view in views], stage.assets,
                                stage.render_memo)
    return files


class _Bar(Protocol):
    def update(self, n: float | None = 1, /) -> bool | None: ...

    def close(self) -> None: ...


class _Unseen:
    """A progress bar nobody sees."""

    def update(self, n: float | None = 1, /) -> None:
        pass

    def close(self) -> None:
        pass


def _progress(total: int, label: str, shown: bool) -> _Bar:
    """A progress bar on standard error while a long build runs, only when standard error is a
    terminal (as tqdm's disable=None), so logs and CI output stay clean; tqdm is imported then only."""
    if not shown or not sys.stderr.isatty():
        return _Unseen()
    from tqdm import tqdm

    return tqdm(total=total, desc=label, unit="页", leave=False, file=sys.stderr)


@dataclass(eq=False)
class TemplateProblem(Exception):
    """A template mistake at its template line, not a Python traceback; raised, or returned from
    another process."""

    path: Path
    line: int
    message: str

    def __reduce__(self) -> tuple[type[TemplateProblem], tuple[Path, int, str]]:
        return type(self), (self.path, self.line, self.message)

    @classmethod
    def of(cls, exc: Exception, config: SiteConfig) -> TemplateProblem:
        templates = config.root / "templates"
        name, line = getattr(exc, "filename", None), getattr(exc, "lineno", 0) or 0
        if not name:
            for frame in reversed(traceback.extract_tb(exc.__traceback__)):
                if frame.filename.startswith(str(templates)):
                    name, line = frame.filename, frame.lineno or 0
                    break
        if not name:
            raise exc
        message = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
        return cls(Path(name), line, f"template error: {message}")

    def report(self, diags: Diagnostics) -> None:
        diags.error(self.path, self.line, self.message, "fix the template; content files are fine")
