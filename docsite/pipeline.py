"""The build pipeline: load -> resolve -> convert -> render -> publish, returning files for the write stage.

Each stage reports problems into one ``Diagnostics``; the pipeline stops after a stage that found
errors, so later stages only ever see valid input, and nothing is written.
"""

from __future__ import annotations

import hashlib
import sys
import time
import traceback
import multiprocessing
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from tqdm import tqdm

from . import exports, publish, search, urls
from .config import SiteConfig, Variant, load_config
from .convert import Localizer, PageView
from .diagnostics import Diagnostics
from .lint import lint_site
from .load import load_content
from .render import RenderMemo, environment, render_404, render_neutral, render_sitemap, render_variant
from .resolve import Site, resolve
from .variants import Converter

@dataclass
class BuildResult:
    diagnostics: Diagnostics
    files: dict[str, bytes] = field(default_factory=dict)
    pages_per_variant: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # about the output as a whole, for the deployer
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.diagnostics.errors


@dataclass
class BuildCache:
    """What the preview server keeps between builds so that a one-page edit redoes little: parsed
    pages by file content, each variant's conversions, each page's HTML by what it was made from.

    A view holds everything its page shows (titles of linked pages, backlinks, timelines), so a
    page whose links, backlinks or timelines change gets a new view and is rendered again. A change
    to site.yaml, a template or a static file starts everything afresh.
    """

    stamp: bytes = b""
    files: dict[Path, tuple[bytes, object]] = field(default_factory=dict)  # parsed pages and data files
    converters: dict[tuple, Converter] = field(default_factory=dict)
    rendered: RenderMemo = field(default_factory=RenderMemo)
    minified: dict[str, tuple[bytes, bytes]] = field(default_factory=dict)
    env: jinja2.Environment | None = None  # compiled templates

    def check(self, root: Path) -> None:
        """Forget everything when what every page depends on has changed."""
        parts = [root / "site.yaml"] + sorted(p for d in ("templates", "static") for p in (root / d).rglob("*")
                                              if p.is_file())
        stamp = hashlib.sha256(b"".join(p.read_bytes() + str(p).encode() for p in parts if p.is_file())).digest()
        if stamp != self.stamp:
            self.stamp = stamp
            for kept in (self.files, self.converters, self.rendered.made, self.minified):
                kept.clear()
            self.env = None


def load_site(root: Path, diags: Diagnostics, base_url: str | None = None, drafts: bool = False,
              cache: BuildCache | None = None) -> Site | None:
    """Load and resolve: the valid site graph, or None when the content has errors."""
    config = load_config(root, diags, base_url)
    if config is None:
        return None
    content = load_content(config, diags, cache.files if cache else None)
    if diags.errors:
        return None
    site = resolve(content, config, diags, drafts)
    if urls.HOME not in site.pages:
        diags.error(config.content_dir / "index.md", 0, "the home page content/index.md is missing",
                    "create it with a title and a short introduction")
    publish.check(site, diags)
    return None if diags.errors else site


