"""The build pipeline: load -> resolve -> convert -> render -> publish, returning files for the write stage.

Each stage reports problems into one ``Diagnostics``; the pipeline stops after a stage that found
errors, so later stages only ever see valid input, and nothing is written.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable, Iterator, MutableMapping
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import NoReturn, TypeVar

import jinja2
from tqdm import tqdm

from docsite.config.settings import load_config
from docsite.diagnostics import Diagnostics
from docsite.incremental import cache as outputs
from docsite.model import urls
from docsite.model.config import SiteConfig, Variant
from docsite.model.site import Site
from docsite.model.view import PageView
from docsite.processes import process_map
from docsite.stages import exports, publish, search
from docsite.stages.load import LoadCache, load_content
from docsite.stages.render import (
    RenderMemo,
    environment,
    interface,
    render_404,
    render_neutral,
    render_sitemap,
    render_variant,
)
from docsite.stages.resolve import resolve
from docsite.stages.views import Localizer
from docsite.text.lint import lint_site
from docsite.text.variants import Converter, Rule

T = TypeVar("T")


@dataclass
class BuildResult:
    diagnostics: Diagnostics
    files: MutableMapping[str, bytes] = field(default_factory=dict)
    pages_per_variant: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # about the output as a whole, for the deployer
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.diagnostics.errors


@dataclass
class BuildCache:
    """What the preview server keeps between builds so that a one-page edit redoes little: parsed
    pages by file content, each variant's conversions, each page's HTML by what it was made from,
    and each part of the output by its key (as .cache/ keeps them, without reading them back).

    A view holds everything its page shows (titles of linked pages, backlinks, timelines), so a
    page whose links, backlinks or timelines change gets a new view and is rendered again. A change
    to site.yaml, a template or a static file starts everything afresh.
    """

    stamp: bytes = b""
    files: LoadCache = field(default_factory=LoadCache)  # loaded pages and data files
    converters: dict[tuple[Variant, tuple[Rule, ...]], Converter] = field(default_factory=dict)
    rendered: RenderMemo = field(default_factory=RenderMemo)
    parts: dict[str, tuple[str, outputs.Reads, outputs.Output]] = field(default_factory=dict)  # see cache.Recall
    minified: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)
    env: jinja2.Environment | None = None  # compiled templates
    keys: outputs.Keys | None = None  # the last good build's, and its site (keys.site)
    search_memo: search.Memo = field(default_factory=search.Memo)  # the search page, its index

    def check(self, root: Path) -> None:
        """Forget everything when what every page depends on has changed."""
        stamp = outputs.files_digest(root, outputs.shared_files(root))
        if stamp != self.stamp:
            self.stamp = stamp
            for kept in (self.files, self.converters, self.rendered.made, self.minified, self.parts):
                kept.clear()
            self.env = self.keys = None
            self.search_memo = search.Memo()


def load_site(root: Path, diags: Diagnostics, base_url: str | None = None, drafts: bool = False,
              cache: BuildCache | None = None, jobs: int = 1, previous: Site | None = None) -> Site | None:
    """Load (in ``jobs`` processes) and resolve: the valid site graph, or None when the content has
    errors. ``previous`` is the last good build's site (see ``resolve``)."""
    config = load_config(root, diags, base_url)
    if config is None:
        return None
    content = load_content(config, diags, cache.files if cache else None, jobs)
    if diags.errors:
        return None
    site = resolve(content, config, diags, drafts, previous)
    if urls.HOME not in site.pages:
        diags.error(config.content_dir / "index.md", 0, "the home page content/index.md is missing",
                    "create it with a title and a short introduction")
    publish.check(site, diags)
    return None if diags.errors else site


def build(root: Path, base_url: str | None = None, drafts: bool = False, lint: bool = False,
          cache: BuildCache | None = None, progress: bool = False, jobs: int = 1, reuse: bool = False,
          output: MutableMapping[str, bytes] | None = None) -> BuildResult:
    """Everything but writing; ``lint`` adds the conversion warnings of ``check``; ``cache`` is the
    preview server's, to redo only what a change affects; ``progress`` shows progress bars on a
    terminal; ``jobs`` processes parse, convert and render pages (see ``_render_parts``); ``reuse`` takes
    pages whose sources did not change from .cache/ and keeps the new ones there (see cache.py);
    ``output`` receives the files as they are made (a ``write.Staging``), else they are kept in
    ``result.files``."""
    start = time.perf_counter()
    result = BuildResult(Diagnostics(root))
    previous = None
    if cache is not None:
        cache.check(root)
        cache.rendered.rendered.clear()
        # The last good build's keys, and its site: until this build is good, no build follows them,
        # for what a failed build put in the memory may not agree with them.
        previous, cache.keys = cache.keys, None
    site = load_site(root, result.diagnostics, base_url, drafts, cache, jobs, previous.site if previous else None)
    if site is None:
        return result
    config = site.config
    env = cache.env if cache and cache.env else environment(config)
    if cache is not None:
        cache.env = env
    try:
        localizers = _localizers(site, env, cache)
    except Exception as exc:  # a mistake in templates/interface.html
        TemplateProblem.of(exc, config).report(result.diagnostics)
        return result
    if lint:
        lint_site(site, localizers, result.diagnostics)
    assets = publish.assets(root)
    stage = _Stage(env, localizers, assets, cache)
    units = [(v, pid) for pid in [*site.pages, *localizers[0].generated_ids()] for v in range(len(localizers))]
    names = {unit: outputs.name(localizers[unit[0]].variant.code, unit[1]) for unit in units}
    pids = {name: unit[1] for unit, name in names.items()}
    keys = outputs.Keys(site, previous)
    recall = outputs.Recall(list(pids), lambda name, reads: keys.of(name, pids[name], reads),
                            lambda name, reads: keys.still(pids[name], reads),
                            outputs.Store(root) if reuse else None, cache.parts if cache is not None else None,
                            _shared)
    try:
        files = output if output is not None else {}
        files.update(assets.files)
        entries = _pages(stage, recall, units, names, files, jobs, progress)
        if isinstance(entries, TemplateProblem):
            entries.report(result.diagnostics)
            return result
        immutable = list(assets.fingerprinted)
        for loc, listed in zip(localizers, entries, strict=True):
            memo = cache.search_memo if cache else None
            made = search.page(loc, listed, memo)
            files.update(_rendered(stage, loc, [made.view]))
            files.update(made.pieces)
            files[made.listing_path] = made.listing
            immutable += made.pieces
            result.pages_per_variant[loc.variant.code] = len(listed) + 1
        ids = [entry.id for entry in entries[0]] + [urls.SEARCH]
        files.update(publish.minify(render_404(env, localizers, assets, ids)))
        files.update(render_sitemap(env, config, ids))
        files["robots.txt"] = publish.robots(config)
        files["_headers"] = publish.headers(config, immutable)
        if not result.diagnostics.errors:
            recall.commit()
            if cache is not None:
                cache.keys = keys
                cache.search_memo.turn()
    except Exception as exc:  # a mistake in a template, reported at its line
        TemplateProblem.of(exc, config).report(result.diagnostics)
        return result
    finally:
        recall.close()
    result.files = files
    if not urls.is_absolute(config.base_url):
        result.notes.append(f"base_url '{config.base_url}' names no host, so canonical and hreflang links are "
                            "relative and sitemap.xml is left out; to publish, build with "
                            "--base-url https://your.host/path/")
    result.seconds = time.perf_counter() - start
    return result