def build(root: Path, base_url: str | None = None, drafts: bool = False, lint: bool = False,
          cache: BuildCache | None = None, progress: bool = False, jobs: int = 1) -> BuildResult:
    """Everything but writing; ``lint`` adds the conversion warnings of ``check``; ``cache`` is the
    preview server's, to redo only what a change affects; ``progress`` shows progress bars on a
    terminal; ``jobs`` processes convert and render pages (see ``_render_parts``)."""
    start = time.perf_counter()
    result = BuildResult(Diagnostics(root))
    if cache is not None:
        cache.check(root)
        cache.rendered.rendered.clear()
    site = load_site(root, result.diagnostics, base_url, drafts, cache)
    if site is None:
        return result
    config = site.config
    env = cache.env if cache and cache.env else environment(config)
    if cache is not None:
        cache.env = env
    localizers = [Localizer(site, variant, _converter(cache, variant, site)) for variant in config.variants]
    if lint:
        lint_site(site, localizers, result.diagnostics)
    assets = publish.assets(root)
    files = dict(assets.files)
    stage = _Stage(env, localizers, assets, cache)
    entries: dict[int, list[search.Entry]] = {i: [] for i in range(len(localizers))}
    bars = [_progress(len(site.pages), f"{loc.variant.code} 转换、渲染", progress) for loc in localizers]
    for (variant, ids), made in zip(parts := _parts(site, len(localizers), jobs), _render_parts(stage, parts, jobs)):
        if isinstance(made, TemplateProblem):
            made.report(result.diagnostics)
            return result
        files.update(made[0])
        entries[variant] += made[1]
        bars[variant].update(len(ids or ()))
    for bar in bars:
        bar.close()
    try:
        for i, loc in enumerate(localizers):
            view = search.page(loc, entries[i], result.diagnostics)
            files.update(_rendered(stage, i, [view]))
            files.update(exports.timeline_files(loc))
            result.pages_per_variant[loc.variant.code] = len(entries[i]) + 1
        ids = [entry[0] for entry in entries[0]] + [urls.SEARCH]
        files.update(publish.minify(render_neutral(env, localizers, ids, assets)))
        files.update(publish.minify(render_404(env, localizers, assets)))
        files.update(render_sitemap(env, config, ids))
    except Exception as exc:  # a mistake in a template, reported at its line
        TemplateProblem.of(exc, config).report(result.diagnostics)
        return result
    files["robots.txt"] = publish.robots(config)
    files["_headers"] = publish.headers(config, assets)
    result.files = files
    if not urls.is_absolute(config.base_url):
        result.notes.append(f"base_url '{config.base_url}' names no host, so canonical and hreflang links are "
                            "relative and sitemap.xml is left out; to publish, build with "
                            "--base-url https://your.host/path/")
    result.seconds = time.perf_counter() - start
    return result


@dataclass
class _Stage:
    """What rendering a part of the site needs; worker processes inherit it when they fork."""

    env: jinja2.Environment
    localizers: list[Localizer]
    assets: publish.Assets
    cache: BuildCache | None


#: A part of the work: a variant (its index) and the ids of some of its pages, or None for its
#: generated pages (lists, tags, timelines).
Part = tuple[int, "tuple[str, ...] | None"]
#: Pages per part: enough to outweigh sending the work to a process, few enough to share it evenly.
PART_SIZE = 50
_STAGE: _Stage | None = None


def _parts(site: Site, variants: int, jobs: int) -> list[Part]:
    ids = tuple(site.pages)
    size = len(ids) if jobs == 1 else PART_SIZE
    return [part for v in range(variants)
            for part in [*((v, ids[i:i + size]) for i in range(0, len(ids), size)), (v, None)]]


def _render_parts(stage: _Stage, parts: list[Part], jobs: int) -> Iterator[RenderedPart | TemplateProblem]:
    """Each part's minified files and search entries, in order. With ``jobs`` > 1 the parts go to
    that many forked processes, which inherit the loaded site instead of receiving it, and send back
    bytes; a site too small to gain from it is rendered here."""
    global _STAGE
    _STAGE = stage
    try:
        if jobs == 1 or len(parts) <= len(stage.localizers) * 2:
            yield from map(_render_part, parts)
            return
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            yield from pool.map(_render_part, parts)
    finally:
        _STAGE = None


RenderedPart = tuple[dict[str, bytes], list[search.Entry]]


def _render_part(part: Part) -> RenderedPart | TemplateProblem:
    assert _STAGE is not None
    variant, ids = part
    loc = _STAGE.localizers[variant]
    try:
        views = loc.generated() if ids is None else [loc.page(loc.site.pages[pid]) for pid in ids]
        return _rendered(_STAGE, variant, views), [search.entry(view) for view in views]
    except Exception as exc:  # a mistake in a template: sent back as data, for it may cross processes
        return TemplateProblem.of(exc, loc.site.config)


def _rendered(stage: _Stage, variant: int, views: list[PageView]) -> dict[str, bytes]:
    cache = stage.cache
    files = render_variant(stage.env, stage.localizers[variant], views, stage.assets, cache.rendered if cache else None)
    return publish.minify(files, cache.minified if cache else None)


def _progress(total: int, label: str, shown: bool) -> tqdm:
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
        return cls(Path(name), line, f"template error: {getattr(exc, 'message', None) or f'{type(exc).__name__}: {exc}'}")

    def report(self, diags: Diagnostics) -> None:
        diags.error(self.path, self.line, self.message, "fix the template; content files are fine")