def _pages(stage: _Stage, recall: outputs.Recall, units: list[Unit], names: dict[Unit, str],
           files: MutableMapping[str, bytes], jobs: int,
           progress: bool) -> list[list[search.IndexedPage]] | TemplateProblem:
    """Every variant's pages and generated pages (``units``) into ``files``: recalled where their
    key is the same, else made (and kept). Returns each variant's search entries, in page order."""
    site = stage.localizers[0].site
    entries: dict[Unit, list[search.IndexedPage]] = {}
    bars = [_progress(len(units) // len(stage.localizers), f"{loc.variant.code} 转换、渲染", progress)
            for loc in stage.localizers]
    todo = []
    for unit in units:
        if recall.has(names[unit]):
            files.update(_take(recall.get(names[unit]), unit, entries))
            bars[unit[0]].update()
        else:
            todo.append(unit)
    # The generated pages first: they are the largest units, and a process making them holds the
    # most memory, best while this one holds few results; and the last parts even out the work.
    todo.sort(key=lambda unit: unit[1] in site.pages)
    if todo:
        _load_shared(stage)
    for part, rendered in zip(parts := _parts(todo), _render_parts(stage, parts, jobs), strict=True):
        if isinstance(rendered, TemplateProblem):
            return rendered
        for unit, (made, reads) in zip(part, rendered, strict=True):
            made = _shared(made)
            files.update(_take(made, unit, entries))
            recall.put(names[unit], made, reads)
            bars[unit[0]].update()
    for bar in bars:
        bar.close()
    return [[entry for unit in units if unit[0] == v for entry in entries[unit]] for v in range(len(stage.localizers))]


@dataclass
class _Stage:
    """What rendering a part of the site needs; processes inherit it when they fork."""

    env: jinja2.Environment
    localizers: list[Localizer]
    assets: publish.Assets
    cache: BuildCache | None

    def __reduce__(self) -> tuple[Callable[[Site, publish.Assets], _Stage], tuple[Site, publish.Assets]]:
        """What a spawned process receives (see processes): the site and the assets. Compiled
        templates and converters do not pickle, so the process makes its own; the preview's cache
        stays here (it only saves work)."""
        return _spawned_stage, (self.localizers[0].site, self.assets)


def _spawned_stage(site: Site, assets: publish.Assets) -> _Stage:
    """A ``_Stage`` made again in a spawned process from what ``_Stage.__reduce__`` sent."""
    env = environment(site.config)
    return _Stage(env, _localizers(site, env, None), assets, None)


def _localizers(site: Site, env: jinja2.Environment, cache: BuildCache | None) -> list[Localizer]:
    """A localizer per variant, with its converter and the interface's words in its script."""
    converters = [_converter(cache, variant, site) for variant in site.config.variants]
    return [Localizer(site, variant, converter, interface(env, converter))
            for variant, converter in zip(site.config.variants, converters, strict=True)]


#: What a build makes: a variant's page (variant index, page id), content or generated (lists,
#: tags, timelines; the site timeline with the timeline data). A page's variants come one after
#: the other, so a part made in another process parses the page once for all of them.
Unit = tuple[int, str]
#: Units per part sent to a process: enough to outweigh sending it, few enough to share the work evenly.
UNITS_PER_PART = 50


def _parts(items: list[T]) -> list[tuple[T, ...]]:
    return [tuple(items[i:i + UNITS_PER_PART]) for i in range(0, len(items), UNITS_PER_PART)]


def _load_shared(stage: _Stage) -> None:
    """Load what making any page loads (each variant's conversion tables, the search's folding
    classes) before the processes fork, so that they share it instead of each loading its own."""
    for loc in stage.localizers:
        loc.text(loc.site.config.title)
    search.entry_classes()


def _render_parts(stage: _Stage, parts: list[tuple[Unit, ...]],
                  jobs: int) -> Iterator[list[tuple[outputs.Output, outputs.Reads]] | TemplateProblem]:
    """Each part's output, unit by unit, in order, made by ``jobs`` processes."""
    return process_map(partial(_render_part, stage), parts, jobs)


def _render_part(stage: _Stage, part: tuple[Unit, ...]) -> list[tuple[outputs.Output, outputs.Reads]] | TemplateProblem:
    """Minified files and search entries of each unit of ``part``, and what each page read of the
    site (for its key in the cache). Its pages' tokens and long conversions are then forgotten,
    unless the preview server keeps them for its next build."""
    made = _guarded(stage, lambda: [_unit(stage, variant, pid) for variant, pid in part])
    if stage.cache is None and not isinstance(made, TemplateProblem):
        for _, pid in part:
            if pid in stage.localizers[0].site.pages:
                stage.localizers[0].site.pages[pid].release()
        for loc in stage.localizers:
            loc.convert.forget_long()
    return made


def _unit(stage: _Stage, variant: int, pid: str) -> tuple[outputs.Output, outputs.Reads]:
    loc = stage.localizers[variant]
    make = _page if pid in loc.site.pages else _generated
    (files, views), reads = outputs.watched(loc.site, make, stage, loc, pid)
    return (files, [search.indexed(view) for view in views]), reads


def _guarded(stage: _Stage, make: Callable[[], T]) -> T | TemplateProblem:
    """``make()``, or the mistake in a template that it met, as data: it may cross between processes."""
    try:
        return make()
    except Exception as exc:
        return TemplateProblem.of(exc, stage.localizers[0].site.config)


def _page(stage: _Stage, loc: Localizer, pid: str) -> tuple[dict[str, bytes], list[PageView]]:
    """A page's files, and its view."""
    views = [loc.page(loc.site.pages[pid])]
    return _rendered(stage, loc, views), views


def _generated(stage: _Stage, loc: Localizer, pid: str) -> tuple[dict[str, bytes], list[PageView]]:
    """A generated page's files (the site timeline's with the timeline data), and its view."""
    views = [loc.generated(pid)]
    data = exports.timeline_files(loc) if pid == urls.TIMELINE else {}
    return _rendered(stage, loc, views) | data, views


def _shared(made: outputs.Output) -> outputs.Output:
    """``made`` (in another process, or read from .cache/) with its search entries' class numbers
    shared (``search.kept``): the build keeps every entry until the index is made."""
    return made[0], [search.kept(entry) for entry in made[1]]


def _take(made: outputs.Output, unit: Unit, entries: dict[Unit, list[search.IndexedPage]]) -> dict[str, bytes]:
    """A unit's files, its search entries put aside."""
    entries[unit] = made[1]
    return made[0]


def _rendered(stage: _Stage, loc: Localizer, views: list[PageView]) -> dict[str, bytes]:
    """The views' pages, and with the first variant's, their script-neutral addresses: these show
    the page's title in every script, so they are made (and kept) with the page itself, and a
    title edit makes one again, not all."""
    files = render_variant(stage.env, loc, views, stage.assets, _memo(stage))
    if loc is stage.localizers[0]:
        files |= render_neutral(stage.env, stage.localizers, [view.id for view in views], stage.assets, _memo(stage))
    return _minified(stage, files)


def _memo(stage: _Stage) -> RenderMemo | None:
    """The preview server's memory of what each page was rendered from, if it keeps one."""
    return stage.cache.rendered if stage.cache else None


def _minified(stage: _Stage, files: dict[str, bytes]) -> dict[str, bytes]:
    return publish.minify(files, stage.cache.minified if stage.cache else None)


def _progress(total: int, label: str, shown: bool) -> tqdm[NoReturn]:
    """A progress bar on standard error while a long build runs; tqdm stays quiet when standard
    error is not a terminal (disable=None), so logs and CI output stay clean."""
    return tqdm(total=total, desc=label, unit="页", leave=False, file=sys.stderr, disable=None if shown else True)


def _converter(cache: BuildCache | None, variant: Variant, site: Site) -> Converter:
    """A variant's converter; the preview server keeps it (with all it converted) while the glossary holds."""
    key = (variant, site.content.glossary)
    if cache is None or key not in cache.converters:
        converter = Converter(variant.code, variant.opencc, site.content.glossary)
        if cache is None:
            return converter
        cache.converters[key] = converter
    return cache.converters[key]


@dataclass(frozen=True)
class TemplateProblem:
    """A template mistake at its template line, not a Python traceback."""

    path: Path
    line: int
    message: str

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
